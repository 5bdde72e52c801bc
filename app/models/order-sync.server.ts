import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";
import { parsePayload } from "../jobs/catalog";
import { enqueue } from "../jobs/enqueue.server";

/** What intake needs from an orders/create payload; the sync job validates the full shape. */
export const orderIntakeSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  name: z.string(),
  order_number: z.number().int().optional(),
  processed_at: z.string().nullish(),
  created_at: z.string().nullish(),
  total_price: z.string(),
  currency: z.string(),
  total_price_set: z.looseObject({ shop_money: z.looseObject({ amount: z.string(), currency_code: z.string() }) }).optional(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  customer: z
    .looseObject({ first_name: z.string().nullish(), last_name: z.string().nullish(), email: z.string().nullish() })
    .nullish(),
});

export type OrderIntake = z.infer<typeof orderIntakeSchema>;

import { SYNC_STATUSES, type SyncStatus } from "./sync-status";

export { SYNC_STATUSES, type SyncStatus };

/** graphile-worker's own retries, for failures that are not FreshBooks' answers (database, bugs). */
export const SYNC_JOB_MAX_ATTEMPTS = 10;

/** The job key of an order's sync: one pending job per order, whatever re-enqueues it. */
export function syncJobKey(shop: string, orderId: string): string {
  return `sync-order:${shop}:${orderId}`;
}

function customerName(order: OrderIntake): string | null {
  const name = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ").trim();
  return name || null;
}

export type DeliveryOutcome = "queued" | "duplicate-delivery" | "duplicate-order";

type Queryable = PrismaClient | Prisma.TransactionClient;

/**
 * Records an orders/create delivery and queues its sync in ONE statement (atomic, one round
 * trip: intake is the hot path of a flash sale). Deduplicates twice: the same webhook id is
 * stored once, and the same order (under any webhook id) gets one sync record and one job.
 */
export async function recordOrderDelivery(
  db: Queryable,
  delivery: { shop: string; webhookId: string; topic: string; payload: unknown },
  order: OrderIntake,
): Promise<DeliveryOutcome> {
  const total = order.total_price_set?.shop_money;
  const processedAt = order.processed_at ?? order.created_at ?? null;
  // Lower-cased: the sync log searches it exactly (indexed), whatever case was typed.
  const email = (order.customer?.email || order.email || order.contact_email || "").trim().toLowerCase() || null;
  const payload = JSON.stringify(delivery.payload);
  const job = parsePayload("sync-order", { shop: delivery.shop, orderId: order.id });
  const [result] = await db.$queryRaw<{ delivered: bigint; created: bigint }[]>`
    with delivery as (
      insert into webhook_delivery (shop, webhook_id, topic, payload)
      values (${delivery.shop}, ${delivery.webhookId}, ${delivery.topic}, ${payload}::jsonb)
      on conflict (shop, webhook_id) do nothing
      returning id
    ), created as (
      insert into order_sync (shop, order_id, order_name, order_number, processed_at, customer_name, customer_email,
        total_price, currency, status, payload, updated_at)
      select ${delivery.shop}, ${order.id}, ${order.name}, ${order.order_number ?? null}::int, ${processedAt}::timestamptz,
        ${customerName(order)}, ${email}, ${total?.amount ?? order.total_price}, ${total?.currency_code ?? order.currency},
        'queued', ${payload}::jsonb, now()
      where exists (select 1 from delivery)
      on conflict (shop, order_id) do nothing
      returning order_id
    ), job as (
      select graphile_worker.add_job(
        identifier => 'sync-order',
        payload => ${JSON.stringify(job)}::json,
        job_key => ${syncJobKey(delivery.shop, order.id)}::text,
        max_attempts => ${SYNC_JOB_MAX_ATTEMPTS}::int
      ) from created
    )
    select (select count(*) from delivery) as delivered, (select count(*) from job) as created`;
  if (!result || result.delivered === 0n) return "duplicate-delivery";
  return result.created === 0n ? "duplicate-order" : "queued";
}

/**
 * (Re)queues an order's sync: the same job key replaces any pending job, so there is never more
 * than one per order (Retry, reconnect, reinstall, and the pipeline's own scheduled retries).
 */
export async function queueSync(db: Queryable, shop: string, orderId: string, runAt?: Date): Promise<void> {
  await enqueue(db, "sync-order", { shop, orderId }, { jobKey: syncJobKey(shop, orderId), jobKeyMode: "replace", maxAttempts: SYNC_JOB_MAX_ATTEMPTS, runAt });
}

/**
 * Re-queues orders (Retry, reconnect, reinstall). Idempotent: the job key means one pending job
 * per order, and the sync itself never creates a second invoice. Synced orders are not touched.
 */
export async function requeueOrders(db: PrismaClient, shop: string, where: Prisma.OrderSyncWhereInput): Promise<number> {
  return db.$transaction(async (tx) => {
    const orders = await tx.orderSync.findMany({
      where: { ...where, shop, status: { notIn: ["synced", "syncing", "skipped"] } },
      select: { orderId: true },
    });
    if (orders.length === 0) return 0;
    await tx.orderSync.updateMany({
      where: { shop, orderId: { in: orders.map((order) => order.orderId) } },
      data: { status: "queued", statusReason: null, nextAttemptAt: null },
    });
    for (const { orderId } of orders) {
      await queueSync(tx, shop, orderId);
    }
    return orders.length;
  });
}
