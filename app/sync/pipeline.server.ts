import type { OrderSync, Prisma, PrismaClient } from "@prisma/client";
import { applyOrderFilters } from "../admin-sync/filters.server";
import { freshbooksFor } from "../freshbooks/connection.server";
import { FreshBooksError, FreshBooksRateLimitError } from "../freshbooks/errors";
import type { Logger } from "../logger.server";
import {
  ATTEMPT_LEASE_MS,
  CLAIM_LOST_REASON,
  claimedOrder,
  claimOrder,
  FINAL_STATUSES,
  isClaimLost,
  releaseClaim,
} from "../models/order-claim.server";
import { getSettings } from "../models/settings.server";
import { shopifyOrderSchema } from "../shopify/order-schema";
import { decide, MAX_RATE_LIMIT_WAIT_MS, RATE_LIMIT_FALLBACK_MS, type Decision, type RetryTiming } from "./error-policy";
import { mapOrder } from "./mapping";
import { difference, sameAmount } from "./mapping/money";
import { step, StepFailed, type StepContext, type SyncStep } from "./steps";
import { clientStep, emailRecipient, emailStep, invoiceStep, paymentStep, paymentWanted } from "./steps.server";

export { ATTEMPT_LEASE_MS };

export interface SyncDeps {
  db: PrismaClient;
  logger: Logger;
  now?: () => Date;
  fetch?: typeof fetch;
  retry?: RetryTiming;
  /** The graphile-worker worker running this attempt (its heartbeat tells whether it is alive). */
  workerId?: string;
}

export type AttemptResult =
  | { outcome: "synced" | "synced_with_difference" | "skipped" | "failed" | "needs_reconnect" | "paused" | "noop"; reason?: string }
  | { outcome: "retry" | "busy"; reason: string; retryAt: Date };

// A "synced with difference" order may be retried: the attempt re-checks without creating anything.
const FINAL = new Set<string>(FINAL_STATUSES);

type Where = Prisma.OrderSyncWhereUniqueInput;

/**
 * One attempt at syncing one order: claim it (models/order-claim.server.ts), read the order and
 * the settings, run the named steps (client → invoice → payment → email, ./steps.server.ts), and
 * record the outcome; a failed step (StepFailed) is decided by the error policy (decide). Every
 * step is idempotent, so the attempt can be repeated after a crash at any point: the client comes from our mapping or an exact search; the invoice
 * intent is recorded before the POST, and a later attempt looks the invoice up by its exact
 * number before creating one; payments are looked up before being recorded; the email is
 * requested at most once.
 */
