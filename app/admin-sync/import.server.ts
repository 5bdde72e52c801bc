/**
 * Import past orders (docs/shopify-admin-api.md §8, §8a): the orders created in a date range are
 * read with one bulk query (Shopify writes them, line items included, to a JSONL file; no cost
 * limit, no pages, so the import is bound by FreshBooks' rate, not Shopify's). The file is staged
 * in order_import_line, then its orders are queued a page at a time as ordinary syncs at a lower
 * priority than live orders. The bulk operation's id, the position in the file and the counts are
 * stored, so an import resumes where it stopped (restart, deploy, pause); an order that also
 * arrives by webhook is synced once (one row per order, app/admin-sync/record.server.ts).
 * Paced: a page is queued only when fewer than IMPORT_QUEUE_AHEAD of its orders wait to be
 * synced, so the queue stays short and FreshBooks' rate limit is shared with live orders.
 */
import type { OrderImport, PrismaClient } from "@prisma/client";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { Logger } from "../logger.server";
import { enqueue } from "../jobs/enqueue.server";
import { adminGraphql, AdminApiError, type AdminCallOptions } from "../shopify/admin-api.server";
import { assembleBulkOrder, bulkOrdersQuery, webhookShapeFromGraphql } from "../shopify/graphql-order";
import { shopTimeZone } from "../shopify/order-reader.server";
import { recordAdminOrders } from "./record.server";

export const IMPORT_PAGE_SIZE = 100;
/** At most this many of an import's orders wait in the queue; the next page waits until fewer do. */
export const IMPORT_QUEUE_AHEAD = 300;
const IMPORT_RECHECK_MS = 1000;
/** Without read_all_orders Shopify shows only this many days of orders. */
export const READ_ORDERS_DAYS = 60;
/** FreshBooks requests per order, for the estimate: client lookup or creation, invoice, its check, payment. */
export const FRESHBOOKS_REQUESTS_PER_ORDER = 4;
/** Orders a minute assumed when nothing has been synced recently to measure the rate by. */
const FALLBACK_ORDERS_PER_MINUTE = 30;

export type ImportStatus = "running" | "paused" | "cancelled" | "done" | "failed";

const COUNT_QUERY = `query ImportEstimate($q: String!) { ordersCount(query: $q, limit: null) { count precision } }`;

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
    data: {
      status: to,
      updatedAt: new Date(),
      ...(to === "cancelled" ? { finishedAt: new Date() } : {}),
      ...(to === "running" ? { error: null } : {}),
    },
  });
  if (changed.count > 0 && to === "running") await queueStep(deps.db, shop, importId);
  const job = await deps.db.orderImport.findFirst({ where: { id: importId, shop } });
  if (changed.count > 0 && to === "cancelled" && job) {
    await deps.db.orderImportLine.deleteMany({ where: { importId, shop } });
    // Shopify need not go on reading a range nobody will import (best effort: it ends by itself anyway).
    if (job.bulkOperationId && !job.stagedAt) {
      await adminGraphql(shop, BULK_CANCEL, { id: job.bulkOperationId }, deps.admin).catch((error: unknown) =>
        deps.logger.warn({ shop, importId: String(importId), error: String(error) }, "import's bulk query not cancelled"),
      );
    }
  }
  return job;
}

