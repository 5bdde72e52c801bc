import { Prisma, type PrismaClient } from "@prisma/client";
import type pg from "pg";
import { z } from "zod";
import { jobKey } from "../jobs/catalog";
import { addJobSql, addJobsSql, enqueue, fromRow } from "../jobs/enqueue.server";
import { withOrderId, shopifyId } from "../shopify/json";

/**
 * What intake needs from an orders/create payload; the sync job validates the full shape. The id
 * is exact (the raw body's digits, or admin_graphql_api_id's when there is no id, like the sync's schema).
 * Only these fields are read (the rest of the order is stored as received, never copied here).
 */
export const orderIntakeSchema = z.preprocess(
  withOrderId,
  z.object({
    id: shopifyId,
    name: z.string(),
    order_number: z.number().int().optional(),
    processed_at: z.string().nullish(),
    created_at: z.string().nullish(),
    total_price: z.string(),
    currency: z.string(),
    total_price_set: z.object({ shop_money: z.object({ amount: z.string(), currency_code: z.string() }) }).optional(),
    email: z.string().nullish(),
    contact_email: z.string().nullish(),
    customer: z.object({ first_name: z.string().nullish(), last_name: z.string().nullish(), email: z.string().nullish() }).nullish(),
  }),
);

export type OrderIntake = z.infer<typeof orderIntakeSchema>;

/** What identifies the order and its customer in a body that failed the schema (kept with the rejected delivery). */
export function readableOrderParts(payload: unknown): { orderId: string | null; email: string | null } {
  const body = withOrderId(payload);
  if (!body || typeof body !== "object" || Array.isArray(body)) return { orderId: null, email: null };
  const { id, customer, email, contact_email } = body as Record<string, unknown>;
  const customerEmail = customer && typeof customer === "object" ? (customer as Record<string, unknown>).email : undefined;
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : null);
  return {
    orderId: typeof id === "string" && /^\d+$/.test(id) ? id : Number.isSafeInteger(id) ? String(id) : null,
    email: text(customerEmail) ?? text(email) ?? text(contact_email),
  };
}

import { RETRY_STATES, SYNC_STATUSES, type SyncStatus } from "./sync-status";

export { SYNC_STATUSES, type SyncStatus };

/** The job key of an order's sync (the catalog's key rule): one pending job per order, whatever re-enqueues it. */
export function syncJobKey(shop: string, orderId: string): string {
  return jobKey("sync-order", { shop, orderId }) ?? "";
}

