import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import path from "node:path";
import pg from "pg";
import type { CannonResult } from "./cannon";
import { BENCH_REFERENCE_PORT, ROOT, SHOPIFY_SECRET } from "./lib/config";
import { runCannon, runLoad } from "./lib/load";
import type { LoadResult } from "./loadgen";
import { orderBody } from "./lib/orders";
import type { Params } from "./lib/params";
import type { BenchResult } from "./lib/report";
import { BenchStack } from "./lib/stack";

/** Committed single-row inserts per second of `body`, `connections` at a time (each its own transaction). */
async function rawInsertRate(url: string, connections: number, durationMs: number, body: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  await pool.query(
    "create table if not exists bench_insert (id bigserial primary key, shop text not null, body jsonb not null, at timestamptz not null default now())",
  );
  let done = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          await client.query({
            name: "insert",
            text: "insert into bench_insert (shop, body) values ($1, $2)",
            values: ["bench.myshopify.com", body],
          });
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

async function countOrders(stack: BenchStack, numbers?: { from: number; count: number }): Promise<number> {
  const [row] = numbers
    ? await stack.query<{ n: string }>("select count(*) as n from order_sync where order_number >= $1 and order_number < $2", [
        numbers.from,
        numbers.from + numbers.count,
      ])
    : await stack.query<{ n: string }>("select count(*) as n from order_sync");
  return Number(row?.n ?? 0);
}

/**
 * Waits until the app has recorded every order it received (order_intake empty: docs/decisions/0019),
 * failing only when the backlog stops shrinking for `stallMs`. Returns the backlog when called and how long it took.
 */
async function intakeRecorded(stack: BenchStack, stallMs = 30_000): Promise<{ backlog: number; ms: number }> {
  const waiting = async () => Number((await stack.query<{ n: string }>("select count(*) as n from order_intake"))[0]?.n ?? 0);
  const started = performance.now();
  const backlog = await waiting();
  let left = backlog;
  let movedAt = started;
  while (left > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await waiting();
    if (now < left) movedAt = performance.now();
    else if (performance.now() - movedAt > stallMs) throw new Error(`${now} received orders not recorded: no progress for ${stallMs} ms`);
    left = now;
  }
  return { backlog, ms: Math.round(performance.now() - started) };
}

/** bench/reference-intake.ts on its own port, `processes` of it, with the same pool size as the app's. */
async function startReference(databaseUrl: string, processes: number, poolSize: number): Promise<{ url: string; stop(): Promise<void> }> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(
    "create table if not exists bench_reference_intake (id bigserial primary key, shop text not null, webhook_id text not null, body jsonb not null, received_at timestamptz not null default now(), unique (shop, webhook_id))",
  );
  await setup.end();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/reference-intake.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REFERENCE_PORT: String(BENCH_REFERENCE_PORT),
      REFERENCE_SECRET: SHOPIFY_SECRET,
      REFERENCE_PROCESSES: String(processes),
      REFERENCE_POOL: String(poolSize),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${BENCH_REFERENCE_PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/`, { method: "POST", body: "{}" }).then(
      (r) => r.status === 401,
      () => false,
    );
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("the reference intake did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const WARMUP_CONNECTIONS = 20;

/** None lost: every 2xx stored (more may be: answered after the load generator's timeout or once it stopped counting). */
const noneLost = (run: AppRun) => run.stored >= run.promised;
const storedLine = (run: AppRun) =>
  `${run.stored} stored for ${run.promised} 2xx (the rest: answered after a timeout, or in flight when the load stopped)`;

const describe = (r: CannonResult) => `${r.acceptedPerSec}/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`;

interface AppRun {
  load: CannonResult;
  warmup: CannonResult;
  burst: Omit<LoadResult, "accepted"> & { storedOrders: number; acceptedOrders: number };
  /** Orders stored during this app's runs, the 2xx that promised them, and the requests autocannon left in flight when its time was up (stored, never counted). */
  stored: number;
  promised: number;
  inFlight: number;
  rssPeakMb: number;
  /** Received orders not yet recorded (sync record + job) when the sustained load stopped, and the time until all were. */
  recording: { backlog: number; ms: number };
}

/** One build of the app: started, warmed up, measured at `connections`, then the burst; stopped. */
async function measureApp(
  stack: BenchStack,
  options: { root: string; connections: number; durationSec: number; burstOrders: number; orderBase: number; profile: boolean },
): Promise<AppRun> {
  const storedAtStart = await countOrders(stack);
  const server = await stack.startServer(options.profile ? ["--cpu-prof", "--cpu-prof-dir=.data/bench-prof"] : [], options.root);
  try {
    const warmup = await runCannon({
      url: stack.appUrl,
      connections: WARMUP_CONNECTIONS,
      durationSec: Math.min(3, options.durationSec),
      start: options.orderBase + 1,
    });
    const load = await runCannon({
      url: stack.appUrl,
      connections: options.connections,
      durationSec: options.durationSec,
      start: options.orderBase + 1_000_000,
    });
    // What the recorder had not yet turned into sync records when the load stopped, and how long it took.
    const recording = await intakeRecorded(stack);
    // A flash sale: every delivery at once (each order twice, under two webhook ids, as with two
    // subscriptions), answered within Shopify's 5 s or counted as failed; no retries.
    // The burst's own order numbers only: requests the load run left in flight may still be stored meanwhile.
    const burstNumbers = { from: options.orderBase + 500_000, count: options.burstOrders };
    const { accepted, ...burst } = await runLoad({
      url: stack.appUrl,
      connections: options.burstOrders,
      mode: "count",
      count: options.burstOrders,
      orders: { start: burstNumbers.from },
      copies: { total: 2, sameId: 0 },
      timeoutMs: 5000,
      recordAccepted: true,
    });
    await intakeRecorded(stack);
    const storedOrders = await countOrders(stack, burstNumbers);
    const acceptedOrders = new Set((accepted ?? []).map(([n]) => n)).size;
    return {
      load,
      warmup,
      burst: { ...burst, storedOrders, acceptedOrders },
      stored: (await countOrders(stack)) - storedAtStart,
      promised: warmup.ok + load.ok + acceptedOrders,
      inFlight: WARMUP_CONNECTIONS + options.connections,
      rssPeakMb: server.rssPeakMb,
      recording,
    };
  } finally {
    await server.stop();
  }
}

const burstLine = (burst: AppRun["burst"]) =>
  `${burst.ok} of ${burst.requests} = ${((burst.ok / burst.requests) * 100).toFixed(1)} % (${Object.entries(burst.statusCounts)
    .map(([status, n]) => `${n}× ${status}`)
    .join(", ")}); p50 ${burst.latency.p50} ms, p99 ${burst.latency.p99} ms, all answered in ${Math.round(burst.elapsedMs)} ms`;

/**
 * 1. Webhook intake of the production build under 200 concurrent connections, as a share of a
 * minimal reference intake measured in the same run (same bodies, database and load generator),
 * and a burst of 640 deliveries at once. With BENCH_BEFORE_ROOT (a checkout of an earlier commit,
 * built), that build is measured in the same run too, between the reference and this one.
 */
export async function intakeBench(params: Params): Promise<BenchResult> {
  const connections = params.num("connections", 50, 200);
  const durationSec = params.num("duration", 3, 30);
  const processes = params.num("webConcurrency", 2, availableParallelism());
  const poolSize = params.num("poolSize", 10, 10);
  const burstOrders = params.num("burstOrders", 32, 320);
  const profile = params.num("cpuProf", 0, 0) === 1;
  const beforeRoot = process.env.BENCH_BEFORE_ROOT;
  const stack = new BenchStack("intake");
  try {
    await stack.startDatabase();
    stack.configureApp({ DATABASE_POOL_SIZE: String(poolSize), WEB_CONCURRENCY: String(processes) });
    const order = orderBody(1, 1);
    const insertTiny = await rawInsertRate(stack.databaseUrl, poolSize, Math.min(durationSec, 5) * 1000, '{"id":1}');
    const insertOrder = await rawInsertRate(stack.databaseUrl, poolSize, Math.min(durationSec, 5) * 1000, order);

    // The reference first (warm-up, then measured), then each build of the app.
    const reference = await startReference(stack.databaseUrl, processes, poolSize);
    let referenceRun: CannonResult;
    try {
      await runCannon({ url: reference.url, connections: 20, durationSec: Math.min(3, durationSec), start: 20_000_000 });
      referenceRun = await runCannon({ url: reference.url, connections, durationSec, start: 30_000_000 });
    } finally {
      await reference.stop();
    }
    const before = beforeRoot
      ? await measureApp(stack, {
          root: path.resolve(beforeRoot),
          connections,
          durationSec,
          burstOrders,
          orderBase: 40_000_000,
          profile: false,
        })
      : undefined;
    const app = await measureApp(stack, { root: ROOT, connections, durationSec, burstOrders, orderBase: 0, profile });
    const { load, burst } = app;
    const burstShare = burst.ok / burst.requests;
    // autocannon counts a request that timed out (10 s) as an error, not in `requests`.
    const errors = load.non2xx + load.errors;
    const share = load.acceptedPerSec / referenceRun.acceptedPerSec;
    const p99Ratio = load.latency.p99 / referenceRun.latency.p99;
    const versus = (run: CannonResult) =>
      `${((run.acceptedPerSec / referenceRun.acceptedPerSec) * 100).toFixed(1)} % of the reference's throughput, p99 ${(run.latency.p99 / referenceRun.latency.p99).toFixed(2)}×`;
    return {
      name: "intake",
      title: "1. Webhook intake (production build) against a minimal reference intake",
      settings: {
        connections,
        durationSec,
        webProcesses: processes,
        referenceProcesses: processes,
        burstDeliveries: burstOrders * 2,
        serverPoolSize: poolSize,
        logLevel: "warn",
        loadGenerator: "autocannon 9.0.0 (burst: bench/loadgen.ts)",
        before: beforeRoot ?? null,
      },
      metrics: {
        app,
        reference: referenceRun,
        before: before ?? null,
        rawInsertsPerSecTinyRow: insertTiny,
        rawInsertsPerSecOrderPayload: insertOrder,
        orderPayloadBytes: Buffer.byteLength(order),
      },
      checks: [
        {
          name: `intake throughput / reference (${connections} connections)`,
          target: "≥ 50 %",
          measured: `${load.acceptedPerSec}/s ÷ ${referenceRun.acceptedPerSec}/s = ${(share * 100).toFixed(1)} %`,
          pass: share >= 0.5,
        },
        {
          name: "intake p99 / reference p99",
          target: "≤ 2×",
          measured: `app ${describe(load)}; reference ${describe(referenceRun)}; p99 ${p99Ratio.toFixed(2)}×`,
          pass: p99Ratio <= 2,
        },
        {
          name: "orders recorded after the load (sync record + job, in batches: docs/decisions/0019)",
          target: "(reported)",
          measured: `${app.recording.backlog} received orders waiting when the load stopped, all recorded ${app.recording.ms} ms later`,
          pass: true,
        },
        {
          name: "raw inserts for context (pool connections)",
          target: "(reported)",
          measured: `${insertTiny}/s tiny row, ${insertOrder}/s ${Math.round(Buffer.byteLength(order) / 1024)} KB order payload`,
          pass: true,
        },
        {
          invariant: true,
          name: "errors",
          target: "0",
          measured: `${errors} (${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts)`,
          pass: errors === 0,
        },
        {
          name: `burst: ${burst.requests} deliveries at once answered 200 within 5 s`,
          target: "≥ 99 %",
          measured: burstLine(burst),
          pass: burstShare >= 0.99,
        },
        {
          invariant: true,
          name: "burst: accepted orders stored (none lost), each once",
          target: `≥ ${burst.acceptedOrders} (orders with a 2xx; a delivery answered after the 5 s timeout is stored too), ≤ ${burstOrders}`,
          measured: String(burst.storedOrders),
          pass: burst.storedOrders >= burst.acceptedOrders && burst.storedOrders <= burstOrders,
        },
        {
          invariant: true,
          name: "accepted deliveries stored (none lost)",
          target: "every 2xx (the burst's per order)",
          measured: storedLine(app),
          pass: noneLost(app),
        },
        ...(before
          ? [
              {
                name: "before (BENCH_BEFORE_ROOT), same run",
                target: "(reported)",
                measured: `${describe(before.load)} = ${versus(before.load)}; burst ${burstLine(before.burst)}`,
                pass: true,
              },
              {
                invariant: true,
                name: "before: accepted deliveries stored (none lost)",
                target: "every 2xx",
                measured: storedLine(before),
                pass: noneLost(before),
              },
            ]
          : []),
      ],
      notes: [
        "Reference: bench/reference-intake.ts, Node's http server in as many processes as the app's web processes, hand-written HMAC check of the raw body, JSON.parse, one prepared insert; same bodies, database and load generator (autocannon, in its own process), measured just before the app.",
        "Each accepted webhook of the app is one transaction: the webhook_delivery row and a small order_intake row, after the library's HMAC verification, JSON parsing and the order's schema check; the process' intake recorder then turns the received orders into order_sync rows and their jobs in batches (one add_jobs each), during the load. 'Stored' counts order_sync rows once every received order is recorded.",
        "Burst: after the sustained run, every delivery of `burstOrders` orders (each twice, two webhook ids) sent at once on its own connection, 5 s timeout (Shopify's), no retries (bench/loadgen.ts: it records which orders got a 200).",
        "Raw insert rate: single-row autocommit inserts into a scratch table on the same server, with as many connections as the web process' pool.",
      ],
    };
  } finally {
    await stack.stop();
  }
}
