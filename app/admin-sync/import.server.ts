/**
 * Import past orders (docs/shopify-admin-api.md §8): the orders created in a date range are
 * listed through the Admin API a page at a time, each one we do not have yet is read in full and
 * queued as an ordinary sync at a lower priority than live orders. The cursor and the counts are
 * stored after every page, so an import resumes where it stopped (restart, deploy, pause); an
 * order that also arrives by webhook is synced once (one row per order, app/admin-sync/record.server.ts).
 * Paced: a page is read only when fewer than IMPORT_QUEUE_AHEAD of its orders wait to be synced,
 * so the queue stays short and FreshBooks' rate limit is shared with live orders, never flooded.
 */
import type { OrderImport, PrismaClient } from "@prisma/client";
import type { Logger } from "../logger.server";
import { enqueue } from "../jobs/enqueue.server";
import { adminGraphql, AdminApiError, type AdminCallOptions } from "../shopify/admin-api.server";
import { readOrderAsWebhook } from "../shopify/order-reader.server";
import { recordAdminOrder } from "./record.server";

export const IMPORT_PAGE_SIZE = 50;
/** At most this many of an import's orders wait in the queue; the next page waits until fewer do. */
export const IMPORT_QUEUE_AHEAD = 100;
const IMPORT_RECHECK_MS = 2000;
/** Without read_all_orders Shopify shows only this many days of orders. */
export const READ_ORDERS_DAYS = 60;
/** FreshBooks requests per order, for the estimate: client lookup or creation, invoice, its check, payment. */
export const FRESHBOOKS_REQUESTS_PER_ORDER = 4;
/** Orders a minute assumed when nothing has been synced recently to measure the rate by. */
const FALLBACK_ORDERS_PER_MINUTE = 30;

export type ImportStatus = "running" | "paused" | "cancelled" | "done" | "failed";

const PAGE_QUERY = `query ImportOrderIds($q: String!, $first: Int!, $after: String) {
  orders(first: $first, after: $after, query: $q, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { legacyResourceId }
  }
}`;
const COUNT_QUERY = `query ImportEstimate($q: String!) { ordersCount(query: $q, limit: null) { count precision } }`;

type Page = { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { legacyResourceId: string }[] } };

