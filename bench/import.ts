import { audit, range, waitForDrain } from "./lib/audit";
import { BENCH_SHOP } from "./lib/config";
import { runLoad } from "./lib/load";
import { customerPicker, orderBody } from "./lib/orders";
import type { Params } from "./lib/params";
import { invoiceWatcher } from "./lib/proxy";
import type { BenchResult } from "./lib/report";
import { BenchStack } from "./lib/stack";
import { summarize } from "./lib/stats";

const DAY = 86_400_000;
const FIRST = 1001;

/**
 * 7. "Import past orders" (issue #14): N orders placed before the install, in the Shopify Admin
 * sandbox (within the 60 days read_orders shows), imported into a FreshBooks limited to `limit`
 * requests/s while live orders keep arriving by webhook. What it measures: FreshBooks' rate
 * during the import as a share of its limit, the live orders' order → invoice time, and that
 * every order is there once.
 */
export async function importBench(params: Params): Promise<BenchResult> {
  const count = params.num("orders", 100, 10_000);
  const limit = params.num("limit", 50, 100);
  const liveRate = params.num("liveRate", 1, 1);
  const liveCount = params.num("live", 10, 120);
  // As the latency bench: each sync waits on FreshBooks most of its time, so the worker's
  // concurrency (not the machine) sets how many requests a second it can make.
  const concurrency = params.num("concurrency", 10, 10);
  const stack = new BenchStack("import");
  const { startShopifyAdminSandbox } = await import("../app/dev/shopify-admin-sandbox/server");
  // Shopify's documented standard rate: 100 points a second, a 2,000-point bucket (Plus: 1,000/s).
  // The history is read by one bulk query, which that rate does not limit (the smoke run too).
  const restoreRate = params.num("restoreRate", 100, 100);
  const shopify = await startShopifyAdminSandbox({ restoreRate, maximumAvailable: 2000 });
  try {
    await stack.startDatabase();
    const sandbox = await stack.startSandbox();
    const watcher = await invoiceWatcher(sandbox.url);
    // The store's history: orders #1001… over the last 50 days, the bench's customer mix
    // (Shopify's `number` is the order number less 1000).
    const now = Date.now();
    const pick = customerPicker({ start: FIRST, mix: { newShare: 0.3, seed: 11 } });
    const history = Array.from({ length: count }, (_, i) => {
      const n = FIRST + i;
      const at = new Date(now - DAY * 50 + (i * DAY * 49) / count).toISOString().replace(/\.\d{3}Z$/, "Z");
      const body = JSON.parse(orderBody(n, pick(n))) as Record<string, unknown>;
      return { ...body, number: n - 1000, created_at: at, processed_at: at, updated_at: at };
    });
    shopify.addShop({ domain: BENCH_SHOP, scopes: ["read_orders"] });
    shopify.addWebhookOrders(BENCH_SHOP, history);
    process.env.SHOPIFY_ADMIN_API_URL = shopify.url;
    const { reloadEnv } = await import("../app/env.server");
    reloadEnv();
    stack.configureApp({
      SHOPIFY_ADMIN_API_URL: shopify.url,
      FRESHBOOKS_API_URL: watcher.url,
      WORKER_CONCURRENCY: String(concurrency),
      DATABASE_POOL_SIZE: String(concurrency * 2 + 5),
    });
    await stack.startServer();
    await stack.connectFreshBooks();
    sandbox.faults.setRateLimit({ perSecond: limit });
    const worker = stack.spawnApp("worker");

    const { default: prisma } = await import("../app/db.server");
    const { logger } = await import("../app/logger.server");
    const { startImport } = await import("../app/admin-sync/import.server");
    const started = Date.now();
    const before = sandbox.state.requests.length;
    const job = await startImport(BENCH_SHOP, new Date(now - DAY * 55), new Date(now + DAY), { db: prisma, logger });
    // Live orders during the import, numbered after the history.
    const live = await runLoad({
      url: stack.appUrl,
      connections: 10,
      mode: "rate",
      ratePerSec: liveRate,
      count: liveCount,
      orders: { start: FIRST + count, mix: { newShare: 0.3, seed: 12 } },
      recordAccepted: true,
    });
    const drainMs = await waitForDrain(stack, count + liveCount, 180_000, started);
    const [importRow] = await stack.query<{ status: string; found: number; already_known: number }>(
      "select status, found, already_known from order_import where id = $1",
      [String(job.id)],
    );
    const result = await audit(stack, range(FIRST, count + liveCount));
    // The import's own span: from its start to the last imported order synced (the live orders
    // keep arriving at 1/s for their own fixed time, which must not dilute the rate).
    const [importEnd] = await stack.query<{ at: Date | null }>(
      "select max(updated_at) as at from order_sync where shop = $1 and origin = 'import' and status not in ('queued', 'syncing')",
      [BENCH_SHOP],
    );
    const endMs = importEnd?.at ? new Date(importEnd.at).getTime() : Date.now();
    const accounting = sandbox.state.requests
      .slice(before)
      .filter((r) => r.path.startsWith("/accounting/") && new Date(r.time).getTime() <= endMs);
    const served = accounting.filter((r) => r.status !== 429).length;
    // What those requests were (per method and resource, refused ones apart): where the limit went.
    const byKind: Record<string, number> = {};
    for (const r of accounting) {
      const resource = r.path.replace(/^\/accounting\/account\/[^/]+\//, "").replace(/\/\d+/g, "/:id");
      const key = `${r.method} ${resource}${r.status === 429 ? " (429)" : ""}`;
      byKind[key] = (byKind[key] ?? 0) + 1;
    }
    const seconds = (endMs - started) / 1000;
    const share = served / seconds / limit;
    const liveDelays = (live.accepted ?? []).flatMap(([n, at]) => {
      const created = watcher.createdAt.get(`SHOP-${n}`);
      return created === undefined ? [] : [created - at];
    });
    const liveLatency = summarize(liveDelays);
    const shopifyRequests = shopify.requests.length;
    // What reading the history cost under Shopify's leaky bucket (restore rate per second).
    const byOperation = new Map<string, { n: number; requested: number; actual: number; throttled: number }>();
    for (const entry of shopify.requests) {
      const key = entry.operation ?? "?";
      const row = byOperation.get(key) ?? { n: 0, requested: 0, actual: 0, throttled: 0 };
      row.n += 1;
      row.requested += entry.requestedCost ?? 0;
      row.actual += entry.actualCost ?? 0;
      row.throttled += entry.throttled ? 1 : 0;
      byOperation.set(key, row);
    }
    const shopifyCost = Object.fromEntries(
      [...byOperation].map(([operation, row]) => [
        operation,
        {
          requests: row.n,
          requestedPerRequest: Math.round(row.requested / row.n),
          actualPerRequest: Math.round(row.actual / row.n),
          throttled: row.throttled,
        },
      ]),
    );
    await watcher.close();
    return {
      name: "import",
      title: "7. Import past orders with live orders arriving (Shopify Admin sandbox → rate-limited FreshBooks)",
      settings: {
        orders: count,
        rateLimitPerSec: limit,
        liveOrders: liveCount,
        liveRatePerSec: liveRate,
        shopifyRestoreRate: restoreRate,
        workerConcurrency: concurrency,
      },
      metrics: {
        drainMs,
        import: importRow,
        servedRequests: served,
        rateLimited429: accounting.length - served,
        freshbooksRequests: byKind,
        achievedPerSec: Math.round((served / seconds) * 10) / 10,
        shopifyRequests,
        shopifyCost,
        liveLatency,
        audit: result,
        workerRssPeakMb: worker.rssPeakMb,
      },
      checks: [
        {
          name: "import finished, every order found",
          target: `done, ${count} found`,
          measured: importRow ? `${importRow.status}, ${importRow.found} found (${importRow.already_known} already known)` : "no import",
          pass: importRow?.status === "done" && Number(importRow.found) === count,
        },
        {
          name: "FreshBooks rate during the import / limit",
          target: "≥ 90 %",
          measured: `${(served / seconds).toFixed(1)}/s ÷ ${limit}/s = ${(share * 100).toFixed(1)} % (${count} imported orders synced in ${seconds.toFixed(1)} s, live ones included in the rate; all ${count + liveCount} drained in ${((drainMs ?? 0) / 1000).toFixed(1)} s; ${shopifyRequests} Shopify Admin API requests)`,
          pass: share >= 0.9,
        },
        {
          name: "Shopify Admin API cost per request (requested / actual), by operation",
          target: `(reported; the bucket refills ${restoreRate} points/s)`,
          measured: Object.entries(shopifyCost)
            .map(
              ([operation, row]) =>
                `${operation} ${row.requests}× ${row.requestedPerRequest}/${row.actualPerRequest}, throttled ${row.throttled}`,
            )
            .join("; "),
          pass: true,
        },
        {
          name: "live orders during the import: order → invoice p50",
          target: "≤ 1 s",
          measured: `p50 ${liveLatency.p50} ms, p99 ${liveLatency.p99} ms (${liveDelays.length} of ${liveCount})`,
          pass: liveLatency.p50 <= 1000,
        },
        {
          invariant: true,
          name: "lost / duplicate invoices / duplicate clients (history and live)",
          target: "0 / 0 / 0",
          measured: `${result.lost} / ${result.duplicateInvoices} / ${result.duplicateClients}`,
          pass: result.lost === 0 && result.duplicateInvoices === 0 && result.duplicateClients === 0,
        },
      ],
      notes: [
        "Rate = FreshBooks accounting requests served (not 429) per second, live orders' included, from the import's start to its last order synced.",
        "The import reads the range with one bulk query (bulkOperationRunQuery: a JSONL file, line items included, outside the cost limit), stages the file and queues its orders behind live orders (priority), at most 300 waiting.",
      ],
    };
  } finally {
    await stack.stop();
    await shopify.close();
  }
}
