import { Prisma, type OrderSync, type PrismaClient } from "@prisma/client";
import { isCause, type Cause } from "./sync-causes";
import { STATUS_FILTERS, SYNC_STATUSES, type StatusFilter, type SyncStatus } from "./sync-status";

/**
 * The sync log's queries. Every function takes the shop and puts it in `where` (a record of
 * another shop is simply not found). Pages are keyset-paginated on (created_at desc, id desc),
 * which the (shop, created_at, id) and (shop, status, created_at, id) indexes serve directly, so
 * page 1 and page 40,000 cost the same.
 */
export const PAGE_SIZE = 25;

export { STATUS_FILTERS, type StatusFilter };

export interface ListQuery {
  status?: StatusFilter;
  /** Order name ("#1001"), number ("1001"), a customer's email, or part of a customer's name. */
  search?: string;
  from?: Date;
  to?: Date;
  /** Cursor of the last row of the previous page (next page) … */
  after?: string;
  /** … or of the first row of the next page (previous page). */
  before?: string;
  limit?: number;
}

export type OrderRow = {
  id: string;
  orderId: string;
  orderName: string;
  customerName: string | null;
  customerEmail: string | null;
  totalPrice: string;
  currency: string;
  status: SyncStatus;
  statusReason: string | null;
  /** Why, as a code of sync-causes.ts, and FreshBooks' own words for "Details". */
  statusCause: string | null;
  statusDetail: string | null;
  invoiceNumber: string | null;
  freshbooksInvoiceId: number | null;
  freshbooksAccountId: string | null;
  attempts: number;
  lastAttemptAt: string | null;
  /** When a scheduled retry runs (a queued order waiting out a backoff), else null. */
  nextAttemptAt: string | null;
  createdAt: string;
};

export interface OrderPage {
  rows: OrderRow[];
  /** 0-based position of the first row in the whole list ("51–75 of 1,204" starts at 50). */
  offset: number;
  /** Cursors for the neighbouring pages, null at either end. */
  next: string | null;
  previous: string | null;
}

/** A row's place in the list: its keys, and its 0-based position (for "51–75 of …", free of any count). */
type Cursor = { createdAt: Date; id: bigint; index: number };

export function encodeCursor(row: { createdAt: Date; id: bigint; index?: number }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}|${row.index ?? 0}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const [iso, id, index] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (Number.isNaN(createdAt.getTime()) || !id || !/^\d+$/.test(id)) return null;
  return { createdAt, id: BigInt(id), index: index && /^\d{1,9}$/.test(index) ? Number(index) : 0 };
}

/** The filters as SQL conditions (all on indexed columns, all scoped to the shop). */
function conditions(shop: string, query: ListQuery): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [Prisma.sql`shop = ${shop}`];
  const statuses = STATUS_FILTERS[query.status ?? "all"];
  if (statuses) parts.push(Prisma.sql`status in (${Prisma.join([...statuses])})`);
  if (query.from) parts.push(Prisma.sql`created_at >= ${query.from}`);
  if (query.to) parts.push(Prisma.sql`created_at < ${query.to}`);
  const text = query.search?.trim();
  if (text) {
    const number = /^#?(\d{1,9})$/.exec(text);
    if (text.includes("@")) parts.push(Prisma.sql`customer_email = ${text.toLowerCase()}`);
    else if (number) parts.push(Prisma.sql`order_number = ${Number(number[1])}`);
    else {
      // The Customer column shows names: part of one finds it, in any case ("ada", "Lovelace").
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      parts.push(Prisma.sql`(order_name = ${text} or customer_name ilike ${pattern})`);
    }
  }
  return parts;
}

type SelectedRow = Pick<
  OrderSync,
  | "id"
  | "orderId"
  | "orderName"
  | "customerName"
  | "customerEmail"
  | "totalPrice"
  | "currency"
  | "status"
  | "statusReason"
  | "statusCause"
  | "statusDetail"
  | "invoiceNumber"
  | "freshbooksInvoiceId"
  | "freshbooksAccountId"
  | "attempts"
  | "lastAttemptAt"
  | "nextAttemptAt"
  | "createdAt"
>;

