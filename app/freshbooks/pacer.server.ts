import { Prisma, type PrismaClient } from "@prisma/client";

/**
 * Pacing a FreshBooks account's requests once FreshBooks has limited it (429), shared by every
 * worker process through the account's `freshbooks_rate_limit` row (docs/decisions/0008).
 *
 * FreshBooks publishes no rate (docs/freshbooks-api.md §8), so the spacing is learnt: a 429 doubles
 * it (at least {@link INITIAL_PACE_MS}, at most {@link MAX_PACE_MS}; the 429s answered to requests
 * already on their way count once, {@link RAISE_EVERY_MS}), and it halves every
 * {@link PACE_HALF_LIFE_MS} without one. While an account is paced, each request takes the next
 * start time in turn (never before the account's "not before" time, FreshBooks' Retry-After) and
 * waits for it. Without pacing, the orders a 429 sent back all came back at the same moment,
 * FreshBooks let the first few through and limited the rest again: each of those attempts used up
 * a little of its order's budget, and under a steady limit some orders ran out of it.
 *
 * An account that has not been limited for {@link CALM_AFTER_MS} is not paced: its requests cost
 * no database round trip (a process learns that it is limited from its own first 429 or from the
 * row it reads while pacing).
 */
export const INITIAL_PACE_MS = 10;
export const MAX_PACE_MS = 2000;
export const PACE_HALF_LIFE_MS = 3000;
export const RAISE_EVERY_MS = 1000;
export const CALM_AFTER_MS = 60_000;

export interface Pacer {
  /** Waits for this request's turn when the account is paced; returns at once when it is calm. */
  before(): Promise<void>;
  /** FreshBooks answered 429: raises the account's pacing (and honours Retry-After for every request). */
  limited(retryAfterSeconds: number | null): Promise<void>;
}

/** Per process: until when an account (shop + account id) is paced, as far as this process knows. */
const pacedUntil = new Map<string, number>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The account's pace now (`limited` is its row): what a 429 set, halved every {@link PACE_HALF_LIFE_MS} since. */
const DECAYED_PACE = Prisma.sql`limited.pace_ms * power(0.5, extract(epoch from now() - coalesce(limited.paced_at, now())) * 1000 / ${PACE_HALF_LIFE_MS}::float8)`;
/** A 429 within {@link RAISE_EVERY_MS} of the last raise: the same burst, already counted. */
const RAISED_JUST_NOW = Prisma.sql`limited.paced_at > now() - ${RAISE_EVERY_MS}::int * interval '1 millisecond'`;

/** The turn one request takes: how long to wait for it, and how long the account stays paced. */
export async function takeTurn(db: PrismaClient, shop: string, accountId: string): Promise<{ waitMs: number; pacedForMs: number } | null> {
  const [row] = await db.$queryRaw<{ wait_ms: number; paced_for_ms: number }[]>`
    update freshbooks_rate_limit as limited
    set last_slot = greatest(coalesce(limited.last_slot, now()) + ${DECAYED_PACE} * interval '1 millisecond', limited.not_before, now())
    where limited.shop = ${shop} and limited.account_id = ${accountId}
    returning (extract(epoch from limited.last_slot - now()) * 1000)::float8 as wait_ms,
      (extract(epoch from coalesce(limited.paced_at, limited.updated_at) - now()) * 1000 + ${CALM_AFTER_MS}::float8)::float8 as paced_for_ms`;
  return row ? { waitMs: Number(row.wait_ms), pacedForMs: Number(row.paced_for_ms) } : null;
}

/** Records a 429 on the account's row: the pacing raised (once per {@link RAISE_EVERY_MS}), Retry-After honoured. */
export async function noteLimited(db: PrismaClient, shop: string, accountId: string, retryAfterSeconds: number | null): Promise<void> {
  const askedMs = retryAfterSeconds === null ? 0 : retryAfterSeconds * 1000;
  await db.$executeRaw`
    insert into freshbooks_rate_limit as limited (shop, account_id, not_before, strikes, updated_at, pace_ms, paced_at)
    values (${shop}, ${accountId}, now() + ${askedMs}::int * interval '1 millisecond', 0, now(), ${INITIAL_PACE_MS}::float8, now())
    on conflict (shop, account_id) do update set
      pace_ms = case when ${RAISED_JUST_NOW} then limited.pace_ms
        else least(${MAX_PACE_MS}::float8, greatest(${INITIAL_PACE_MS}::float8, 2 * ${DECAYED_PACE})) end,
      paced_at = case when ${RAISED_JUST_NOW} then limited.paced_at else now() end,
      not_before = greatest(limited.not_before, now() + ${askedMs}::int * interval '1 millisecond'),
      updated_at = now()`;
}

/** The pacer of one connected account, for the FreshBooks client (`createFreshBooksClient({ pacer })`). */
export function pacerFor(db: PrismaClient, shop: string, accountId: string): Pacer {
  const key = `${shop}|${accountId}`;
  return {
    async before() {
      const until = pacedUntil.get(key);
      if (until === undefined) return;
      if (Date.now() > until) {
        pacedUntil.delete(key);
        return;
      }
      const turn = await takeTurn(db, shop, accountId);
      if (!turn || turn.pacedForMs <= 0) {
        pacedUntil.delete(key);
        return;
      }
      pacedUntil.set(key, Date.now() + turn.pacedForMs);
      if (turn.waitMs > 0) await sleep(turn.waitMs);
    },
    async limited(retryAfterSeconds) {
      pacedUntil.set(key, Date.now() + CALM_AFTER_MS);
      await noteLimited(db, shop, accountId, retryAfterSeconds);
    },
  };
}
