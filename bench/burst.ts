import { audit, callCounts, range, waitForDrain } from "./lib/audit";
import { runLoad } from "./lib/load";
import type { Params } from "./lib/params";
import type { BenchResult, Check } from "./lib/report";
import { BenchStack } from "./lib/stack";

/** 4. A flash sale: N orders as fast as intake allows, FreshBooks rate-limited; 1 and 3 workers. */
export async function burstBench(params: Params): Promise<BenchResult> {
  const count = params.num("orders", 200, 10_000);
  const limit = params.num("limit", 50, 100);
  // V8's heap limits for the worker processes (MB; 0: Node's defaults, as `npm run worker` runs):
  // what a host with little memory would set (README, Performance).
  const oldSpaceMb = params.num("workerOldSpaceMb", 0, 0);
  const semiSpaceMb = params.num("workerSemiSpaceMb", 0, 0);
  const workerFlags = [
    ...(oldSpaceMb > 0 ? [`--max-old-space-size=${oldSpaceMb}`] : []),
    ...(semiSpaceMb > 0 ? [`--max-semi-space-size=${semiSpaceMb}`] : []),
  ];
  const checks: Check[] = [];
  const metrics: Record<string, unknown> = {};
  for (const workers of [1, 3]) {
    const stack = new BenchStack(`burst-${workers}`);
    try {
      await stack.startDatabase();
      const sandbox = await stack.startSandbox();
      stack.configureApp({ SYNC_RETRY_BASE_MS: "1000" });
      await stack.startServer();
      await stack.connectFreshBooks();
      sandbox.faults.setRateLimit({ perSecond: limit });
      const started = Date.now();
      const apps = Array.from({ length: workers }, () => stack.spawnApp("worker", workerFlags));
      const load = await runLoad({
        url: stack.appUrl,
        connections: 50,
        mode: "count",
        count,
        orders: { start: 1, mix: { newShare: 0.3, seed: 3 } },
        retry: { maxAttempts: 10, baseMs: 1000, maxMs: 8000 },
      });
      const drainMs = await waitForDrain(stack, count, Math.max(120_000, (count * 6 * 1000) / limit), started);
      const result = await audit(stack, range(1, count));
      const calls = callCounts(stack);
      const accounting = stack.sandbox.state.requests.filter((r) => r.path.startsWith("/accounting/"));
      const served = accounting.filter((r) => r.status !== 429).length;
      const limited = accounting.length - served;
      const seconds = (drainMs ?? Date.now() - started) / 1000;
      const share = served / seconds / limit;
      const rss = Math.max(...apps.map((app) => app.rssPeakMb));
      metrics[`workers${workers}`] = {
        load,
        drainMs,
        servedRequests: served,
        rateLimited429: limited,
        achievedPerSec: Math.round((served / seconds) * 10) / 10,
        calls,
        audit: result,
        workerRssPeakMb: apps.map((a) => a.rssPeakMb),
      };
      checks.push(
        {
          name: `${workers} worker(s): time to drain ${count} orders`,
          target: "(reported)",
          measured: drainMs === null ? "did not drain" : `${(drainMs / 1000).toFixed(1)} s`,
          pass: drainMs !== null,
        },
        {
          name: `${workers} worker(s): FreshBooks rate / limit`,
          target: "≥ 90 %",
          measured: `${(served / seconds).toFixed(1)}/s ÷ ${limit}/s = ${(share * 100).toFixed(1)} %`,
          pass: share >= 0.9,
        },
        {
          invariant: true,
          name: `${workers} worker(s): lost / duplicate invoices / duplicate clients`,
          target: "0 / 0 / 0",
          measured: `${result.lost} / ${result.duplicateInvoices} / ${result.duplicateClients}`,
          pass: result.lost === 0 && result.duplicateInvoices === 0 && result.duplicateClients === 0,
        },
        { name: `${workers} worker(s): worker RSS peak`, target: "≤ 250 MB", measured: `${rss} MB`, pass: rss <= 250 },
      );
    } finally {
      await stack.stop();
    }
  }
  return {
    name: "burst",
    title: "4. Burst against a rate-limited FreshBooks",
    settings: {
      orders: count,
      rateLimitPerSec: limit,
      workerConcurrency: 5,
      mix: "30 % new customers",
      loadConnections: 50,
      workerNodeFlags: workerFlags.join(" ") || "(Node's defaults)",
    },
    metrics,
    checks,
    notes: ["Rate = accounting requests FreshBooks served (not 429) per second of the drain (first delivery → last order final)."],
  };
}