export async function attemptOrderSync(shop: string, orderId: string, jobId: string | null, deps: SyncDeps): Promise<AttemptResult> {
  const now = () => deps.now?.() ?? new Date();
  const where: Where = { shop_orderId: { shop, orderId } };
  const seen = await deps.db.orderSync.findUnique({ where });
  if (!seen || FINAL.has(seen.status)) return { outcome: "noop" };
  let row = seen;
  let attemptNumber = seen.attempts + 1;

  const settings = await getSettings(deps.db, shop);
  const startedAt = now();
  const attempt = await deps.db.syncAttempt.create({
    data: { orderSyncId: row.id, shop, jobId, startedAt, outcome: "syncing" },
  });
  // Once claimed, every write is conditional on the claim (app/models/order-claim.server.ts).
  let own: Where = where;
  const lost = async (): Promise<AttemptResult> => {
    await deps.db.syncAttempt.update({
      where: { id: attempt.id },
      data: { finishedAt: now(), outcome: "busy", message: CLAIM_LOST_REASON },
    });
    await releaseClaim(deps.db, shop, orderId, deps.workerId ?? null);
    deps.logger.warn({ shop, orderId, jobId, attempt: attemptNumber }, "sync attempt stopped: its claim was lost");
    return { outcome: "busy", reason: CLAIM_LOST_REASON, retryAt: new Date(now().getTime() + 30_000) };
  };
  const finish = async (result: AttemptResult, data: Prisma.OrderSyncUpdateInput, error?: unknown) => {
    try {
      await deps.db.orderSync.update({ where: own, data });
    } catch (writeError) {
      if (isClaimLost(writeError)) return lost();
      throw writeError;
    }
    await deps.db.syncAttempt.update({
      where: { id: attempt.id },
      data: { finishedAt: now(), outcome: result.outcome, message: "reason" in result ? (result.reason ?? null) : null },
    });
    deps.logger.info(
      {
        shop,
        orderId,
        jobId,
        outcome: result.outcome,
        attempt: attemptNumber,
        reason: "reason" in result ? result.reason : undefined,
        ...freshbooksFailure(error),
      },
      "sync attempt",
    );
    return result;
  };

  if (settings.uninstalledAt) {
    const reason = "Paused: the app is not installed in this shop. Orders sync again after it is reinstalled.";
    return finish({ outcome: "paused", reason }, { status: "queued", statusReason: reason, statusCause: "paused", statusDetail: null });
  }

  // Claim the order: one attempt at a time (the lease and the dead-worker rule: claimOrder).
  const claimed = await claimOrder(deps.db, shop, orderId, deps.workerId ?? null);
  if (!claimed) {
    await deps.db.syncAttempt.delete({ where: { id: attempt.id } });
    const current = await deps.db.orderSync.findUnique({ where, select: { status: true } });
    if (current && FINAL.has(current.status)) return { outcome: "noop" }; // another attempt finished it meanwhile
    return { outcome: "busy", reason: "another attempt is running", retryAt: new Date(startedAt.getTime() + 30_000) };
  }
  // What an attempt that ran before the claim (and finished) recorded: its invoice intent, its
  // invoice. Working from the row as first read would post the invoice a second time.
  row = await deps.db.orderSync.findUniqueOrThrow({ where });
  attemptNumber = row.attempts;
  own = claimedOrder(shop, orderId, deps.workerId ?? null, row.redactedAt);

  const parsed = shopifyOrderSchema.safeParse(row.payload);
  if (!parsed.success) {
    const detail = `${parsed.error.issues[0]?.path.join(".") ?? "?"} ${parsed.error.issues[0]?.message ?? ""}`.trim();
    const reason = `Shopify's order could not be read: ${detail}`;
    return finish(
      { outcome: "failed", reason },
      { status: "failed", statusReason: reason, statusCause: "order_unreadable", statusDetail: detail },
    );
  }
  const filtered = await applyOrderFilters(deps.db, shop, parsed.data, row.sendDespiteFilter);
  if (filtered.skip)
    return finish(
      { outcome: "skipped", reason: filtered.skip },
      { status: "skipped", statusReason: filtered.skip, statusCause: "filtered", statusDetail: null },
    );
  const mapping = mapOrder(parsed.data, {
    invoicePrefix: settings.invoicePrefix,
    dueOffsetDays: settings.dueOffsetDays,
    shopDomain: shop,
    sendDespiteFilter: filtered.sendTestOrders,
  });
  if (!mapping.ok) {
    const status = mapping.kind === "skip" ? "skipped" : "failed";
    const statusCause = mapping.kind === "skip" ? "test_order" : "order_unsupported";
    return finish({ outcome: status, reason: mapping.reason }, { status, statusReason: mapping.reason, statusCause, statusDetail: null });
  }

  let accountId: string | null = null;
  try {
    const fb = await step("client", () => freshbooksFor(shop, deps));
    accountId = fb.accountId;
    const ctx: StepContext = { db: deps.db, fb, where: own, now, row, mapped: mapping.order, settings };
    const result = await runSteps(ctx);
    const status = result.difference ? "synced_with_difference" : "synced";
    const reason = result.difference
      ? `FreshBooks' total ${result.freshbooksTotal} differs from Shopify's ${mapping.order.shopifyTotal.amount} ${mapping.order.currency} by ${result.difference}${result.note ? `; ${result.note}` : ""}`
      : (result.note ?? null);
    // The one thing to act on first: an email to send again, then a difference, then a payment note.
    const statusCause = result.emailError
      ? "email_failed"
      : result.difference
        ? "total_difference"
        : result.note
          ? "payment_adjusted"
          : null;
    const statusDetail = result.emailError ?? result.note ?? null;
    return finish(
      { outcome: status, reason: reason ?? undefined },
      { status, statusReason: reason, statusCause, statusDetail, difference: result.difference },
    );
  } catch (thrown) {
    // Everything in the try runs inside a step; a failure outside one would be ours (a bug).
    const failure = thrown instanceof StepFailed ? thrown : new StepFailed("client", thrown);
    const { step: failedStep, cause: error } = failure;
    if (isClaimLost(error)) return lost();
    // (A 429 is the hot path of a storm: it needs no read of the transient count.)
    const transient = error instanceof FreshBooksRateLimitError ? row.transientFailures : await transientFailuresNow(deps.db, where, row);
    const used = { rateLimit: row.rateLimitedAttempts, transient };
    const decision: Decision | null = decide(failure, used, deps.retry);
    if (!decision) {
      await deps.db.syncAttempt.update({
        where: { id: attempt.id },
        data: { finishedAt: now(), outcome: "error", message: String(error) },
      });
      throw error;
    }
    // What is already in FreshBooks, when a later step is what failed: the merchant sees exactly
    // which part is missing, and the next attempt (or Retry) does only that part.
    const missing = await missingPart(deps.db, where, failedStep);
    // What is missing leads the detail too: the pages word the cause, and show the detail under it.
    const why = { statusCause: decision.cause, statusDetail: `${missing}${decision.detail ?? ""}` || null };
    if (decision.kind === "retry") {
      const retryAt =
        decision.budget === "rateLimit"
          ? await waitBehindRateLimit(deps.db, shop, accountId ?? "", decision.delayMs)
          : new Date(now().getTime() + decision.delayMs);
      const reason = `${missing}${decision.reason}. Retrying automatically.`;
      const spent = decision.budget === "rateLimit" ? { rateLimitedAttempts: { increment: 1 } } : { transientFailures: { increment: 1 } };
      return finish(
        { outcome: "retry", reason, retryAt },
        { status: "queued", statusReason: reason, ...why, nextAttemptAt: retryAt, ...spent },
        error,
      );
    }
    if (decision.kind === "reconnect") {
      const reason = `${missing}Waiting for FreshBooks to be reconnected (${decision.reason}). The order syncs when you reconnect.`;
      return finish({ outcome: "needs_reconnect", reason }, { status: "needs_reconnect", statusReason: reason, ...why }, error);
    }
    const reason = `${missing}${decision.reason}`;
    return finish({ outcome: "failed", reason }, { status: "failed", statusReason: reason, ...why }, error);
  }
}

