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
