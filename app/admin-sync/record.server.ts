/**
 * An order read through the Admin API (the sweep, an import) enters the sync exactly like one a
 * webhook delivered: one order_sync row and one sync job, in one statement. An order we already
 * have (its webhook came, before or meanwhile) is left alone: `on conflict do nothing` on
 * (shop, order_id), the same key the webhook intake uses, so each order is synced once.
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { addJobSql, fromRow } from "../jobs/enqueue.server";
import { orderColumns, orderIntakeSchema } from "../models/order-sync.server";

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
  return (await recordAdminOrders(db, shop, [payload], origin, importId)) > 0;
}

/**
 * Many orders at once (a page of an import): the same rows and jobs as recordAdminOrder, in one
 * statement. Returns how many were recorded now (the others we already had).
 */
export async function recordAdminOrders(
  db: Queryable,
  shop: string,
  payloads: Record<string, unknown>[],
  origin: OrderOrigin,
  importId: bigint | null = null,
): Promise<number> {
  if (payloads.length === 0) return 0;
  const rows = payloads.map((payload) => {
    const order = orderIntakeSchema.parse(payload);
    const columns = orderColumns(order);
    return {
      order_id: order.id,
      order_name: columns.orderName,
      order_number: columns.orderNumber,
      processed_at: columns.processedAt,
      customer_name: columns.customerName,
      customer_email: columns.customerEmail,
      total_price: columns.totalPrice,
      currency: columns.currency,
      payload,
    };
  });
  const priority = origin === "import" ? IMPORT_JOB_PRIORITY : 0;
  const [result] = await db.$queryRaw<{ created: number }[]>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(order_id text, order_name text, order_number int,
        processed_at timestamptz, customer_name text, customer_email text, total_price text, currency text, payload jsonb)
    ), created as (
      insert into order_sync (shop, order_id, order_name, order_number, processed_at, customer_name, customer_email,
        total_price, currency, status, status_reason, payload, origin, import_id, updated_at)
      select ${shop}, order_id, order_name, order_number, processed_at, customer_name, customer_email, total_price, currency,
        'queued', ${originReason(origin)}, payload, ${origin}, ${importId}::bigint, now()
      from input
      on conflict (shop, order_id) do nothing
      returning order_id
    ), job as (
      select ${addJobSql("sync-order", fromRow("sync-order", { shop: Prisma.sql`${shop}::text`, orderId: Prisma.sql`order_id` }), { priority })} from created
    )
    select (select count(*) from job)::int as created`;
  return result?.created ?? 0;
}