export interface ImportDeps {
  db: PrismaClient;
  logger: Logger;
  now?: () => Date;
  admin?: AdminCallOptions;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function rangeQuery(from: Date, to: Date): string {
  return `created_at:>=${iso(from)} created_at:<${iso(to)}`;
}

/** Whether the shop granted read_all_orders (its offline session's scopes), and so how far back the import sees. */
export async function historyReach(db: PrismaClient, shop: string, now: Date): Promise<{ allOrders: boolean; earliest: Date | null }> {
  const [session] = await db.$queryRaw<
    { scope: string | null }[]
  >`select scope from "Session" where shop = ${shop} and "isOnline" = false limit 1`;
  const scopes = (session?.scope ?? "").split(",").map((scope) => scope.trim());
  if (scopes.includes("read_all_orders")) return { allOrders: true, earliest: null };
  return { allOrders: false, earliest: new Date(now.getTime() - READ_ORDERS_DAYS * 24 * 3600_000) };
}

export interface ImportEstimate {
  from: Date;
  to: Date;
  /** The from date was moved later: Shopify shows no older orders with the scopes granted. */
  clampedFrom: boolean;
  allOrders: boolean;
  orders: number;
  precision: string;
  freshbooksRequests: number;
  ordersPerMinute: number;
  minutes: number;
}

/** Orders synced per minute over the last 15 minutes (the current rate), or a cautious default. */
async function currentRate(db: PrismaClient, shop: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    select count(*)::int as n from sync_attempt where shop = ${shop} and outcome in ('synced', 'synced_with_difference')
      and finished_at >= now() - interval '15 minutes'`;
  const perMinute = (row?.n ?? 0) / 15;
  return perMinute >= 1 ? Math.round(perMinute) : FALLBACK_ORDERS_PER_MINUTE;
}

export async function estimateImport(shop: string, from: Date, to: Date, deps: ImportDeps): Promise<ImportEstimate> {
  const now = deps.now?.() ?? new Date();
  const reach = await historyReach(deps.db, shop, now);
  const start = reach.earliest && from < reach.earliest ? reach.earliest : from;
  const data = await adminGraphql<{ ordersCount: { count: number; precision: string } }>(
    shop,
    COUNT_QUERY,
    { q: rangeQuery(start, to) },
    deps.admin,
  );
  const ordersPerMinute = await currentRate(deps.db, shop);
  const orders = data.ordersCount.count;
  return {
    from: start,
    to,
    clampedFrom: start !== from,
    allOrders: reach.allOrders,
    orders,
    precision: data.ordersCount.precision,
    freshbooksRequests: orders * FRESHBOOKS_REQUESTS_PER_ORDER,
    ordersPerMinute,
    minutes: Math.ceil(orders / ordersPerMinute),
  };
}

async function queueStep(db: PrismaClient, shop: string, importId: bigint, runAt?: Date): Promise<void> {
  await enqueue(db, "import-orders", { shop, importId: String(importId) }, { runAt });
}

export class ImportConflict extends Error {}

export async function startImport(shop: string, from: Date, to: Date, deps: ImportDeps): Promise<OrderImport> {
  const estimate = await estimateImport(shop, from, to, deps);
  try {
    return await deps.db.$transaction(async (tx) => {
      const created = await tx.orderImport.create({
        data: { shop, createdFrom: estimate.from, createdTo: to, status: "running", estimate: estimate.orders },
      });
      await queueStep(tx as PrismaClient, shop, created.id);
      return created;
    });
  } catch (error) {
    if (error instanceof Error && /order_import_one_active_per_shop|Unique constraint/i.test(error.message)) {
      throw new ImportConflict("An import is already under way for this shop; pause, resume or cancel it first.");
    }
    throw error;
  }
}

/** Pause, resume or cancel; only this shop's import. Orders already queued stay queued and sync. */
export async function controlImport(
  shop: string,
  importId: bigint,
  action: "pause" | "resume" | "cancel",
  deps: ImportDeps,
): Promise<OrderImport | null> {
  const from: ImportStatus[] = action === "resume" ? ["paused"] : ["running", "paused"];
  const to: ImportStatus = action === "pause" ? "paused" : action === "resume" ? "running" : "cancelled";
  const changed = await deps.db.orderImport.updateMany({
    where: { id: importId, shop, status: { in: from } },
    data: { status: to, updatedAt: new Date(), ...(to === "cancelled" ? { finishedAt: new Date() } : {}) },
  });
  if (changed.count > 0 && to === "running") await queueStep(deps.db, shop, importId);
  return deps.db.orderImport.findFirst({ where: { id: importId, shop } });
}

async function waitingInQueue(db: PrismaClient, importId: bigint): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    select count(*)::int as n from order_sync where import_id = ${importId}::bigint and status in ('queued', 'syncing')`;
  return row?.n ?? 0;
}

/** One page of the import; queues the next step unless the import is done, paused or cancelled. */
export async function runImportStep(shop: string, importId: bigint, deps: ImportDeps): Promise<void> {
  const job = await deps.db.orderImport.findFirst({ where: { id: importId, shop } });
  if (!job || job.status !== "running") return;
  if ((await waitingInQueue(deps.db, importId)) >= IMPORT_QUEUE_AHEAD) {
    await queueStep(deps.db, shop, importId, new Date(Date.now() + IMPORT_RECHECK_MS));
    return;
  }
  let page: Page;
  try {
    page = await adminGraphql<Page>(
      shop,
      PAGE_QUERY,
      { q: rangeQuery(job.createdFrom, job.createdTo), first: IMPORT_PAGE_SIZE, after: job.cursor },
      deps.admin,
    );
  } catch (error) {
    if (error instanceof AdminApiError && !error.retryable) {
      await deps.db.orderImport.updateMany({
        where: { id: importId, shop, status: "running" },
        data: { status: "failed", error: error.message, updatedAt: new Date(), finishedAt: new Date() },
      });
      deps.logger.warn({ shop, importId: String(importId), error: error.message }, "import stopped");
      return;
    }
    throw error; // graphile-worker retries the step with its backoff; the cursor has not moved
  }
  const ids = page.orders.nodes.map((node) => node.legacyResourceId);
  let known = 0;
  for (const orderId of ids) {
    const current = await deps.db.orderImport.findUnique({ where: { id: importId }, select: { status: true } });
    if (current?.status !== "running") break; // paused or cancelled mid-page: the page is read again on resume
    const have = await deps.db.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } }, select: { id: true } });
    if (have) {
      known += 1;
      continue;
    }
    const payload = await readOrderAsWebhook(shop, orderId, deps.admin);
    if (!payload || !(await recordAdminOrder(deps.db, shop, payload, "import", importId))) known += 1;
  }
  const still = await deps.db.orderImport.findUnique({ where: { id: importId }, select: { status: true } });
  if (still?.status !== "running") return;
  const done = !page.orders.pageInfo.hasNextPage;
  await deps.db.orderImport.update({
    where: { id: importId },
    data: {
      cursor: page.orders.pageInfo.endCursor ?? job.cursor,
      found: { increment: ids.length },
      alreadyKnown: { increment: known },
      updatedAt: new Date(),
      ...(done ? { status: "done", finishedAt: new Date() } : {}),
    },
  });
  if (!done) await queueStep(deps.db, shop, importId);
}

export interface ImportProgress {
  id: string;
  status: ImportStatus;
  from: string;
  to: string;
  estimate: number | null;
  found: number;
  /** Orders of the range we already had (their webhook came): counted as synced or skipped by their own row. */
  alreadyKnown: number;
  queued: number;
  synced: number;
  skipped: number;
  failed: number;
  error: string | null;
}

export async function importProgress(db: PrismaClient, shop: string, importId?: bigint): Promise<ImportProgress | null> {
  const job = importId
    ? await db.orderImport.findFirst({ where: { id: importId, shop } })
    : await db.orderImport.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } });
  if (!job) return null;
  const rows = await db.$queryRaw<{ status: string; n: number }[]>`
    select status, count(*)::int as n from order_sync where import_id = ${job.id}::bigint group by status`;
  const count = (...statuses: string[]) => rows.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.n, 0);
  return {
    id: String(job.id),
    status: job.status as ImportStatus,
    from: job.createdFrom.toISOString(),
    to: job.createdTo.toISOString(),
    estimate: job.estimate,
    found: job.found,
    alreadyKnown: job.alreadyKnown,
    queued: count("queued", "syncing"),
    synced: count("synced", "synced_with_difference"),
    skipped: count("skipped"),
    failed: count("failed", "needs_reconnect"),
    error: job.error,
  };
}