/** An order's columns in its sync record (what the sync log shows), from what intake reads of its body. */
export function orderColumns(order: OrderIntake): {
  orderName: string;
  orderNumber: number | null;
  processedAt: string | null;
  customerName: string | null;
  customerEmail: string | null;
  totalPrice: string;
  currency: string;
} {
  const total = order.total_price_set?.shop_money;
  return {
    orderName: order.name,
    orderNumber: order.order_number ?? null,
    processedAt: order.processed_at ?? order.created_at ?? null,
    customerName: [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ").trim() || null,
    // Lower-cased: the sync log searches it exactly (indexed), whatever case was typed.
    customerEmail: (order.customer?.email || order.email || order.contact_email || "").trim().toLowerCase() || null,
    totalPrice: total?.amount ?? order.total_price,
    currency: total?.currency_code ?? order.currency,
  };
}

export type DeliveryOutcome = "received" | "duplicate-delivery";

type Queryable = PrismaClient | Prisma.TransactionClient;

/** A `pg` pool or client: the webhook hot path's (app/db.server.ts `pool`), with prepared statements. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

async function run<R extends pg.QueryResultRow>(db: Queryable | PgQueryable, name: string, statement: Prisma.Sql): Promise<R[]> {
  if ("$queryRaw" in db) return db.$queryRaw<R[]>(statement);
  return (await db.query<R>({ name, text: statement.text, values: statement.values as unknown[] })).rows;
}

/**
 * The hot path's one statement (a prepared statement: its text is the same on every call; each
 * connection parses and plans it once): the delivery, and its received order when the delivery is new.
 */
const RECORD_ORDER_DELIVERY = `
    with delivery as (
      insert into webhook_delivery (shop, webhook_id, topic, payload, order_id)
      values ($1, $2, $3, $4::jsonb, $5)
      on conflict (shop, webhook_id) do nothing
      returning id
    )
    insert into order_intake (shop, delivery_id, order_id, order_name, order_number, processed_at, customer_name, customer_email,
      total_price, currency)
    select $1, id, $5, $6, $7::int, $8::timestamptz, $9, $10, $11, $12 from delivery`;

/**
 * Stores an orders/create delivery (the deferred intake, docs/decisions/0019): the delivery and
 * one small `order_intake` row (what the sync log shows of the order) in ONE statement, nothing
 * else. The order's sync record and its job are made from the intake row moments later, in a batch
 * (`recordReceivedOrders`), so that the webhook's transaction touches no shared row: no per-day
 * rollup, no job-queue notification. The same webhook id is stored once; the same order under
 * another webhook id gets its second intake row, and the batch gives the order one sync record and
 * one job whatever the number of its deliveries. `payloadJson` is the body as stored (jsonb text).
 */
export async function recordOrderDelivery(
  db: PgQueryable,
  delivery: { shop: string; webhookId: string; topic: string; payloadJson: string },
  order: OrderIntake,
): Promise<DeliveryOutcome> {
  const columns = orderColumns(order);
  const result = await db.query({
    name: "record-order-delivery",
    text: RECORD_ORDER_DELIVERY,
    values: [
      delivery.shop,
      delivery.webhookId,
      delivery.topic,
      delivery.payloadJson,
      order.id,
      columns.orderName,
      columns.orderNumber,
      columns.processedAt,
      columns.customerName,
      columns.customerEmail,
      columns.totalPrice,
      columns.currency,
    ],
  });
  return (result.rowCount ?? 0) > 0 ? "received" : "duplicate-delivery";
}

/** What one batch of the intake recorder did: intake rows taken, orders created (each with its job). */
export interface RecordedBatch {
  taken: number;
  created: number;
}

/**
 * Turns up to `limit` received orders (`order_intake` rows, oldest first; of one shop when `shop`
 * is given; only those received `minAgeMs` ago or earlier) into sync records and jobs, in ONE statement: the rows are taken (`for update skip
 * locked`: recorders in other processes take others) and deleted, each order not yet known gets its
 * `order_sync` row (payload from its delivery, received time the delivery's) and the batch's jobs
 * are added by one `add_jobs` (the catalog's sync-order settings). An order already recorded, or
 * delivered twice in the batch, gets nothing more: the unique (shop, order_id) decides, as it did
 * when intake wrote the row itself. A failure rolls the whole batch back; its rows stay for the next run.
 */
export async function recordReceivedOrders(
  db: Queryable | PgQueryable,
  limit: number,
  shop: string | null = null,
  minAgeMs = 0,
): Promise<RecordedBatch> {
  const [result] = await run<{ taken: number; created: number; jobs: number }>(
    db,
    "record-received-orders",
    Prisma.sql`
    with taken as (
      delete from order_intake where id in (
        select id from order_intake
        where (${shop}::text is null or shop = ${shop}::text) and received_at <= now() - ${minAgeMs}::int * interval '1 millisecond'
        order by id limit ${limit}::int for update skip locked)
      returning *
    ), fresh as (
      select * from (
        select distinct on (t.shop, t.order_id) t.*, d.payload from taken t
        join webhook_delivery d on d.shop = t.shop and d.id = t.delivery_id
        order by t.shop, t.order_id, t.id) first_delivery
      order by id
    ), created as (
      insert into order_sync (shop, order_id, order_name, order_number, processed_at, customer_name, customer_email,
        total_price, currency, status, payload, created_at, updated_at)
      select shop, order_id, order_name, order_number, processed_at, customer_name, customer_email,
        total_price, currency, 'queued', payload, received_at, now()
      from fresh
      on conflict (shop, order_id) do nothing
      returning shop, order_id
    ), jobs as (
      -- An empty batch adds no job (and wakes no worker).
      select case when exists (select 1 from created) then (select count(*)::int from ${addJobsSql(
        "sync-order",
        Prisma.sql`created`,
        fromRow("sync-order", { shop: Prisma.sql`created.shop`, orderId: Prisma.sql`created.order_id` }),
      )}) else 0 end as added
    )
    -- jobs is selected so that its CTE runs (a CTE that is not a data-modifying statement runs only when read).
    select (select count(*) from taken)::int as taken, (select count(*) from created)::int as created, (select added from jobs) as jobs`,
  );
  return { taken: Number(result?.taken ?? 0), created: Number(result?.created ?? 0) };
}

/**
 * (Re)queues an order's sync: the same job key replaces any pending job, so there is never more
 * than one per order (Retry, reconnect, reinstall, and the pipeline's own scheduled retries).
 */
export async function queueSync(db: Queryable, shop: string, orderId: string, runAt?: Date, priority?: number): Promise<void> {
  await enqueue(db, "sync-order", { shop, orderId }, { runAt, priority });
}

/** Done, or a worker has it: never re-queued (a second job would run beside the first). */
const NEVER_REQUEUED = ["synced", "skipped", "syncing"] as const;

/**
 * Sets the selected orders back to queued and queues their job, in one transaction. The status
 * condition is in the UPDATE itself, so it is re-checked on each row once its lock is ours: an
 * order a worker claimed ('syncing') or finished ('synced') meanwhile is left alone, and only the
 * rows the UPDATE returned get a job. Rows are locked in id order (no deadlock between two
 * concurrent bulk Retries). Each retry budget starts again; the steps already done stay done
 * (the pipeline skips a recorded invoice and payment), so a Retry does only what is missing.
 */
async function requeue(db: PrismaClient, shop: string, selection: Prisma.Sql, alsoSet: Prisma.Sql = Prisma.empty): Promise<string[]> {
  // One statement (atomic, one round trip, no interactive-transaction timeout): a reconnect may
  // re-queue thousands of orders that waited. The job is queueSync's: the catalog's key, attempts and mode (addJobSql).
  const [result] = await db.$queryRaw<{ order_ids: string[] | null; jobs: bigint }[]>`
    with chosen as (
      select id from order_sync where shop = ${shop} and ${selection} order by id for update
    ), updated as (
      update order_sync set status = 'queued', status_reason = null, status_cause = null, status_detail = null, next_attempt_at = null,
        updated_at = now(), rate_limited_attempts = 0, transient_failures = 0 ${alsoSet}
      where shop = ${shop} and id in (select id from chosen)
      returning order_id
    ), jobs as (
      select ${addJobSql("sync-order", fromRow("sync-order", { shop: Prisma.sql`${shop}::text`, orderId: Prisma.sql`order_id` }))} from updated
    )
    select (select array_agg(order_id) from updated) as order_ids, (select count(*) from jobs) as jobs`;
  return result?.order_ids ?? [];
}

export type RequeueWhere = { status?: SyncStatus | { in: readonly SyncStatus[] }; orderId?: string };

/**
 * Re-queues the shop's orders in the given states (reconnect, reinstall; every state when none
 * is given). Synced, skipped and syncing orders are never touched, whatever the caller asks.
 */
export async function requeueOrders(db: PrismaClient, shop: string, where: RequeueWhere = {}): Promise<number> {
  const wanted: readonly SyncStatus[] =
    where.status === undefined ? SYNC_STATUSES : typeof where.status === "string" ? [where.status] : where.status.in;
  const statuses = wanted.filter((status) => !(NEVER_REQUEUED as readonly string[]).includes(status));
  if (statuses.length === 0) return 0;
  const order = where.orderId === undefined ? Prisma.empty : Prisma.sql`and order_id = ${where.orderId}`;
  return (await requeue(db, shop, Prisma.sql`status in (${Prisma.join(statuses)}) ${order}`)).length;
}

/** What Retry / Send did: `found` of the ids are the shop's; `orderIds` (Shopify's) were re-queued. */
export type RequeueResult = { found: number; requeued: number; orderIds: string[] };

/**
 * The merchant's Retry: the given orders of this shop that can be retried (see RETRY_STATES:
 * failed, waiting for a reconnect, synced with a difference, or waiting out a scheduled retry).
 * `found` counts the ids that are this shop's orders at all, so the caller can answer 404.
 */
export async function retryOrders(db: PrismaClient, shop: string, ids: bigint[]): Promise<RequeueResult> {
  return requeueOwned(
    db,
    shop,
    ids,
    (chosen) =>
      Prisma.sql`${chosen} and (status in (${Prisma.join([...RETRY_STATES])}) or (status = 'queued' and next_attempt_at > now()))`,
  );
}

/**
 * Re-queues those of the given orders that `selection` picks, only when every id is one of this
 * shop's orders (`found` tells the caller to answer 404 otherwise): Retry and Send share it.
 */
async function requeueOwned(
  db: PrismaClient,
  shop: string,
  ids: bigint[],
  selection: (chosen: Prisma.Sql) => Prisma.Sql,
  alsoSet: Prisma.Sql = Prisma.empty,
): Promise<RequeueResult> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { found: 0, requeued: 0, orderIds: [] };
  const chosen = Prisma.sql`id in (${Prisma.join(unique)})`;
  const [owned] = await db.$queryRaw<{ found: bigint }[]>`select count(*) as found from order_sync where shop = ${shop} and ${chosen}`;
  const found = Number(owned?.found ?? 0);
  if (found < unique.length) return { found, requeued: 0, orderIds: [] };
  const requeued = await requeue(db, shop, selection(chosen), alsoSet);
  return { found, requeued: requeued.length, orderIds: requeued };
}

