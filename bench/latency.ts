import { audit, callCounts, range, waitForDrain } from "./lib/audit";
import { runLoad } from "./lib/load";
import type { OrderSource } from "./lib/orders";
import type { Params } from "./lib/params";
import { BENCH_SHOP } from "./lib/config";
import { invoiceWatcher, type InvoiceWatcher } from "./lib/proxy";
import type { BenchResult, Check } from "./lib/report";
import { BenchStack } from "./lib/stack";
import { summarize } from "./lib/stats";

const MIX = { newShare: 0.3, seed: 42 };
/** The warm-up's order numbers (and customers) start here, apart from the measured ones. */
const WARMUP_START = 1_000_000;

function delaysOf(accepted: [number, number][], watcher: InvoiceWatcher): number[] {
  return accepted.flatMap(([n, at]) => {
    const created = watcher.createdAt.get(`SHOP-${n}`);
    return created === undefined ? [] : [created - at];
  });
}

/** 2. Webhook 200 → invoice present in FreshBooks, at a steady rate, sandbox at 0 ms and 80 ms. */
export async function latencyBench(params: Params): Promise<BenchResult> {
  const rate = params.num("rate", 20, 20);
  const seconds = params.num("duration", 3, 30);
  const concurrency = params.num("concurrency", 10, 10);
  const warmupSeconds = params.num("warmup", 1, 10);
  const checks: Check[] = [];
  const metrics: Record<string, unknown> = {};
  for (const latencyMs of [0, 80]) {
    const stack = new BenchStack(`latency-${latencyMs}`);
    try {
      await stack.startDatabase();
      const sandbox = await stack.startSandbox();
      const watcher = await invoiceWatcher(sandbox.url);
      stack.configureApp({
        FRESHBOOKS_API_URL: watcher.url,
        WORKER_CONCURRENCY: String(concurrency),
        DATABASE_POOL_SIZE: String(concurrency * 2 + 5),
      });
      await stack.startServer();
      await stack.connectFreshBooks();
      const worker = stack.spawnApp("worker");
      await worker.running;
      sandbox.faults.setLatency(latencyMs);
      // A worker of a real deployment has been syncing for a while when an order arrives: the
      // first orders after it starts (its code not yet optimised, the account's client directory
      // imported on first need) are sent first, at the same rate to other customers, and reported
      // apart as the cold start.
      const send = (count: number, orders: OrderSource) =>
        runLoad({ url: stack.appUrl, connections: 50, mode: "rate", ratePerSec: rate, count, orders, recordAccepted: true });
      const warmupCount = rate * warmupSeconds;
      const warmup = await send(warmupCount, { start: WARMUP_START, mix: MIX, customerBase: WARMUP_START });
      await waitForDrain(stack, warmupCount, 120_000);
      const coldStart = summarize(delaysOf(warmup.accepted ?? [], watcher));
      const callsBefore = stack.sandbox.state.requests.length;
      const count = rate * seconds;
      const load = await send(count, { start: 1, mix: MIX });
      const drainMs = await waitForDrain(stack, warmupCount + count, 120_000);
      const numbers = range(1, count);
      const result = await audit(stack, numbers);
      const latency = summarize(delaysOf(load.accepted ?? [], watcher));
      const breakdown = await whereTheTimeWent(stack, load.accepted ?? [], watcher);
      const calls = callCounts(stack, callsBefore);
      const beforeInvoice =
        ((calls["client GET"] ?? 0) + (calls["client POST"] ?? 0) + (calls["invoice POST"] ?? 0) + (calls["invoice GET"] ?? 0)) / count;
      const budget = 100 + latencyMs * beforeInvoice;
      metrics[`sandbox${latencyMs}ms`] = {
        load: { ...load, accepted: undefined },
        drainMs,
        latency,
        coldStart,
        calls,
        callsUntilInvoice: beforeInvoice,
        audit: result,
        workerRssPeakMb: worker.rssPeakMb,
        breakdown,
      };
      checks.push({
        name: `p50 at ${latencyMs} ms`,
        target: `≤ 100 ms + ${latencyMs} ms × ${beforeInvoice.toFixed(2)} calls = ${budget.toFixed(0)} ms`,
        measured: `${latency.p50} ms`,
        pass: latency.p50 <= budget,
      });
      if (latencyMs === 0)
        checks.push({
          name: "p99 at 0 ms",
          target: "≤ 500 ms",
          measured: `${latency.p99} ms (the p99 order: ${describe(breakdown.p99Order)}; slowest 5 % on average: ${describe(breakdown.slowest)})`,
          pass: latency.p99 <= 500,
        });
      else checks.push({ name: `p99 at ${latencyMs} ms (no target)`, target: "—", measured: `${latency.p99} ms`, pass: true });
      checks.push({
        name: `cold start at ${latencyMs} ms (no target)`,
        target: "—",
        measured: `the first ${warmupCount} orders after the worker started: p50 ${coldStart.p50} ms, p99 ${coldStart.p99} ms`,
        pass: true,
      });
      checks.push({
        invariant: true,
        name: `lost / duplicate invoices at ${latencyMs} ms`,
        target: "0 / 0",
        measured: `${result.lost} / ${result.duplicateInvoices}`,
        pass: result.lost === 0 && result.duplicateInvoices === 0,
      });
      await watcher.close();
    } finally {
      await stack.stop();
    }
  }
  return {
    name: "latency",
    title: "2. Order → invoice latency at a steady rate",
    settings: {
      ratePerSec: rate,
      seconds,
      warmupSeconds,
      workers: 1,
      workerConcurrency: concurrency,
      workerPoolSize: concurrency * 2 + 5,
      customerMix: MIX,
    },
    metrics,
    checks,
    notes: [
      "Measured after a warm-up: the worker first syncs `warmup` seconds of orders at the same rate (other customers, the same mix), reported apart as the cold start; the figures and calls are the measured orders' alone.",
      "Latency = the sandbox's answer to the invoice POST (seen by a pass-through proxy) minus the load generator's receipt of the webhook's 200; same clock.",
    ],
  };
}