async function waitingInQueue(db: PrismaClient, importId: bigint): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    select count(*)::int as n from order_sync where import_id = ${importId}::bigint and status in ('queued', 'syncing')`;
  return row?.n ?? 0;
}

const BULK_START = `mutation ImportStartBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) { bulkOperation { id status } userErrors { field message code } }
}`;
const BULK_CURRENT = `query ImportCurrentBulkQuery { currentBulkOperation(type: QUERY) { id status query } }`;
const BULK_STATUS = `query ImportBulkStatus($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount url }
}`;
const BULK_CANCEL = `mutation ImportCancelBulkQuery($id: ID!) { bulkOperationCancel(id: $id) { userErrors { field message } } }`;

type BulkOperation = { id: string; status: string; errorCode?: string | null; url?: string | null; query?: string };

/** How often a running bulk operation is asked about (Shopify's docs poll every few seconds). */
const BULK_POLL_MS = 1000;
/** Bulk operations started for one import before it stops with Shopify's reason. */
const MAX_BULK_ATTEMPTS = 3;
/** File lines staged per insert. */
const STAGE_BATCH = 1000;

/** Marks the import failed with a reason in plain words (the import page shows it). */
async function failImport(importId: bigint, shop: string, reason: string, deps: ImportDeps): Promise<void> {
  await deps.db.orderImport.updateMany({
    where: { id: importId, shop, status: "running" },
    data: { status: "failed", error: reason, updatedAt: new Date(), finishedAt: new Date() },
  });
  await deps.db.orderImportLine.deleteMany({ where: { importId, shop } });
  deps.logger.warn({ shop, importId: String(importId), error: reason }, "import stopped");
}

/**
 * The import's step failed every attempt its job had (Shopify or our database unreachable for
 * long): paused with the reason, its position and staged orders kept, so Resume goes on from there.
 */
export async function pauseStalledImport(shop: string, importId: bigint, reason: string, deps: ImportDeps): Promise<void> {
  await deps.db.orderImport.updateMany({
    where: { id: importId, shop, status: "running" },
    data: {
      status: "paused",
      error: `Paused after repeated failures (${reason}). Resume goes on from where it stopped.`,
      updatedAt: new Date(),
    },
  });
  deps.logger.warn({ shop, importId: String(importId), error: reason }, "import paused: its step failed every attempt");
}

/**
 * Starts the bulk query reading the import's range, or adopts the one a crashed attempt already
 * started (Shopify's most recent bulk query, when it is this same query and has not failed): a
 * bulk operation is asked for at most once per attempt.
 */
async function startBulkOperation(job: OrderImport, deps: ImportDeps, refused: string | null = null): Promise<string | null> {
  const query = bulkOrdersQuery(rangeQuery(job.createdFrom, job.createdTo));
  const current = await adminGraphql<{ currentBulkOperation: BulkOperation | null }>(job.shop, BULK_CURRENT, {}, deps.admin);
  const mine = current.currentBulkOperation;
  // (Never the one whose file was just refused.)
  if (mine && mine.id !== refused && mine.query === query && ["CREATED", "RUNNING", "COMPLETED"].includes(mine.status)) return mine.id;
  const started = await adminGraphql<{
    bulkOperationRunQuery: { bulkOperation: BulkOperation | null; userErrors: { message: string; code?: string | null }[] };
  }>(job.shop, BULK_START, { query }, deps.admin);
  const { bulkOperation, userErrors } = started.bulkOperationRunQuery;
  if (bulkOperation) return bulkOperation.id;
  const reason = userErrors.map((error) => error.message).join(" ") || "Shopify did not start reading the orders.";
  // Other bulk queries of the app under way: try again shortly; anything else is Shopify refusing the query.
  if (userErrors.some((error) => error.code === "OPERATION_IN_PROGRESS" || /in progress/i.test(error.message))) return null;
  throw new AdminApiError(`Shopify refused to read the orders: ${reason}`, "query", false);
}

async function markStaged(job: OrderImport, deps: ImportDeps): Promise<void> {
  await deps.db.orderImport.update({ where: { id: job.id }, data: { stagedAt: new Date(), cursor: "0", updatedAt: new Date() } });
}

/**
 * The JSONL file, line by line into order_import_line (a retry starts the staging over). False
 * when the file is refused (its signed URL expired after 7 days, or is no longer valid): the
 * caller asks Shopify for the range again. A 5xx or a network failure is thrown (the step is retried).
 */
async function stageBulkFile(job: OrderImport, url: string, deps: ImportDeps): Promise<boolean> {
  const response = await fetch(url);
  if (response.status >= 400 && response.status < 500) return false;
  if (!response.ok || !response.body) throw new Error(`the bulk file could not be read (HTTP ${response.status})`);
  await deps.db.orderImportLine.deleteMany({ where: { importId: job.id, shop: job.shop } });
  const lines = createInterface({
    input: Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    crlfDelay: Infinity,
  });
  let batch: { seq: number; gid: string | null; parent: string | null; body: string }[] = [];
  let seq = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await deps.db.$executeRaw`
      insert into order_import_line (import_id, seq, shop, gid, parent_gid, body)
      select ${job.id}::bigint, seq, ${job.shop}, gid, parent_gid, body::jsonb
      from unnest(${batch.map((line) => line.seq)}::int[], ${batch.map((line) => line.gid)}::text[],
        ${batch.map((line) => line.parent)}::text[], ${batch.map((line) => line.body)}::text[]) as t(seq, gid, parent_gid, body)`;
    batch = [];
  };
  for await (const text of lines) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as Record<string, unknown>;
    seq += 1;
    batch.push({
      seq,
      gid: typeof line.id === "string" ? line.id : null,
      parent: typeof line.__parentId === "string" ? line.__parentId : null,
      body: text,
    });
    if (batch.length >= STAGE_BATCH) await flush();
  }
  await flush();
  await markStaged(job, deps);
  return true;
}

/** Starts (or adopts) the range's bulk query and polls it a second later; the import stops after MAX_BULK_ATTEMPTS. */
async function askForRange(job: OrderImport, deps: ImportDeps, refused: string | null): Promise<false> {
  if (job.bulkAttempts >= MAX_BULK_ATTEMPTS) {
    await failImport(
      job.id,
      job.shop,
      "Shopify could not read the orders of this range (it failed 3 times). Start the import again later.",
      deps,
    );
    return false;
  }
  const id = await startBulkOperation(job, deps, refused);
  await deps.db.orderImport.update({
    where: { id: job.id },
    data: id
      ? { bulkOperationId: id, bulkAttempts: { increment: 1 }, updatedAt: new Date() }
      : { bulkOperationId: null, updatedAt: new Date() },
  });
  await queueStep(deps.db, job.shop, job.id, new Date(Date.now() + BULK_POLL_MS));
  return false;
}

/**
 * Reading the range: a bulk query (no cost limit, no pages; docs/shopify-admin-api.md §8a) is
 * started, polled until Shopify has written its file, and the file is staged. Returns true
 * once the staged orders can be queued.
 */
async function readRange(job: OrderImport, deps: ImportDeps): Promise<boolean> {
  if (!job.bulkOperationId) return askForRange(job, deps, null);
  const { bulkOperation: op } = await adminGraphql<{ bulkOperation: BulkOperation | null }>(
    job.shop,
    BULK_STATUS,
    { id: job.bulkOperationId },
    deps.admin,
  );
  if (op && (op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING")) {
    await queueStep(deps.db, job.shop, job.id, new Date(Date.now() + BULK_POLL_MS));
    return false;
  }
  if (op?.status === "COMPLETED") {
    if (!op.url) {
      await markStaged(job, deps); // a range without orders has no file at all
      return true;
    }
    if (await stageBulkFile(job, op.url, deps)) return true;
  }
  // FAILED, CANCELED (not by us), EXPIRED, or a file that can no longer be read: another bulk
  // query, up to MAX_BULK_ATTEMPTS.
  deps.logger.warn(
    { shop: job.shop, importId: String(job.id), status: op?.status ?? "missing", errorCode: op?.errorCode ?? null },
    "import's bulk query did not complete; starting another",
  );
  return askForRange(job, deps, job.bulkOperationId);
}

/** One step of the import; queues the next one unless the import is done, paused or cancelled. */
export async function runImportStep(shop: string, importId: bigint, deps: ImportDeps): Promise<void> {
  const job = await deps.db.orderImport.findFirst({ where: { id: importId, shop } });
  if (!job || job.status !== "running") return;
  if (!job.stagedAt) {
    try {
      if (!(await readRange(job, deps))) return;
    } catch (error) {
      if (error instanceof AdminApiError && !error.retryable) return failImport(importId, shop, error.message, deps);
      throw error; // graphile-worker retries the step with its backoff
    }
    await queueStep(deps.db, shop, importId);
    return;
  }
  if ((await waitingInQueue(deps.db, importId)) >= IMPORT_QUEUE_AHEAD) {
    await queueStep(deps.db, shop, importId, new Date(Date.now() + IMPORT_RECHECK_MS));
    return;
  }
  // The next orders of the file (lines without a parent), after the last one queued.
  const after = Number(job.cursor ?? "0") || 0;
  const roots = await deps.db.orderImportLine.findMany({
    where: { importId, shop, parentGid: null, seq: { gt: after } },
    orderBy: { seq: "asc" },
    take: IMPORT_PAGE_SIZE,
  });
  const children = await deps.db.orderImportLine.findMany({
    where: { importId, shop, parentGid: { in: roots.map((root) => root.gid).filter((gid): gid is string => gid !== null) } },
    orderBy: { seq: "asc" },
  });
  const timeZone = roots.length > 0 ? await shopTimeZone(shop, deps.admin) : "UTC";
  const orderIds = roots.map((root) => String((root.body as Record<string, unknown>).legacyResourceId ?? ""));
  const have = new Map(
    (await deps.db.orderSync.findMany({ where: { shop, orderId: { in: orderIds } }, select: { orderId: true, importId: true } })).map(
      (row) => [row.orderId, row.importId],
    ),
  );
  // Its webhook came (or the sweep found it) before the import did: "already known". One of
  // ours (this step run again after a crash) is neither known nor recorded twice.
  let known = orderIds.filter((orderId) => have.has(orderId) && have.get(orderId) !== importId).length;
  const payloads = roots
    .filter((_, i) => !have.has(orderIds[i]!))
    .map((root) => {
      const mine = children.filter((child) => child.parentGid === root.gid).map((child) => child.body as Record<string, unknown>);
      return webhookShapeFromGraphql(assembleBulkOrder(root.body as Record<string, unknown>, mine), timeZone);
    });
  const last = roots.at(-1)?.seq ?? after;
  const done = roots.length < IMPORT_PAGE_SIZE;
  // The page's orders, the position in the file and the counts move together: a step that
  // crashed half-way is run again from the same place.
  const still = await deps.db.$transaction(
    async (tx) => {
      const current = await tx.orderImport.findUnique({ where: { id: importId }, select: { status: true } });
      if (current?.status !== "running") return current?.status ?? null; // paused or cancelled meanwhile: nothing of this page
      const recorded = await recordAdminOrders(tx, shop, payloads, "import", importId);
      known += payloads.length - recorded; // arrived by webhook meanwhile
      await tx.orderImport.update({
        where: { id: importId },
        data: {
          cursor: String(last),
          found: { increment: roots.length },
          alreadyKnown: { increment: known },
          updatedAt: new Date(),
          ...(done ? { status: "done", finishedAt: new Date() } : {}),
        },
      });
      // What has been queued is no longer needed here (nor, once done, anything of the file).
      await tx.orderImportLine.deleteMany({
        where: done
          ? { importId, shop }
          : {
              importId,
              shop,
              OR: [{ seq: { lte: last }, parentGid: null }, { parentGid: { in: roots.map((root) => root.gid ?? "") } }],
            },
      });
      return "running";
      // A page is one statement of 100 rows and jobs; a machine busy with other work must not time it out.
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
  if (!done && still === "running") await queueStep(deps.db, shop, importId);
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
  /** Shopify is still writing the range's orders to its file (the bulk query runs): nothing found yet. */
  reading: boolean;
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
    reading: job.status === "running" && job.stagedAt === null,
  };
}
