/**
 * The intake bench's load generator: autocannon (a maintained HTTP benchmarking tool), run in its
 * own process so that it never shares an event loop with what it measures. Each request is a
 * signed orders/create delivery of its own order (autocannon's `setupRequest` builds the body and
 * its HMAC per request). Configured by the JSON in BENCH_CANNON; prints `RESULT {json}`.
 */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { orderBody, signedHeaders } from "./lib/orders";

export interface CannonConfig {
  url: string;
  shop: string;
  secret: string;
  connections: number;
  durationSec: number;
  /** The first order number; each request takes the next. */
  start: number;
}

export interface CannonResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers per second over the run. */
  acceptedPerSec: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  durationSec: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_CANNON ?? "{}") as CannonConfig;
  let next = config.start;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.durationSec,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: "/webhooks/orders/create",
        setupRequest: (request) => {
          const n = next++;
          const body = orderBody(n, n);
          // autocannon writes the content-length itself (a second one makes Node refuse the request).
          const { "content-length": _length, ...headers } = signedHeaders(body, config.shop, config.secret, randomUUID());
          return { ...request, method: "POST", path: "/webhooks/orders/create", body, headers };
        },
      },
    ],
  });
  const ok = result["2xx"];
  const summary: CannonResult = {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    acceptedPerSec: Math.round((ok / result.duration) * 10) / 10,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    durationSec: result.duration,
  };
  process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
}

await main();
