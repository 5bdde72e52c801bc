/**
 * An order read through the Admin API (the sweep, an import) enters the sync exactly like one a
 * webhook delivered: one order_sync row and one sync job, in one statement. An order we already
 * have (its webhook came, before or meanwhile) is left alone: `on conflict do nothing` on
 * (shop, order_id), the same key the webhook intake uses, so each order is synced once.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { addJobSql } from "../jobs/enqueue.server";
import { orderIntakeSchema } from "../models/order-sync.server";

type Queryable = PrismaClient | Prisma.TransactionClient;

export type OrderOrigin = "sweep" | "import";

/** Imports run behind live orders: graphile-worker runs lower numbers first. */
export const IMPORT_JOB_PRIORITY = 10;

export function originReason(origin: OrderOrigin): string {
  return origin === "sweep"
    ? "Recovered by the sweep: Shopify never delivered this order's webhook; it was found through the Admin API."
    : "Imported from Shopify's order history.";
}

/** true: recorded and queued now; false: we already had it. */
export async function recordAdminOrder(
  db: Queryable,
  shop: string,
  payload: Record<string, unknown>,
  origin: OrderOrigin,
  importId: bigint | null = null,
): Promise<boolean> {
  const order = orderIntakeSchema.parse(payload);
  const total = order.total_price_set?.shop_money;
  const processedAt = order.processed_at ?? order.created_at ?? null;
  const email = (order.customer?.email || order.email || order.contact_email || "").trim().toLowerCase() || null;
  const name = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ").trim() || null;
  const priority = origin === "import" ? IMPORT_JOB_PRIORITY : 0;
  const [result] = await db.$queryRaw<{ created: bigint }[]>`
    with created as (
      insert into order_sync (shop, order_id, order_name, order_number, processed_at, customer_name, customer_email,
        total_price, currency, status, status_reason, payload, origin, import_id, updated_at)
      values (${shop}, ${order.id}, ${order.name}, ${order.order_number ?? null}::int, ${processedAt}::timestamptz,
        ${name}, ${email}, ${total?.amount ?? order.total_price}, ${total?.currency_code ?? order.currency},
        'queued', ${originReason(origin)}, ${JSON.stringify(payload)}::jsonb, ${origin}, ${importId}::bigint, now())
      on conflict (shop, order_id) do nothing
      returning order_id
    ), job as (
      select ${addJobSql("sync-order", { shop, orderId: order.id }, { priority })} from created
    )
    select (select count(*) from job) as created`;
  return (result?.created ?? 0n) > 0n;
}
