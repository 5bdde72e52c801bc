import { audit, range, waitForDrain, waits, type Audit } from "./lib/audit";
import { runLoad } from "./lib/load";
import type { Params } from "./lib/params";
import type { BenchResult, Check } from "./lib/report";
import { BenchStack, type AppProcess } from "./lib/stack";
import { seeded } from "./lib/stats";

const SHOPIFY_RETRY = { maxAttempts: 12, baseMs: 500, maxMs: 4000 };

interface Scenario {
  name: string;
  /** The longest any order may wait (delivery → final state), checked as an invariant. */
  maxWaitMs?: number;
  run(context: { stack: BenchStack; start: number }): Promise<{ orders: number[]; extra?: Record<string, unknown>; extraChecks?: Check[] }>;
}

/** Truncates the sync tables and reconnects FreshBooks, so each scenario starts clean on the same stack. */
async function reset(stack: BenchStack): Promise<void> {
  await stack.query(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, freshbooks_rate_limit, shop_settings, oauth_state restart identity cascade; delete from graphile_worker._private_jobs",
  );
  stack.sandbox.state.reset();
  await stack.connectFreshBooks();
}

/** The fault-injection suite: each scenario passes only with 0 lost and 0 duplicates. */
export async function faultsBench(params: Params): Promise<BenchResult> {
  const n = params.num("orders", 30, 1000);
  const kills = params.num("kills", 2, 100);
  // How long a drain may make no progress (no order arrives or settles) before the scenario gives up.
  const drainTimeout = params.num("drainTimeout", 150, 900) * 1000;
  const outageMs = params.num("outage", 3, 10) * 1000;
  const burstOrders = params.num("burstOrders", 40, 320);
  const only = params.num("scenarioMask", 255, 255) >>> 0;

  const scenarios: Scenario[] = [
    {
      name: "duplicate deliveries (3× each: 2 same webhook id + 1 different, at once)",
      async run({ stack, start }) {
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker")];
        const load = await runLoad({
          url: stack.appUrl,
          connections: 30,
          mode: "count",
          count: n,
          orders: { start, mix: { newShare: 0.3, seed: 11 } },
          copies: { total: 3, sameId: 2 },
          retry: SHOPIFY_RETRY,
        });
        const [deliveries] = await stack.query<{ n: string }>("select count(*) as n from webhook_delivery");
        await waitForDrain(stack, n, drainTimeout);
        await stopAll(workers);
        return {
          orders: range(start, n),
          extra: { load: { requests: load.requests, statusCounts: load.statusCounts }, webhookDeliveryRows: Number(deliveries?.n ?? 0) },
        };
      },
    },
    {
      name: "50 simultaneous orders from one new customer → 1 client",
      async run({ stack, start }) {
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker")];
        await runLoad({
          url: stack.appUrl,
          connections: 50,
          mode: "count",
          count: 50,
          orders: { start, fixedCustomer: 999_999 },
          retry: SHOPIFY_RETRY,
        });
        await waitForDrain(stack, 50, drainTimeout);
        await stopAll(workers);
        const clients = stack.sandbox.state.clients().length;
        return {
          orders: range(start, 50),
          extraChecks: [{ name: "clients for one email", target: "1", measured: String(clients), pass: clients === 1 }],
        };
      },
    },
    {
      name: `worker SIGKILLed ${kills}× at random points, restarted each time`,
      async run({ stack, start }) {
        const random = seeded(5);
        let worker = stack.spawnApp("worker");
        // Deliveries spread over the whole killing spree (kills come every 0.3–2 s, ~1.15 s on average).
        const ratePerSec = Math.max(5, n / (kills * 1.15));
        const load = runLoad({
          url: stack.appUrl,
          connections: 10,
          mode: "rate",
          ratePerSec,
          count: n,
          orders: { start, mix: { newShare: 0.3, seed: 5 } },
          retry: SHOPIFY_RETRY,
        });
        let killsMidJob = 0;
        for (let k = 0; k < kills; k += 1) {
          await new Promise((resolve) => setTimeout(resolve, 300 + random() * 1700));
          const [running] = await stack.query<{ n: string }>(
            "select count(*) as n from graphile_worker._private_jobs where locked_at is not null",
          );
          if (Number(running?.n ?? 0) > 0) killsMidJob += 1;
          await worker.stop("SIGKILL");
          worker = stack.spawnApp("worker");
        }
        await load;
        const drainMs = await waitForDrain(stack, n, drainTimeout);
        await worker.stop();
        return {
          orders: range(start, n),
          extra: {
            kills,
            killsWithAJobRunning: killsMidJob,
            deliveriesPerSec: Math.round(ratePerSec * 10) / 10,
            drainAfterLastKillMs: drainMs,
          },
        };
      },
    },
    {
      name: "FreshBooks: 30 % of requests 5xx or timing out",
      async run({ stack, start }) {
        stack.sandbox.faults.setRandom({ rate: 0.3, seed: 9, kinds: ["500", "502", "503", "timeout"], path: "^/accounting/" });
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker")];
        await runLoad({
          url: stack.appUrl,
          connections: 20,
          mode: "count",
          count: n,
          orders: { start, mix: { newShare: 0.3, seed: 9 } },
          retry: SHOPIFY_RETRY,
        });
        await waitForDrain(stack, n, drainTimeout);
        stack.sandbox.faults.setRandom(null);
        await stopAll(workers);
        return { orders: range(start, n) };
      },
    },
    {
      // A storm ends when its Retry-After has passed (or after 40 refusals): a storm that lasted
      // until 40 requests had been refused, however long that took, made the last orders of a
      // run (a client honouring Retry-After sends few requests) wait 40 × 2 s per storm alone.
      name: "FreshBooks: 429 storms (every 3 s, the next 40 requests within 2 s answered 429 Retry-After 2)",
      maxWaitMs: 5 * 60 * 1000,
      async run({ stack, start }) {
        // A storm starts only once the previous one has blown over: storms that piled up faster
        // than requests arrive would be one endless 429, which no client rides out.
        const calm = () => (stack.sandbox.faults.snapshot() as { queue: unknown[] }).queue.length === 0;
        const storm = setInterval(() => {
          if (calm())
            stack.sandbox.faults.enqueue({
              path: "^/accounting/",
              times: 40,
              forMs: 2000,
              fault: { kind: "status", status: 429, retryAfter: 2 },
            });
        }, 3000);
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker")];
        await runLoad({
          url: stack.appUrl,
          connections: 20,
          mode: "count",
          count: n,
          orders: { start, mix: { newShare: 0.3, seed: 13 } },
          retry: SHOPIFY_RETRY,
        });
        await waitForDrain(stack, n, drainTimeout);
        clearInterval(storm);
        await stopAll(workers);
        return { orders: range(start, n), extra: { answered429: stack.sandbox.state.count({ status: 429 }) } };
      },
    },
    {
      // Issue #11's fault round: FreshBooks failing and limiting at the same time, a flash sale's
      // deliveries all at once (Shopify sends each twice, under two webhook ids).
      name: `FreshBooks: 30 % 5xx together with a 20 req/s limit; ${burstOrders * 2} deliveries at once (${burstOrders} orders, each twice)`,
      async run({ stack, start }) {
        stack.sandbox.faults.setRandom({ rate: 0.3, seed: 23, kinds: ["500", "502", "503"], path: "^/accounting/" });
        stack.sandbox.faults.setRateLimit({ perSecond: 20 });
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker")];
        const load = await runLoad({
          url: stack.appUrl,
          connections: burstOrders,
          mode: "count",
          count: burstOrders,
          orders: { start, mix: { newShare: 0.3, seed: 23 } },
          copies: { total: 2, sameId: 1 },
          retry: SHOPIFY_RETRY,
        });
        await waitForDrain(stack, burstOrders, drainTimeout);
        stack.sandbox.faults.setRandom(null);
        stack.sandbox.faults.setRateLimit(null);
        await stopAll(workers);
        const [failed] = await stack.query<{ n: string }>("select count(*) as n from order_sync where status = 'failed'");
        return {
          orders: range(start, burstOrders),
          extra: {
            load: { requests: load.requests, statusCounts: load.statusCounts, gaveUp: load.gaveUp },
            answered429: stack.sandbox.state.count({ status: 429 }),
            answered5xx: stack.sandbox.state.requests.filter((r) => (r.status ?? 0) >= 500).length,
          },
          extraChecks: [{ name: "orders failed", target: "0", measured: String(failed?.n ?? "?"), pass: Number(failed?.n ?? 1) === 0 }],
        };
      },
    },
    {
      name: "access tokens expired every few seconds (single-use refresh tokens), 3 workers",
      async run({ stack, start }) {
        const expire = setInterval(() => stack.sandbox.faults.expireAccessTokens(), params.num("expireEvery", 2, 5) * 1000);
        const workers = [stack.spawnApp("worker"), stack.spawnApp("worker"), stack.spawnApp("worker")];
        await runLoad({
          url: stack.appUrl,
          connections: 10,
          mode: "rate",
          ratePerSec: Math.max(5, n / 60),
          count: n,
          orders: { start, mix: { newShare: 0.3, seed: 17 } },
          retry: SHOPIFY_RETRY,
        });
        await waitForDrain(stack, n, drainTimeout);
        clearInterval(expire);
        await stopAll(workers);
        const refreshes = stack.sandbox.state.tokenRequests.filter((t) => t.grantType === "refresh_token");
        const refused = refreshes.filter((t) => t.status !== 200).length;
        const [connection] = await stack.query<{ n: string }>("select count(*) as n from freshbooks_connection");
        return {
          orders: range(start, n),
          extra: { refreshes: refreshes.length, refusedRefreshes: refused },
          extraChecks: [
            {
              name: "connection kept (no refused refresh, still connected)",
              target: "0 refused, 1 connection",
              measured: `${refused} refused, ${connection?.n ?? 0} connection`,
              pass: refused === 0 && Number(connection?.n ?? 0) === 1,
            },
          ],
        };
      },
    },
    {
      name: `PostgreSQL stopped for ${outageMs / 1000} s during intake (deliveries retried like Shopify)`,
      async run({ stack, start }) {
        // The supervisor (systemd, an orchestrator): a worker that exits is started again, at
        // once, however often, until the scenario ends.
        const workers: AppProcess[] = [];
        let supervising = true;
        const superviseWorker = () => {
          const worker = stack.spawnApp("worker");
          workers.push(worker);
          void worker.exited.then(() => {
            if (supervising) superviseWorker();
          });
        };
        superviseWorker();
        const rate = 20;
        const count = Math.max(n, Math.ceil(((outageMs + 6000) / 1000) * rate));
        const load = runLoad({
          url: stack.appUrl,
          connections: 50,
          mode: "rate",
          ratePerSec: rate,
          count,
          orders: { start, mix: { newShare: 0.3, seed: 19 } },
          retry: { maxAttempts: 20, baseMs: 1000, maxMs: 4000 },
        });
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const restart = await stack.stopDatabase();
        const stoppedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, outageMs));
        await restart();
        const restartedAt = Date.now();
        const result = await load;
        const survivors = stack.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null).map((p) => p.name);
        try {
          await waitForDrain(stack, count, drainTimeout);
        } finally {
          supervising = false;
          await stopAll(workers);
        }
        const non2xx = result.requests - result.ok;
        return {
          orders: range(start, count),
          extra: {
            load: {
              requests: result.requests,
              statusCounts: result.statusCounts,
              gaveUp: result.gaveUp,
              failureWindow: result.failureWindow,
            },
            outage: { stoppedAt, restartedAt },
            processesAlive: survivors,
            workerRestartsBySupervisor: workers.length - 1,
          },
          extraChecks: [
            {
              name: "webhook answered non-2xx during the outage",
              target: "> 0, none given up",
              measured: `${non2xx} non-2xx (${JSON.stringify(result.statusCounts)}), ${result.gaveUp} given up`,
              pass: non2xx > 0 && result.gaveUp === 0,
            },
          ],
        };
      },
    },
  ];

  const stack = new BenchStack("faults");
  const checks: Check[] = [];
  const metrics: Record<string, unknown> = {};
  try {
    await stack.startDatabase();
    await stack.startSandbox();
    stack.configureApp({ SYNC_RETRY_BASE_MS: "200", FRESHBOOKS_TIMEOUT_MS: "1000" });
    await stack.startServer();
    let start = 1;
    for (const [index, scenario] of scenarios.entries()) {
      if ((only & (1 << index)) === 0) continue;
      process.stderr.write(`[bench]   fault: ${scenario.name}\n`);
      await reset(stack);
      const started = performance.now();
      const startedAt = Date.now();
      let outcome: Awaited<ReturnType<Scenario["run"]>>;
      let result: Audit;
      let waited: Awaited<ReturnType<typeof waits>>;
      try {
        outcome = await scenario.run({ stack, start });
        result = await audit(stack, outcome.orders);
        waited = await waits(stack, startedAt);
      } catch (error) {
        checks.push({
          invariant: true,
          name: `${scenario.name}: runs to the end`,
          target: "runs",
          measured: error instanceof Error ? error.message : String(error),
          pass: false,
        });
        continue;
      }
      start += 100_000;
      metrics[scenario.name] = { ...outcome.extra, ...waited, audit: result, elapsedMs: Math.round(performance.now() - started) };
      process.stderr.write(
        `[bench]     drained in ${(waited.drainMs / 1000).toFixed(1)} s; longest wait ${(waited.longestWaitMs / 1000).toFixed(1)} s\n`,
      );
      checks.push({
        invariant: true,
        name: `${scenario.name}: lost / duplicate invoices / clients / payments`,
        target: "0 / 0 / 0 / 0",
        measured: `${result.lost} / ${result.duplicateInvoices} / ${result.duplicateClients} / ${result.duplicatePayments} (${result.expectedOrders} orders${Object.keys(result.failedReasons).length ? `; failed: ${JSON.stringify(result.failedReasons)}` : ""})`,
        pass: result.lost === 0 && result.duplicateInvoices === 0 && result.duplicateClients === 0 && result.duplicatePayments === 0,
      });
      if (scenario.maxWaitMs !== undefined) {
        checks.push({
          invariant: true,
          name: `${scenario.name}: longest time an order waited`,
          target: `≤ ${scenario.maxWaitMs / 1000} s`,
          measured: `${(waited.longestWaitMs / 1000).toFixed(1)} s (drained in ${(waited.drainMs / 1000).toFixed(1)} s)`,
          pass: waited.longestWaitMs <= scenario.maxWaitMs,
        });
      }
      for (const check of outcome.extraChecks ?? []) checks.push({ ...check, invariant: true, name: `${scenario.name}: ${check.name}` });
    }
  } finally {
    await stack.stop();
  }
  return {
    name: "faults",
    title: "Fault injection",
    settings: { orders: n, burstOrders, kills, outageMs, syncRetryBaseMs: 200, freshbooksTimeoutMs: 1000, workerConcurrency: 5 },
    metrics,
    checks,
    notes: [
      "Lost = an order delivered (2xx) that did not end synced with exactly its invoice in FreshBooks (failed, still queued or without an invoice).",
      "Duplicate invoices include second create attempts for a number FreshBooks already has (the sandbox refuses them with 422; real FreshBooks may not).",
    ],
  };
}

async function stopAll(apps: AppProcess[]): Promise<void> {
  await Promise.all(apps.map((app) => app.stop()));
}
