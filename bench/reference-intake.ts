/**
 * The intake bench's yardstick (bench-only, never part of the app): the least an HTTP webhook
 * intake can do on this machine. Node's own http server, one process per `REFERENCE_PROCESSES`
 * (cluster, same port): read the raw body, check its HMAC (a hand-written check: this is a
 * yardstick, the app uses the library's), parse the JSON, insert it in one statement, answer 200.
 * Started by bench/intake.ts on the same database, measured with the same load generator and
 * the same bodies as the app.
 */
import cluster from "node:cluster";
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import pg from "pg";

const port = Number(process.env.REFERENCE_PORT);
const secret = process.env.REFERENCE_SECRET ?? "";
const processes = Number(process.env.REFERENCE_PROCESSES ?? 1);

if (cluster.isPrimary && processes > 1) {
  for (let i = 0; i < processes; i += 1) cluster.fork();
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.REFERENCE_POOL ?? 10) });
  const insert = "insert into bench_reference_intake (shop, webhook_id, body) values ($1, $2, $3) on conflict do nothing";
  http
    .createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
        const expected = createHmac("sha256", secret).update(body).digest();
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
        let text: string;
        try {
          text = JSON.stringify(JSON.parse(body.toString("utf8")));
        } catch {
          return void res.writeHead(400).end();
        }
        pool
          .query({
            name: "insert",
            text: insert,
            values: [req.headers["x-shopify-shop-domain"], req.headers["x-shopify-webhook-id"], text],
          })
          .then(
            () => res.writeHead(200).end(),
            () => res.writeHead(503).end(),
          );
      });
    })
    .listen(port, () => process.send?.("listening"));
  process.on("SIGTERM", () => void pool.end().finally(() => process.exit(0)));
}
