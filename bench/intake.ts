import pg from "pg";
import { runLoad } from "./lib/load";
import type { Params } from "./lib/params";
import type { BenchResult } from "./lib/report";
import { BenchStack } from "./lib/stack";

/** Committed single-row inserts per second, `connections` at a time (each its own transaction). */
async function rawInsertRate(url: string, connections: number, durationMs: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  await pool.query("create table if not exists bench_insert (id bigserial primary key, shop text not null, body jsonb not null, at timestamptz not null default now())");
  let done = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          await client.query("insert into bench_insert (shop, body) values ($1, $2)", ["bench.myshopify.com", '{"id":1}']);
          done += 1;
        }
      } finally {
        client.release();
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  await pool.end();
  return Math.round(rate);
}

async function countOrders(stack: BenchStack): Promise<number> {
  const [row] = await stack.query<{ n: string }>("select count(*) as n from order_sync");
  return Number(row?.n ?? 0);
}

/** 1. Webhook intake of the production build under 200 concurrent connections, and a burst. */
export async function intakeBench(params: Params): Promise<BenchResult> {
  const connections = params.num("connections", 50, 200);
  const durationMs = params.num("duration", 3, 30) * 1000;
  const poolSize = 10;
  const stack = new BenchStack("intake");
  try {
    await stack.startDatabase();
    stack.configureApp({ DATABASE_POOL_SIZE: String(poolSize) });
    const profile = params.num("cpuProf", 0, 0) === 1;
    const server = await stack.startServer(profile ? ["--cpu-prof", "--cpu-prof-dir=.data/bench-prof"] : []);
    const insertPool = await rawInsertRate(stack.databaseUrl, poolSize, Math.min(durationMs, 10_000));
    const insertSingle = await rawInsertRate(stack.databaseUrl, 1, Math.min(durationMs, 5_000));
    const warmup = await runLoad({ url: stack.appUrl, connections: 20, mode: "duration", durationMs: Math.min(3000, durationMs), orders: { start: 1 } });
    // A flash sale: every delivery at once (each order twice, under two webhook ids, as with two
    // subscriptions), answered within Shopify's 5 s or counted as failed; no retries.
    const burstOrders = params.num("burstOrders", 32, 320);
    const storedBefore = await countOrders(stack);
    const burst = await runLoad({
      url: stack.appUrl,
      connections: burstOrders,
      mode: "count",
      count: burstOrders,
      orders: { start: 500_000 },
      copies: { total: 2, sameId: 0 },
      timeoutMs: 5000,
      recordAccepted: true,
    });
    const burstStored = (await countOrders(stack)) - storedBefore;
    const burstAcceptedOrders = new Set((burst.accepted ?? []).map(([n]) => n)).size;
    const burstShare = burst.ok / burst.requests;
    const load = await runLoad({ url: stack.appUrl, connections, mode: "duration", durationMs, orders: { start: 1_000_000 } });
    const errors = load.requests - load.ok;
    const share = load.acceptedPerSec / insertPool;
    const [stored] = await stack.query<{ n: string }>("select count(*) as n from order_sync");
    return {
      name: "intake",
      title: "1. Webhook intake (production build)",
      settings: { connections, durationMs, burstDeliveries: burstOrders * 2, serverPoolSize: poolSize, logLevel: "warn", insertConnections: poolSize },
      metrics: { load, burst: { ...burst, accepted: undefined, storedOrders: burstStored, acceptedOrders: burstAcceptedOrders }, rawInsertsPerSecPool: insertPool, rawInsertsPerSecOneConnection: insertSingle, ordersStored: Number(stored?.n ?? 0), serverRssPeakMb: server.rssPeakMb },
      checks: [
        { name: "intake / raw single-row inserts", target: "≥ 50 %", measured: `${load.acceptedPerSec}/s ÷ ${insertPool}/s = ${(share * 100).toFixed(1)} %`, pass: share >= 0.5 },
        { name: "p99 latency", target: "≤ 50 ms", measured: `p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms`, pass: load.latency.p99 <= 50 },
        { invariant: true, name: "errors", target: "0", measured: String(errors), pass: errors === 0 },
        {
          name: `burst: ${burst.requests} deliveries at once answered 200 within 5 s`,
          target: "≥ 99 %",
          measured: `${burst.ok} of ${burst.requests} = ${(burstShare * 100).toFixed(1)} % (${Object.entries(burst.statusCounts).map(([status, n]) => `${n}× ${status}`).join(", ")}); p50 ${burst.latency.p50} ms, p99 ${burst.latency.p99} ms, all answered in ${Math.round(burst.elapsedMs)} ms`,
          pass: burstShare >= 0.99,
        },
        {
          invariant: true,
          name: "burst: accepted orders stored (none lost), each once",
          target: `${burstAcceptedOrders} (orders with a 2xx)`,
          measured: String(burstStored),
          pass: burstStored === burstAcceptedOrders,
        },
        {
          invariant: true,
          name: "accepted deliveries stored (none lost)",
          target: `${warmup.ok + load.ok + burstAcceptedOrders} (every 2xx; the burst's per order)`,
          measured: String(Number(stored?.n ?? 0)),
          pass: Number(stored?.n ?? 0) === warmup.ok + load.ok + burstAcceptedOrders,
        },
      ],
      notes: [
        "Burst: after the warm-up, every delivery of `burstOrders` orders (each twice, two webhook ids) sent at once on its own connection, 5 s timeout (Shopify's), no retries.",
        "Raw insert rate: single-row autocommit inserts into a scratch table on the same server, with as many connections as the web process' pool.",
        "Each accepted webhook is one transaction: webhook_delivery + order_sync inserts and graphile_worker.add_job, after HMAC verification and JSON parsing.",
      ],
    };
  } finally {
    await stack.stop();
  }
}
