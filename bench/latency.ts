import { audit, callCounts, range, waitForDrain } from "./lib/audit";
import { runLoad } from "./lib/load";
import type { Params } from "./lib/params";
import { invoiceWatcher } from "./lib/proxy";
import type { BenchResult, Check } from "./lib/report";
import { BenchStack } from "./lib/stack";
import { summarize } from "./lib/stats";

const MIX = { newShare: 0.3, seed: 42 };

/** 2. Webhook 200 → invoice present in FreshBooks, at a steady rate, sandbox at 0 ms and 80 ms. */
export async function latencyBench(params: Params): Promise<BenchResult> {
  const rate = params.num("rate", 20, 20);
  const seconds = params.num("duration", 3, 30);
  const concurrency = params.num("concurrency", 10, 10);
  const checks: Check[] = [];
  const metrics: Record<string, unknown> = {};
  for (const latencyMs of [0, 80]) {
    const stack = new BenchStack(`latency-${latencyMs}`);
    try {
      await stack.startDatabase();
      const sandbox = await stack.startSandbox();
      const watcher = await invoiceWatcher(sandbox.url);
      stack.configureApp({ FRESHBOOKS_API_URL: watcher.url, WORKER_CONCURRENCY: String(concurrency), DATABASE_POOL_SIZE: String(concurrency * 2 + 5) });
      await stack.startServer();
      await stack.connectFreshBooks();
      const worker = stack.spawnApp("worker");
      sandbox.faults.setLatency(latencyMs);
      const count = rate * seconds;
      const load = await runLoad({ url: stack.appUrl, connections: 50, mode: "rate", ratePerSec: rate, count, orders: { start: 1, mix: MIX }, recordAccepted: true });
      const drainMs = await waitForDrain(stack, count, 120_000);
      const numbers = range(1, count);
      const result = await audit(stack, numbers);
      const delays = (load.accepted ?? []).flatMap(([n, at]) => {
        const created = watcher.createdAt.get(`SHOP-${n}`);
        return created === undefined ? [] : [created - at];
      });
      const latency = summarize(delays);
      const calls = callCounts(stack);
      const beforeInvoice = ((calls["client GET"] ?? 0) + (calls["client POST"] ?? 0) + (calls["invoice POST"] ?? 0) + (calls["invoice GET"] ?? 0)) / count;
      const budget = 100 + latencyMs * beforeInvoice;
      metrics[`sandbox${latencyMs}ms`] = { load: { ...load, accepted: undefined }, drainMs, latency, calls, callsUntilInvoice: beforeInvoice, audit: result, workerRssPeakMb: worker.rssPeakMb };
      checks.push({ name: `p50 at ${latencyMs} ms`, target: `≤ 100 ms + ${latencyMs} ms × ${beforeInvoice.toFixed(2)} calls = ${budget.toFixed(0)} ms`, measured: `${latency.p50} ms`, pass: latency.p50 <= budget });
      if (latencyMs === 0) checks.push({ name: "p99 at 0 ms", target: "≤ 500 ms", measured: `${latency.p99} ms`, pass: latency.p99 <= 500 });
      else checks.push({ name: `p99 at ${latencyMs} ms (no target)`, target: "—", measured: `${latency.p99} ms`, pass: true });
      checks.push({ invariant: true, name: `lost / duplicate invoices at ${latencyMs} ms`, target: "0 / 0", measured: `${result.lost} / ${result.duplicateInvoices}`, pass: result.lost === 0 && result.duplicateInvoices === 0 });
      await watcher.close();
    } finally {
      await stack.stop();
    }
  }
  return {
    name: "latency",
    title: "2. Order → invoice latency at a steady rate",
    settings: { ratePerSec: rate, seconds, workers: 1, workerConcurrency: concurrency, workerPoolSize: concurrency * 2 + 5, customerMix: MIX },
    metrics,
    checks,
    notes: ["Latency = the sandbox's answer to the invoice POST (seen by a pass-through proxy) minus the load generator's receipt of the webhook's 200; same clock."],
  };
}