/**
 * The transient failures in a row the order has had since its last completed step: a step
 * recorded in this very attempt (the invoice, the payment) started the count again.
 */
async function transientFailuresNow(db: PrismaClient, where: Where, row: OrderSync): Promise<number> {
  const current = await db.orderSync.findUnique({ where, select: { transientFailures: true } });
  return current?.transientFailures ?? row.transientFailures;
}

/** "Invoice SHOP-1042 created; payment not recorded: " when the invoice exists and a later step failed. */
async function missingPart(db: PrismaClient, where: Where, step: SyncStep): Promise<string> {
  if (step !== "payment" && step !== "email") return "";
  const current = await db.orderSync.findUnique({ where, select: { invoiceNumber: true, freshbooksInvoiceId: true } });
  if (!current?.freshbooksInvoiceId) return "";
  const part = step === "payment" ? "payment not recorded" : "invoice not emailed";
  return `Invoice ${current.invoiceNumber ?? current.freshbooksInvoiceId} created; ${part}: `;
}

/**
 * A 429: FreshBooks limits the whole account, so the wait is the account's, recorded in the
 * database and shared by every order (and worker) of it: Retry-After when FreshBooks gives one,
 * else 1 s, doubling each time a request sent after the wait was over is limited again (a 429
 * for a request already under way when the wait began does not count; a minute of calm starts
 * over), at most a minute. Every rate-limited order comes back at the account's "not before"
 * time, in the order the limit hit them, never after a per-order backoff that grows until an
 * unlucky order starves.
 */
