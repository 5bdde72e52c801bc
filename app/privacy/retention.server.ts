import type { PrismaClient } from "@prisma/client";

/**
 * Retention: what we keep only for a while (docs/decisions/0007, "Retention"). Run daily by the
 * `purge-expired-data` cron job. Every cut-off is the database's clock, and each step works in
 * batches through a small index, so a big backlog neither holds long locks nor scans tables.
 */
export interface RetentionPeriods {
  /** Order snapshots and their deliveries, counted from the attempt that made the order final. */
  orderSnapshotDays: number;
  /** Customer data-request exports (the request row and its export). */
  dataRequestDays: number;
  /** OAuth `state` nonces, once used or expired. */
  oauthStateDays: number;
}

export interface RetentionReport {
  orderSnapshots: number;
  deliveries: number;
  dataRequests: number;
  oauthStates: number;
}

/** Statuses after which the order's snapshot is no longer needed (nothing will map it again). */
export const FINAL_STATUSES = ["synced", "skipped"] as const;

const BATCH = 1000;

async function inBatches(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await step();
    total += done;
    if (done < BATCH) return total;
  }
}

export async function purgeExpiredData(db: PrismaClient, periods: RetentionPeriods): Promise<RetentionReport> {
  const report: RetentionReport = { orderSnapshots: 0, deliveries: 0, dataRequests: 0, oauthStates: 0 };
  const snapshotDays = periods.orderSnapshotDays;

  // Final orders past the period: their deliveries go, and the snapshot becomes `{}` (the sync
  // log keeps the order's name, totals, status and invoice; the snapshot is the raw order).
  report.orderSnapshots = await inBatches(() =>
    db.$transaction(async (tx) => {
      const expired = await tx.$queryRaw<{ id: bigint; shop: string; order_id: string }[]>`
        select id, shop, order_id from order_sync
        where status = any(${[...FINAL_STATUSES]}::text[]) and payload <> '{}'::jsonb
          and last_attempt_at < now() - ${snapshotDays}::int * interval '1 day'
        order by last_attempt_at limit ${BATCH} for update skip locked`;
      if (expired.length === 0) return 0;
      report.deliveries += await tx.$executeRaw`
        delete from webhook_delivery d using unnest(${expired.map((row) => row.shop)}::text[], ${expired.map((row) => row.order_id)}::text[]) as o(shop, order_id)
        where d.shop = o.shop and d.order_id = o.order_id`;
      await tx.$executeRaw`update order_sync set payload = '{}'::jsonb where id = any(${expired.map((row) => row.id)}::bigint[])`;
      return expired.length;
    }),
  );

  // Deliveries that carry no order (bodies we could not read or refused, other topics).
  report.deliveries += await inBatches(
    () => db.$executeRaw`
      delete from webhook_delivery where id in (
        select id from webhook_delivery where order_id is null and received_at < now() - ${snapshotDays}::int * interval '1 day'
        order by received_at limit ${BATCH})`,
  );

  // Signed deliveries we could not read at all (rejected_delivery, docs/decisions/0010): kept for
  // inspection as long as an order's own deliveries.
  report.deliveries += await inBatches(
    () => db.$executeRaw`
      delete from rejected_delivery where id in (
        select id from rejected_delivery where received_at < now() - ${snapshotDays}::int * interval '1 day'
        order by received_at limit ${BATCH})`,
  );

  report.dataRequests = await inBatches(
    () => db.$executeRaw`
      delete from compliance_request where id in (
        select id from compliance_request where topic = 'customers/data_request'
          and received_at < now() - ${periods.dataRequestDays}::int * interval '1 day'
        limit ${BATCH})`,
  );

  report.oauthStates = await inBatches(
    () => db.$executeRaw`
      delete from oauth_state where nonce in (
        select nonce from oauth_state
        where used_at < now() - ${periods.oauthStateDays}::int * interval '1 day'
           or expires_at < now() - ${periods.oauthStateDays}::int * interval '1 day'
        limit ${BATCH})`,
  );
  return report;
}
