/**
 * The load generator, run as its own process (so it never shares a CPU budget with the code it
 * measures): signed orders/create deliveries over keep-alive HTTP connections. Configured by the
 * JSON in BENCH_LOADGEN; prints one line `RESULT {json}` when done.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { customerPicker, orderBody, signedHeaders, type OrderSource } from "./lib/orders";
import { summarize, type Summary } from "./lib/stats";

export interface LoadConfig {
  url: string;
  shop: string;
  secret: string;
  connections: number;
  orders: OrderSource;
  /** duration: closed loop for durationMs; count: `count` orders as fast as allowed; rate: `count` orders at ratePerSec. */
  mode: "duration" | "count" | "rate";
  durationMs?: number;
  count?: number;
  ratePerSec?: number;
  /** Deliveries per order, sent at once; `sameId` of them share one webhook id, the rest get their own. */
  copies?: { total: number; sameId: number };
  /** Retry like Shopify (non-2xx, timeout or network error), with the same webhook id. */
  retry?: { maxAttempts: number; baseMs: number; maxMs: number };
  /** Shopify gives up on an answer after 5 s. */
  timeoutMs?: number;
  recordAccepted?: boolean;
}

export interface LoadResult {
  orders: number;
  requests: number;
  ok: number;
  statusCounts: Record<string, number>;
  networkErrors: number;
  retries: number;
  gaveUp: number;
  latency: Summary;
  elapsedMs: number;
  acceptedPerSec: number;
  /** Epoch ms of the first and last non-2xx/failed request. */
  failureWindow: { first: number; last: number } | null;
  accepted?: Array<[number, number]>;
}

type Outcome = { status: number | null; ms: number };

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_LOADGEN ?? "{}") as LoadConfig;
  const target = new URL("/webhooks/orders/create", config.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.connections * (config.copies?.total ?? 1) });
  const customerOf = customerPicker(config.orders);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const accepted: Array<[number, number]> = [];
  let requests = 0;
  let ok = 0;
  let networkErrors = 0;
  let retries = 0;
  let gaveUp = 0;
  let failureWindow: { first: number; last: number } | null = null;

  const post = (body: string, webhookId: string): Promise<Outcome> =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = http.request(
        target,
        { method: "POST", agent, headers: signedHeaders(body, config.shop, config.secret, webhookId) },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
          res.on("error", () => resolve({ status: null, ms: performance.now() - started }));
        },
      );
      req.setTimeout(config.timeoutMs ?? 5000, () => req.destroy(new Error("timeout")));
      req.on("error", () => resolve({ status: null, ms: performance.now() - started }));
      req.end(body);
    });

  const deliver = async (n: number, body: string, webhookId: string): Promise<boolean> => {
    const maxAttempts = config.retry?.maxAttempts ?? 1;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      if (attempt > 0) {
        retries += 1;
        const wait = Math.min(config.retry?.maxMs ?? 0, (config.retry?.baseMs ?? 0) * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const outcome = await post(body, webhookId);
      requests += 1;
      latencies.push(outcome.ms);
      const key = outcome.status === null ? "error" : String(outcome.status);
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
        ok += 1;
        if (config.recordAccepted) accepted.push([n, Date.now()]);
        return true;
      }
      if (outcome.status === null) networkErrors += 1;
      const now = Date.now();
      failureWindow = failureWindow ? { first: failureWindow.first, last: now } : { first: now, last: now };
    }
    gaveUp += 1;
    return false;
  };

  const deliverOrder = async (n: number): Promise<void> => {
    const body = orderBody(n, customerOf(n));
    const copies = config.copies ?? { total: 1, sameId: 1 };
    const shared = randomUUID();
    await Promise.all(Array.from({ length: copies.total }, (_, i) => deliver(n, body, i < copies.sameId ? shared : randomUUID())));
  };

  const started = performance.now();
  let next = config.orders.start;
  let orders = 0;
  if (config.mode === "duration") {
    const deadline = started + (config.durationMs ?? 10_000);
    await Promise.all(
      Array.from({ length: config.connections }, async () => {
        while (performance.now() < deadline) {
          const n = next++;
          orders += 1;
          await deliverOrder(n);
        }
      }),
    );
  } else if (config.mode === "count") {
    const last = config.orders.start + (config.count ?? 0);
    await Promise.all(
      Array.from({ length: config.connections }, async () => {
        while (next < last) {
          const n = next++;
          orders += 1;
          await deliverOrder(n);
        }
      }),
    );
  } else {
    const interval = 1000 / (config.ratePerSec ?? 1);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < (config.count ?? 0); i += 1) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      orders += 1;
      pending.push(deliverOrder(next++));
    }
    await Promise.all(pending);
  }
  const elapsedMs = performance.now() - started;
  agent.destroy();
  const result: LoadResult = {
    orders,
    requests,
    ok,
    statusCounts,
    networkErrors,
    retries,
    gaveUp,
    latency: summarize(latencies),
    elapsedMs: Math.round(elapsedMs),
    acceptedPerSec: Math.round((ok / elapsedMs) * 1000 * 10) / 10,
    failureWindow,
    ...(config.recordAccepted ? { accepted } : {}),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

await main();