/**
 * "Send to FreshBooks" for orders a filter skipped (test orders): the given orders of this shop
 * that are skipped are re-queued and marked so the next attempt maps them despite the filter.
 * The same re-queue as Retry (one job per order, row locks, one statement); `found` as in
 * retryOrders. Any other state is left alone (synced orders are never sent twice).
 */
export async function sendSkippedOrders(db: PrismaClient, shop: string, ids: bigint[]): Promise<RequeueResult> {
  return requeueOwned(db, shop, ids, (chosen) => Prisma.sql`${chosen} and status = 'skipped'`, Prisma.sql`, send_despite_filter = true`);
}

/**
 * After a filter change: the given skipped orders (those the filters now let through) synced
 * again by the normal rules, not despite them (unlike "Send to FreshBooks"). Same re-queue as
 * Retry; an order no longer skipped is left alone. Returns how many were queued.
 */
export async function resyncSkippedOrders(db: PrismaClient, shop: string, ids: bigint[]): Promise<number> {
  if (ids.length === 0) return 0;
  let queued = 0;
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000);
    queued += (await requeue(db, shop, Prisma.sql`id in (${Prisma.join(chunk)}) and status = 'skipped'`)).length;
  }
  return queued;
}

/**
 * The sync log banner's Retry for one group of failed orders: every failed order of the shop
 * with this cause (null: those without a known cause), whatever page it is on.
 */
export async function retryFailedWithCause(
  db: PrismaClient,
  shop: string,
  cause: string | null,
  known: readonly string[],
): Promise<number> {
  const selection =
    cause === null
      ? Prisma.sql`status = 'failed' and (status_cause is null or status_cause <> all(${[...known]}::text[]))`
      : Prisma.sql`status = 'failed' and status_cause = ${cause}`;
  return (await requeue(db, shop, selection)).length;
}