function toRow(row: SelectedRow): OrderRow {
  return {
    orderId: row.orderId,
    orderName: row.orderName,
    customerName: row.customerName,
    customerEmail: row.customerEmail,
    totalPrice: row.totalPrice,
    currency: row.currency,
    statusReason: row.statusReason,
    statusCause: row.statusCause,
    statusDetail: row.statusDetail,
    invoiceNumber: row.invoiceNumber,
    freshbooksInvoiceId: row.freshbooksInvoiceId,
    freshbooksAccountId: row.freshbooksAccountId,
    attempts: row.attempts,
    id: row.id.toString(),
    status: (SYNC_STATUSES as readonly string[]).includes(row.status) ? (row.status as SyncStatus) : "queued",
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

type RawRow = {
  id: bigint;
  order_id: string;
  order_name: string;
  customer_name: string | null;
  customer_email: string | null;
  total_price: string;
  currency: string;
  status: string;
  status_reason: string | null;
  status_cause: string | null;
  status_detail: string | null;
  invoice_number: string | null;
  freshbooks_invoice_id: number | null;
  freshbooks_account_id: string | null;
  attempts: number;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
};

/**
 * One page. The cursor condition is a row comparison, `(created_at, id) < (…)`, which Postgres
 * answers by seeking straight into the (shop[, status], created_at, id) index: a deep page costs
 * what the first one does.
 */
export async function listOrders(db: PrismaClient, shop: string, query: ListQuery = {}): Promise<OrderPage> {
  const limit = Math.min(Math.max(query.limit ?? PAGE_SIZE, 1), 100);
  const after = decodeCursor(query.after);
  const before = after ? null : decodeCursor(query.before);
  const where = conditions(shop, query);
  if (after) where.push(Prisma.sql`(created_at, id) < (${after.createdAt}, ${after.id})`);
  if (before) where.push(Prisma.sql`(created_at, id) > (${before.createdAt}, ${before.id})`);
  const order = before ? Prisma.sql`created_at asc, id asc` : Prisma.sql`created_at desc, id desc`;
  const found = await db.$queryRaw<RawRow[]>`
    select id, order_id, order_name, customer_name, customer_email, total_price, currency, status, status_reason, status_cause, status_detail,
      invoice_number, freshbooks_invoice_id, freshbooks_account_id, attempts, last_attempt_at, next_attempt_at, created_at
    from order_sync where ${Prisma.join(where, " and ")}
    order by ${order} limit ${limit + 1}`;
  const more = found.length > limit;
  const page = found.slice(0, limit);
  if (before) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // Where the page starts: after a row, the one following it; before a row, this many earlier.
  const offset = after ? after.index + 1 : before ? Math.max(0, before.index - page.length) : 0;
  const cursorOf = (row: RawRow) => encodeCursor({ createdAt: row.created_at, id: row.id, index: offset + page.indexOf(row) });
  return {
    rows: page.map((row) =>
      toRow({
        id: row.id,
        orderId: row.order_id,
        orderName: row.order_name,
        customerName: row.customer_name,
        customerEmail: row.customer_email,
        totalPrice: row.total_price,
        currency: row.currency,
        status: row.status,
        statusReason: row.status_reason,
        statusCause: row.status_cause,
        statusDetail: row.status_detail,
        invoiceNumber: row.invoice_number,
        freshbooksInvoiceId: row.freshbooks_invoice_id,
        freshbooksAccountId: row.freshbooks_account_id,
        attempts: row.attempts,
        lastAttemptAt: row.last_attempt_at,
        nextAttemptAt: row.next_attempt_at,
        createdAt: row.created_at,
      }),
    ),
    offset,
    next: last && (before || more) ? cursorOf(last) : null,
    previous: first && (after || (before && more)) ? cursorOf(first) : null,
  };
}

export interface Summary {
  counts: Record<StatusFilter, number>;
  /** Orders synced per day (UTC), oldest first, over the period. */
  perDay: { day: string; synced: number; failed: number }[];
}

const DAY_MS = 86_400_000;

/** The rollup's columns, one per sync state (migration 20261202151500_order_sync_day). */
const DAY_COLUMNS = [
  "queued",
  "syncing",
  "synced",
  "synced_with_difference",
  "failed",
  "needs_reconnect",
  "skipped",
] as const satisfies readonly SyncStatus[];

type Piece = { kind: "days"; from: Date; to: Date } | { kind: "orders"; from: Date; to: Date; sign: 1 | -1 };

/**
 * What [from, to) is made of, cheapest first: whole UTC days from the per-day rollup
 * (order_sync_day, kept by triggers in the transaction of every state change), and the parts of
 * the two edge days the period cuts, counted from the orders themselves. An edge counts either
 * its own part, or the day's rollup row minus the rest of the day, whichever spans less time: a
 * rolling "last 30 days" that ends now counts today as its row minus the (empty) rest of today.
 * Exported for the tests.
 */
export function summaryPieces(from: Date, to: Date): Piece[] {
  const dayOf = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
  const pieces: Piece[] = [];
  let firstDay = Math.ceil(from.getTime() / DAY_MS) * DAY_MS; // the rollup's days: [firstDay, lastDay)
  let lastDay = dayOf(to.getTime());
  const edge = (start: number, end: number) => {
    const dayStart = dayOf(start);
    const dayEnd = dayStart + DAY_MS;
    if (end - start <= DAY_MS / 2) {
      pieces.push({ kind: "orders", from: new Date(start), to: new Date(end), sign: 1 });
      return false;
    }
    if (start > dayStart) pieces.push({ kind: "orders", from: new Date(dayStart), to: new Date(start), sign: -1 });
    if (end < dayEnd) pieces.push({ kind: "orders", from: new Date(end), to: new Date(dayEnd), sign: -1 });
    return true; // the day's rollup row is counted
  };
  if (to.getTime() <= from.getTime()) return [];
  if (firstDay > lastDay) {
    // The period lies inside one day.
    const day = dayOf(from.getTime());
    if (edge(from.getTime(), to.getTime())) pieces.push({ kind: "days", from: new Date(day), to: new Date(day + DAY_MS) });
    return pieces;
  }
  if (from.getTime() < firstDay && edge(from.getTime(), firstDay)) firstDay -= DAY_MS;
  if (to.getTime() > lastDay && edge(lastDay, to.getTime())) lastDay += DAY_MS;
  if (lastDay > firstDay) pieces.push({ kind: "days", from: new Date(firstDay), to: new Date(lastDay) });
  return pieces;
}

/** A UTC calendar day as Postgres reads a date, whatever the session's time zone. */
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

type DayCounts = { day: Date } & Record<(typeof DAY_COLUMNS)[number], bigint>;

/**
 * Counts by state and per day (UTC) over [from, to), in one statement that reads one rollup row
 * per day (~91 for 90 days) and, for the edges the period cuts through a day, at most half a
 * day's entries of the (shop, created_at, status) index.
 */
export async function summarize(db: PrismaClient, shop: string, from: Date, to: Date = new Date()): Promise<Summary> {
  const pieces = summaryPieces(from, to);
  const counts: Record<StatusFilter, number> = { all: 0, synced: 0, difference: 0, failed: 0, pending: 0, skipped: 0 };
  const byDay = new Map<string, { synced: number; failed: number }>();
  if (pieces.length > 0) {
    const columns = (sign: 1 | -1) =>
      Prisma.join(
        DAY_COLUMNS.map(
          (status) => Prisma.sql`(${sign}::int8 * count(*) filter (where status = ${status}))::int8 as ${Prisma.raw(status)}`,
        ),
        ", ",
      );
    const parts = pieces.map((piece) =>
      piece.kind === "days"
        ? Prisma.sql`select day, ${Prisma.join(
            DAY_COLUMNS.map((status) => Prisma.sql`${Prisma.raw(status)}::int8`),
            ", ",
          )} from order_sync_day where shop = ${shop} and day >= ${isoDay(piece.from)}::date and day < ${isoDay(piece.to)}::date`
        : Prisma.sql`select (created_at at time zone 'UTC')::date as day, ${columns(piece.sign)}
            from order_sync where shop = ${shop} and created_at >= ${piece.from} and created_at < ${piece.to} group by 1`,
    );
    const rows = await db.$queryRaw<DayCounts[]>`${Prisma.join(parts, " union all ")}`;
    for (const row of rows) {
      const n = (status: (typeof DAY_COLUMNS)[number]) => Number(row[status]);
      for (const status of DAY_COLUMNS) {
        counts.all += n(status);
        for (const [filter, statuses] of Object.entries(STATUS_FILTERS)) {
          if (statuses && (statuses as readonly string[]).includes(status)) counts[filter as StatusFilter] += n(status);
        }
      }
      const key = row.day.toISOString().slice(0, 10);
      const day = byDay.get(key) ?? { synced: 0, failed: 0 };
      day.synced += n("synced") + n("synced_with_difference");
      day.failed += n("failed") + n("needs_reconnect");
      byDay.set(key, day);
    }
  }
  const perDay: Summary["perDay"] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime(); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    perDay.push({ day, synced: byDay.get(day)?.synced ?? 0, failed: byDay.get(day)?.failed ?? 0 });
  }
  return { counts, perDay };
}

export async function orderDetail(db: PrismaClient, shop: string, id: string) {
  if (!/^\d{1,18}$/.test(id)) return null;
  const order = await db.orderSync.findFirst({
    where: { shop, id: BigInt(id) },
    include: { attemptsLog: { orderBy: { startedAt: "desc" }, take: 50 } },
  });
  if (!order) return null;
  return {
    ...toRow(order),
    difference: order.difference,
    freshbooksTotal: order.freshbooksTotal,
    freshbooksClientId: order.freshbooksClientId,
    mappedInvoice: order.mappedInvoice,
    recordedPayment: order.recordedPayment,
    attempts: order.attempts,
    timeline: order.attemptsLog.map((attempt) => ({
      id: attempt.id.toString(),
      startedAt: attempt.startedAt.toISOString(),
      finishedAt: attempt.finishedAt?.toISOString() ?? null,
      outcome: attempt.outcome,
      message: attempt.message,
    })),
  };
}

export interface Backlog {
  /** Orders due to sync now (syncing, or queued with no retry scheduled later): the backlog. */
  waiting: number;
  oldestSeconds: number;
  /** Something will change within a minute: the page polls only then. */
  changingSoon: boolean;
}

/**
 * The shop's queue: orders due now (not those waiting out a scheduled retry, which are not a
 * backlog), and whether any will change soon. Reads only the shop's queued/syncing entries of
 * the (shop, status, created_at, id) index (a few ms for 20,000 waiting orders), and the orders
 * received but not yet recorded (`order_intake`, docs/decisions/0019: milliseconds, or up to
 * INTAKE_MAX_DEFER_MS during a flash sale), which are queued as far as the merchant can tell.
 */
export async function backlog(db: PrismaClient, shop: string, now: Date = new Date()): Promise<Backlog> {
  const soon = new Date(now.getTime() + 60_000);
  const [row] = await db.$queryRaw<{ waiting: bigint; oldest: Date | null; soon: bigint; received: bigint; received_at: Date | null }[]>`
    with received as (
      select count(distinct i.order_id) as n, min(i.received_at) as oldest from order_intake i
      where i.shop = ${shop} and not exists (select 1 from order_sync s where s.shop = i.shop and s.order_id = i.order_id)
    )
    select count(*) filter (where status = 'syncing' or next_attempt_at is null or next_attempt_at <= ${now}) as waiting,
      min(created_at) filter (where status = 'syncing' or next_attempt_at is null or next_attempt_at <= ${now}) as oldest,
      count(*) filter (where status = 'syncing' or next_attempt_at is null or next_attempt_at <= ${soon}) as soon,
      (select n from received) as received, (select oldest from received) as received_at
    from order_sync where shop = ${shop} and status in ('queued', 'syncing')`;
  const received = Number(row?.received ?? 0);
  const oldest = [row?.oldest, row?.received_at]
    .filter((at): at is Date => at instanceof Date)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    waiting: Number(row?.waiting ?? 0) + received,
    oldestSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : 0,
    changingSoon: Number(row?.soon ?? 0) + received > 0,
  };
}