type Parts = { queueWaitMs: number; beforeInvoiceMs: number; invoiceMs: number; paymentMs: number | null };

function describe(parts: Parts | null): string {
  if (!parts) return "n/a";
  const payment = parts.paymentMs === null ? "" : `, then payment ${parts.paymentMs} ms`;
  return `queue wait ${parts.queueWaitMs} ms, client step ${parts.beforeInvoiceMs} ms, invoice ${parts.invoiceMs} ms${payment}`;
}

/**
 * Where an order's time went, webhook 200 → invoice: waiting for a worker to pick its job up
 * (the attempt's start minus the 200), the attempt's steps up to the invoice request (claim,
 * settings, connection, the client lookup or creation), and the invoice request itself; the
 * payment after it (not part of the latency) for context. For the p99 order and on average
 * over the slowest 5 %.
 */
async function whereTheTimeWent(
  stack: BenchStack,
  accepted: [number, number][],
  watcher: InvoiceWatcher,
): Promise<{ p99Order: Parts | null; slowest: Parts | null; median: Parts | null }> {
  const started = await stack.query<{ order_number: number; started_at: Date }>(
    `select o.order_number, min(a.started_at) as started_at from sync_attempt a join order_sync o on o.id = a.order_sync_id where o.shop = $1 group by 1`,
    [BENCH_SHOP],
  );
  const startOf = new Map(started.map((row) => [Number(row.order_number), row.started_at.getTime()]));
  const rows = accepted.flatMap(([n, at]) => {
    const number = `SHOP-${n}`;
    const created = watcher.createdAt.get(number);
    const requested = watcher.requestedAt.get(number);
    const start = startOf.get(n);
    if (created === undefined || requested === undefined || start === undefined) return [];
    const paid = watcher.paidAt.get(number);
    return [
      {
        total: created - at,
        parts: {
          queueWaitMs: start - at,
          beforeInvoiceMs: requested - start,
          invoiceMs: created - requested,
          paymentMs: paid === undefined ? null : paid - created,
        },
      },
    ];
  });
  rows.sort((a, b) => a.total - b.total);
  if (rows.length === 0) return { p99Order: null, slowest: null, median: null };
  const at = (q: number) => rows[Math.min(rows.length - 1, Math.ceil(q * rows.length) - 1)]?.parts ?? null;
  const tail = rows.slice(Math.floor(rows.length * 0.95));
  const mean = (pick: (parts: Parts) => number | null) =>
    Math.round(tail.reduce((sum, row) => sum + (pick(row.parts) ?? 0), 0) / tail.length);
  return {
    p99Order: at(0.99),
    median: at(0.5),
    slowest: {
      queueWaitMs: mean((p) => p.queueWaitMs),
      beforeInvoiceMs: mean((p) => p.beforeInvoiceMs),
      invoiceMs: mean((p) => p.invoiceMs),
      paymentMs: mean((p) => p.paymentMs),
    },
  };
}