export async function waitBehindRateLimit(db: PrismaClient, shop: string, accountId: string, askedMs: number | null): Promise<Date> {
  const calmMs = MAX_RATE_LIMIT_WAIT_MS;
  const [row] = await db.$queryRaw<{ not_before: Date }[]>`
    with previous as (
      select not_before, strikes from freshbooks_rate_limit where shop = ${shop} and account_id = ${accountId}
    ), next as (
      select case
        when ${askedMs}::int is not null then 0
        when p.not_before is null or p.not_before < now() - ${calmMs}::int * interval '1 millisecond' then 1
        when p.not_before <= now() then p.strikes + 1
        else p.strikes end as strikes
      from (select 1) one left join previous p on true
    )
    insert into freshbooks_rate_limit as limited (shop, account_id, not_before, strikes, updated_at)
    select ${shop}, ${accountId}, now() + coalesce(${askedMs}::int,
        least(${MAX_RATE_LIMIT_WAIT_MS}::int, ${RATE_LIMIT_FALLBACK_MS}::int * power(2, least(16, greatest(0, next.strikes - 1)))::int)
      ) * interval '1 millisecond', next.strikes, now()
    from next
    on conflict (shop, account_id) do update set
      strikes = excluded.strikes, not_before = greatest(limited.not_before, excluded.not_before), updated_at = now()
    returning not_before`;
  return row?.not_before ?? new Date(Date.now() + (askedMs ?? RATE_LIMIT_FALLBACK_MS));
}

/**
 * What the log line of a failed attempt says about the FreshBooks call: its HTTP status and
 * the errnos and fields it named. Never the values FreshBooks echoes back (they can be an email
 * or an address). FreshBooks documents no request-id header (docs/freshbooks-api.md §8), so there is none to log.
 */
export function freshbooksFailure(error: unknown): Record<string, unknown> {
  if (!(error instanceof FreshBooksError)) return {};
  const errnos = error.details.flatMap((detail) => (detail.errno === undefined ? [] : [detail.errno]));
  const fields = error.details.flatMap((detail) => (detail.field === undefined ? [] : [detail.field]));
  return {
    freshbooksStatus: error.status,
    freshbooksError: error.kind,
    ...(errnos.length > 0 ? { freshbooksErrnos: errnos } : {}),
    ...(fields.length > 0 ? { freshbooksFields: fields } : {}),
  };
}

/** What the steps recorded, for the outcome. */
interface StepsResult {
  freshbooksTotal: string;
  difference: string | null;
  note?: string;
  emailError?: string;
}

/** The named steps, in order; each returns what it recorded, the next one reads it. */
async function runSteps(ctx: StepContext): Promise<StepsResult> {
  const client = await step("client", () => clientStep(ctx));
  const invoice = await step("invoice", () => invoiceStep(ctx, client));
  const payment = paymentWanted(ctx) ? await step("payment", () => paymentStep(ctx, invoice)) : {};
  const recipient = emailRecipient(ctx);
  const email = recipient ? await step("email", () => emailStep(ctx, invoice.id, recipient)) : {};
  const notes = [payment.note, email.error === undefined ? undefined : `the invoice was not emailed (${email.error})`].filter(
    (note) => note !== undefined,
  );
  const shopifyTotal = ctx.mapped.shopifyTotal.amount;
  return {
    freshbooksTotal: invoice.total,
    difference: sameAmount(invoice.total, shopifyTotal) ? null : difference(invoice.total, shopifyTotal),
    note: notes.length > 0 ? notes.join("; ") : undefined,
    emailError: email.error,
  };
}
