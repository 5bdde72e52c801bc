import http from "node:http";
import { availableParallelism } from "node:os";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { webProcesses } from "../app/bin/web-server.server";
import { serveWebhook } from "../app/entry.server";
import { intakeGate } from "../app/webhooks/gate.server";
import { forgetInstallation, isInstalled } from "../app/webhooks/installation.server";
import { MAX_WEBHOOK_BYTES } from "../app/webhooks/intake.server";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { ensureInstalled } from "./helpers/sync";
import { received } from "./helpers/intake";

/**
 * The hot path as the web server runs it: a Node HTTP server whose requests go first to
 * serveWebhook (exported by the Remix build's entry), the rest to "Remix" (here a 404 stand-in
 * that says it was reached).
 */
let server: http.Server;
let base: string;

beforeAll(async () => {
  await ensureInstalled();
  server = http.createServer((req, res) => {
    if (serveWebhook(req, res)) return;
    res.writeHead(404, { "x-reached": "remix" }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A delivery as Shopify sends it, over HTTP to the test server. */
async function post(options: Parameters<typeof webhookRequest>[0], path = `/webhooks/${options.topic}`): Promise<Response> {
  const request = webhookRequest(options);
  return received(fetch(`${base}${path}`, { method: "POST", headers: request.headers, body: await request.text() }));
}

describe("the webhook hot path (before Remix)", () => {
  it("stores an order (delivery, sync record, one job) and answers 200 after the commit; the same delivery again is absorbed", async () => {
    const order = usOrder(61_001);
    const first = await post({ topic: "orders/create", body: order, webhookId: "wh-hot-1" });
    expect(first.status).toBe(200);
    const again = await post({ topic: "orders/create", body: order, webhookId: "wh-hot-1" });
    expect(again.status).toBe(200);
    const other = await post({ topic: "orders/create", body: order, webhookId: "wh-hot-2" });
    expect(other.status).toBe(200);
    const orderId = String(order.id);
    expect(await prisma.orderSync.count({ where: { shop: TEST_SHOP, orderId } })).toBe(1);
    expect(await prisma.webhookDelivery.count({ where: { shop: TEST_SHOP, orderId } })).toBe(2);
    const jobs = await prisma.$queryRaw<
      { n: bigint }[]
    >`select count(*) as n from graphile_worker.jobs where key = ${`sync-order:${TEST_SHOP}:${orderId}`}`;
    expect(Number(jobs[0]?.n)).toBe(1);
  });

  it("refuses a forgery 401 and a signed body sent to another topic's address 400, storing nothing", async () => {
    const order = usOrder(61_002);
    expect((await post({ topic: "orders/create", body: order, webhookId: "wh-hot-forged", secret: "not-the-app-secret" })).status).toBe(
      401,
    );
    expect(
      (await post({ topic: "orders/create", body: order, webhookId: "wh-hot-misdirected" }, "/webhooks/customers/redact")).status,
    ).toBe(400);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
  });

  it("refuses a signed body that is not JSON with 400 and keeps it as a rejected delivery", async () => {
    const response = await post({ topic: "orders/create", body: "{not json", webhookId: "wh-hot-not-json" });
    expect(response.status).toBe(400);
    expect(await prisma.rejectedDelivery.count({ where: { webhookId: "wh-hot-not-json" } })).toBe(1);
  });

  it("answers 413 to a body over the cap without reading it", async () => {
    const response = await fetch(`${base}/webhooks/orders/create`, {
      method: "POST",
      headers: { "content-length": String(MAX_WEBHOOK_BYTES + 1) },
      body: "x".repeat(16),
      duplex: "half",
    } as RequestInit).catch(() => null);
    // Either the 413 or, if the client noticed the short body first, no answer at all; never a 200.
    if (response) expect(response.status).toBe(413);
    const big = "x".repeat(MAX_WEBHOOK_BYTES + 1);
    expect((await fetch(`${base}/webhooks/orders/create`, { method: "POST", body: big })).status).toBe(413);
  });

  it("leaves everything else to Remix: other paths, other methods", async () => {
    expect((await fetch(`${base}/webhooks/orders/create`)).headers.get("x-reached")).toBe("remix");
    expect((await post({ topic: "orders/unknown", body: {} })).headers.get("x-reached")).toBe("remix");
    expect((await fetch(`${base}/app`, { method: "POST", body: "{}" })).headers.get("x-reached")).toBe("remix");
  });

  it("drops (200, nothing stored) an order of a shop where the app is not installed", async () => {
    const order = usOrder(61_003);
    const response = await post({
      topic: "orders/create",
      body: order,
      webhookId: "wh-hot-not-installed",
      shop: "not-installed.myshopify.com",
    });
    expect(response.status).toBe(200);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
  });
});

describe("a burst through the hot path", () => {
  it("answers every delivery of a burst 20× the gate 200 (each order twice, two webhook ids) and stores each order once", async () => {
    const orders = Array.from({ length: intakeGate().limit * 10 }, (_, i) => usOrder(62_000 + i));
    const responses = await Promise.all(
      orders.flatMap((order, i) =>
        [0, 1].map((copy) => post({ topic: "orders/create", body: order, webhookId: `wh-hot-burst-${i}-${copy}` })),
      ),
    );
    expect(responses.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
    expect(await prisma.orderSync.count({ where: { orderId: { in: orders.map((o) => String(o.id)) } } })).toBe(orders.length);
    expect(await prisma.webhookDelivery.count({ where: { orderId: { in: orders.map((o) => String(o.id)) } } })).toBe(orders.length * 2);
    expect(intakeGate().load).toEqual({ active: 0, waiting: 0 });
  });
});

describe("the installation cache", () => {
  const shop = "cache-test.myshopify.com";

  it("remembers a yes for its TTL, never a no, and forgets a shop on uninstall", async () => {
    await prisma.session.deleteMany({ where: { shop } });
    expect(await isInstalled(shop, { ttlMs: 60_000 })).toBe(false);
    await ensureInstalled(shop);
    expect(await isInstalled(shop, { ttlMs: 60_000 })).toBe(true); // the no was not remembered
    await prisma.session.deleteMany({ where: { shop } });
    expect(await isInstalled(shop, { ttlMs: 60_000 })).toBe(true); // the yes is, without a query
    expect(await isInstalled(shop, { ttlMs: 60_000, now: performance.now() + 61_000 })).toBe(false); // once the TTL is over
    await ensureInstalled(shop);
    expect(await isInstalled(shop, { ttlMs: 60_000 })).toBe(true);
    await prisma.session.deleteMany({ where: { shop } });
    forgetInstallation(shop);
    expect(await isInstalled(shop, { ttlMs: 60_000 })).toBe(false);
  });
});

describe("web processes", () => {
  it("WEB_CONCURRENCY when set; else one per core in production, one in development, tests, with the worker in the web process or routes mounted", () => {
    expect(webProcesses({ NODE_ENV: "production", WEB_CONCURRENCY: 3, RUN_WORKER_IN_WEB: false })).toBe(3);
    expect(webProcesses({ NODE_ENV: "production", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: false })).toBeGreaterThanOrEqual(1);
    expect(webProcesses({ NODE_ENV: "production", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: false })).toBe(availableParallelism());
    expect(webProcesses({ NODE_ENV: "test", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: false })).toBe(1);
    expect(webProcesses({ NODE_ENV: "development", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: false })).toBe(1);
    expect(webProcesses({ NODE_ENV: "production", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: true })).toBe(1);
    expect(webProcesses({ NODE_ENV: "production", WEB_CONCURRENCY: undefined, RUN_WORKER_IN_WEB: false }, true)).toBe(1);
  });
});
