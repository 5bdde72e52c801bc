import { BENCH_SHOP } from "./config";
import type { BenchStack } from "./stack";

/** What the merchant would see after a run: every order once in FreshBooks, no client twice. */
export interface Audit {
  expectedOrders: number;
  orderRows: number;
  statuses: Record<string, number>;
  invoices: number;
  /** Orders delivered (accepted) that did not end synced with their invoice in FreshBooks. */
  lost: number;
  /** Invoices beyond one per number, plus create attempts for a number FreshBooks already had. */
  duplicateInvoices: number;
  clients: number;
  duplicateClients: number;
  payments: number;
  duplicatePayments: number;
  /** Why orders ended failed / needs_reconnect (reason → count). */
  failedReasons: Record<string, number>;
}

const WAITING = ["queued", "syncing"];
const SYNCED = ["synced", "synced_with_difference"];

/**
 * Polls until every expected order has left queued/syncing; returns the drain time (ms), or null
 * when nothing moved for `stallMs` (no order arrived or left the queue): the limit comes from the
 * work, so a busy machine makes a drain slower, never a false "still queued".
 */
export async function waitForDrain(stack: BenchStack, expected: number, stallMs: number, since = Date.now()): Promise<number | null> {
  let deadline = Date.now() + stallMs;
  let last = "";
  for (;;) {
    const [row] = await stack.query<{ total: string; waiting: string; settled: string }>(
      `select count(*) as total, count(*) filter (where status = any($2)) as waiting,
              count(*) filter (where status <> all($2)) as settled
         from order_sync where shop = $1`,
      [BENCH_SHOP, WAITING],
    );
    if (row && Number(row.total) >= expected && Number(row.waiting) === 0) return Date.now() - since;
    const progress = `${row?.total}/${row?.settled}`;
    if (progress !== last) {
      last = progress;
      deadline = Date.now() + stallMs;
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function audit(stack: BenchStack, orderNumbers: readonly number[]): Promise<Audit> {
  const statusRows = await stack.query<{ status: string; n: string }>(
    `select status, count(*) as n from order_sync where shop = $1 group by status`,
    [BENCH_SHOP],
  );
  const statuses = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
  const invoices = stack.sandbox.state.invoices() as unknown as Array<{ invoice_number: string; id: number }>;
  const perNumber = new Map<string, number>();
  for (const invoice of invoices) perNumber.set(invoice.invoice_number, (perNumber.get(invoice.invoice_number) ?? 0) + 1);
  const orderRows = await stack.query<{ order_number: number; status: string }>(
    `select order_number, status from order_sync where shop = $1`,
    [BENCH_SHOP],
  );
  const statusOf = new Map(orderRows.map((row) => [Number(row.order_number), row.status]));
  const lost = orderNumbers.filter((n) => perNumber.get(`SHOP-${n}`) === undefined || !SYNCED.includes(statusOf.get(n) ?? "")).length;
  // The sandbox refuses an invoice number it already has (422); real FreshBooks may accept it, so
  // each such second POST is a duplicate invoice that only the sandbox prevented.
  const refusedSecondPosts = stack.sandbox.state.requests.filter(
    (r) => r.method === "POST" && /\/invoices\/invoices$/.test(r.path) && r.status === 422,
  ).length;
  const duplicateInvoices = [...perNumber.values()].reduce((sum, n) => sum + n - 1, 0) + refusedSecondPosts;
  const clients = stack.sandbox.state.clients() as unknown as Array<{ email?: string; organization?: string }>;
  const perClient = new Map<string, number>();
  for (const client of clients) {
    const key = client.email || `org:${client.organization ?? ""}`;
    perClient.set(key, (perClient.get(key) ?? 0) + 1);
  }
  const payments = stack.sandbox.state.payments() as unknown as Array<{ invoiceid: number }>;
  const perInvoice = new Map<number, number>();
  for (const payment of payments) perInvoice.set(payment.invoiceid, (perInvoice.get(payment.invoiceid) ?? 0) + 1);
  const reasons = await stack.query<{ reason: string; n: string }>(
    `select coalesce(left(status_reason, 160), status) as reason, count(*) as n from order_sync where shop = $1 and status in ('failed', 'needs_reconnect') group by 1`,
    [BENCH_SHOP],
  );
  return {
    failedReasons: Object.fromEntries(reasons.map((r) => [r.reason, Number(r.n)])),
    expectedOrders: orderNumbers.length,
    orderRows: Object.values(statuses).reduce((a, b) => a + b, 0),
    statuses,
    invoices: invoices.length,
    lost,
    duplicateInvoices,
    clients: clients.length,
    duplicateClients: [...perClient.values()].reduce((sum, n) => sum + n - 1, 0),
    payments: payments.length,
    duplicatePayments: [...perInvoice.values()].reduce((sum, n) => sum + n - 1, 0),
  };
}

/**
 * How long the run kept orders waiting: the drain time (from `since`, the scenario's start, to
 * the last order leaving queued/syncing) and the longest any one order waited (its delivery to
 * its final state). Orders still waiting count up to now.
 */
export async function waits(stack: BenchStack, since: number): Promise<{ drainMs: number; longestWaitMs: number; medianWaitMs: number }> {
  const [row] = await stack.query<{ last_ms: string | null; longest_ms: string | null; median_ms: string | null }>(
    `select extract(epoch from max(case when status = any($2) then now() else updated_at end)) * 1000 as last_ms,
       extract(epoch from max(case when status = any($2) then now() else updated_at end - created_at)) * 1000 as longest_ms,
       extract(epoch from percentile_cont(0.5) within group (order by (case when status = any($2) then now() else updated_at end - created_at))) * 1000 as median_ms
     from order_sync where shop = $1`,
    [BENCH_SHOP, WAITING],
  );
  const last = Number(row?.last_ms ?? since);
  return {
    drainMs: Math.max(0, Math.round(last - since)),
    longestWaitMs: Math.round(Number(row?.longest_ms ?? 0)),
    medianWaitMs: Math.round(Number(row?.median_ms ?? 0)),
  };
}

export const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

/** FreshBooks requests in the sandbox log, by kind (accounting calls per order; tokens; payments apart). */
/** FreshBooks requests by kind, from the `from`-th the sandbox saw (0: all of them). */
export function callCounts(stack: BenchStack, from = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of stack.sandbox.state.requests.slice(from)) {
    const kind = /\/payments\//.test(entry.path)
      ? `payment ${entry.method}`
      : /\/users\/clients/.test(entry.path)
        ? `client ${entry.method}`
        : /\/invoices\/invoices/.test(entry.path)
          ? `invoice ${entry.method}`
          : /\/oauth\/token/.test(entry.path)
            ? "token"
            : `${entry.method} ${entry.path.replace(/\/\d+/g, "/:id")}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
