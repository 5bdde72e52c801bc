import { Prisma, type PrismaClient } from "@prisma/client";

/**
 * The claim an attempt holds on its order while it runs (status 'syncing', claimed_by = its
 * worker). Two guards keep a stale attempt from writing:
 * - the lease is renewed by the heartbeat of the worker holding the claim (renewLeases, every
 *   15 s), so a long attempt of a live worker is never taken over; only a dead worker's lease
 *   (or a claim without a worker) runs out;
 * - every write of the attempt after the claim goes through `claimedOrder`: it matches only
 *   while the order is still claimed by this worker and not redacted since the attempt read
 *   it, so an attempt that lost its claim, or whose customer was erased meanwhile, changes
 *   nothing (Prisma answers P2025) and stops before its next FreshBooks request.
 */
type Where = Prisma.OrderSyncWhereUniqueInput;

/** An attempt whose lease (its start, renewed by its worker's heartbeat) is older than this is taken to have died. */
export const ATTEMPT_LEASE_MS = 10 * 60 * 1000;

/** A worker whose heartbeat (app/jobs/liveness.server.ts) is older than this is taken to be dead: its claims and jobs are freed. */
export const DEAD_AFTER_MS = 60_000;

/** Done: never claimed again. (A "synced with difference" order may be: the attempt re-checks without creating anything.) */
export const FINAL_STATUSES = ["synced", "skipped"] as const;

/**
 * Claims the order for one attempt: one attempt at a time, even if two jobs for it ever run at
 * once. A "syncing" order stays claimed until its attempt ends, its lease runs out, or the worker
 * running it is dead (no heartbeat for DEAD_AFTER_MS: killed, lost machine). Every time here is
 * the database's now(), like the heartbeats': machines' clocks drift, and a clock running ahead
 * must not make a live worker's attempt look dead (two at once). False: not claimed (done, or
 * another attempt holds it).
 */
export async function claimOrder(db: PrismaClient, shop: string, orderId: string, workerId: string | null): Promise<boolean> {
  const claimed = await db.$executeRaw`
    update order_sync set status = 'syncing', attempts = attempts + 1, last_attempt_at = now(),
      next_attempt_at = null, claimed_by = ${workerId}, lease_renewed_at = null, updated_at = now()
    where shop = ${shop} and order_id = ${orderId} and status <> all(${[...FINAL_STATUSES]}::text[]) and (
      status <> 'syncing' or last_attempt_at is null
      or coalesce(lease_renewed_at, last_attempt_at) < now() - ${ATTEMPT_LEASE_MS}::int * interval '1 millisecond'
      or (claimed_by is not null and last_attempt_at < now() - ${DEAD_AFTER_MS}::int * interval '1 millisecond' and not exists (
        select 1 from worker_heartbeat h where h.id = 'worker-id:' || order_sync.claimed_by
          and h.beat_at >= now() - ${DEAD_AFTER_MS}::int * interval '1 millisecond')))`;
  return claimed > 0;
}

export function claimedOrder(shop: string, orderId: string, workerId: string | null, redactedAt: Date | null): Where {
  return { shop_orderId: { shop, orderId }, status: "syncing", claimedBy: workerId, redactedAt };
}

/** The attempt's conditional write matched nothing: its claim is gone (taken over or redacted). */
export function isClaimLost(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025";
}

export const CLAIM_LOST_REASON = "the order was taken over or erased while this attempt ran";

/**
 * Ends an attempt that stopped without finishing: if the claim is still this worker's (the
 * order was redacted meanwhile), the order goes back to queued for a fresh attempt on what is
 * now stored; a claim another attempt took is left to it.
 */
export async function releaseClaim(db: PrismaClient, shop: string, orderId: string, workerId: string | null): Promise<void> {
  await db.$executeRaw`
    update order_sync set status = 'queued', claimed_by = null, lease_renewed_at = null, updated_at = now()
    where shop = ${shop} and order_id = ${orderId} and status = 'syncing' and claimed_by is not distinct from ${workerId}`;
}

type Query = (sql: string, values: unknown[]) => Promise<unknown>;

/** Renews the leases of the attempts these live workers hold (the database's clock, like the heartbeat). */
export async function renewLeases(query: Query, workerIds: Iterable<string>): Promise<void> {
  const ids = [...workerIds];
  if (ids.length === 0) return;
  await query(`update order_sync set lease_renewed_at = now() where status = 'syncing' and claimed_by = any($1::text[])`, [ids]);
}