export interface FailureGroup {
  /** null: recorded before causes were, or a cause this version does not know. */
  cause: Cause | null;
  status: "failed" | "needs_reconnect";
  count: number;
}

/**
 * The shop's failed orders (and those waiting for a reconnect), whatever their page or period,
 * grouped by cause: the sync log's banner says each group's fix and offers its Retry. Reads the
 * (shop, status, …) index's failed entries only.
 */
export async function failureGroups(db: PrismaClient, shop: string): Promise<FailureGroup[]> {
  const rows = await db.$queryRaw<{ cause: string | null; status: "failed" | "needs_reconnect"; n: bigint }[]>`
    select status_cause as cause, status, count(*) as n from order_sync
    where shop = ${shop} and status in ('failed', 'needs_reconnect')
    group by 1, 2`;
  const groups = new Map<string, FailureGroup>();
  for (const row of rows) {
    // An order waiting for a reconnect, recorded before causes were, waits for the same thing.
    const cause = isCause(row.cause) ? row.cause : row.status === "needs_reconnect" ? "reconnect" : null;
    const key = `${row.status}/${cause ?? ""}`;
    const group = groups.get(key) ?? { cause, status: row.status, count: 0 };
    group.count += Number(row.n);
    groups.set(key, group);
  }
  // Reconnect first (it unblocks every order), then the largest groups.
  return [...groups.values()].sort((a, b) => (a.status === b.status ? b.count - a.count : a.status === "needs_reconnect" ? -1 : 1));
}

/** How many orders the list holds with these filters (for "51–75 of 1,204" when a search narrows it). */
export async function countOrders(db: PrismaClient, shop: string, query: ListQuery = {}): Promise<number> {
  const [row] = await db.$queryRaw<
    { n: bigint }[]
  >`select count(*) as n from order_sync where ${Prisma.join(conditions(shop, query), " and ")}`;
  return Number(row?.n ?? 0);
}
