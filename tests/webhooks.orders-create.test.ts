import { beforeEach, describe, expect, it, vi } from "vitest";
import prisma, { pool } from "../app/db.server";
import { orderIntakeSchema, recordOrderDelivery, syncJobKey } from "../app/models/order-sync.server";
import { IntakeRecorder, startIntakeSweep } from "../app/webhooks/order-intake.server";
import { action } from "../app/routes/webhooks.orders.create";
import { loader as syncLogLoader } from "../app/routes/app._index";
import { rejectedMessage } from "../app/components/SyncLogBanners";
import { TEST_SHOPIFY } from "./test-env";
import { MAX_WEBHOOK_BYTES } from "../app/webhooks/intake.server";
import { usOrder } from "./helpers/orders";
import { ensureInstalled } from "./helpers/sync";
import { routeArgs, sessionToken, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { received } from "./helpers/intake";

type Job = { key: string | null; payload: { shop: string; orderId: string } };
const jobs = () =>
  prisma.$queryRaw<Job[]>`select j.key, j.payload from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'sync-order'`;

function deliver(order: object, webhookId?: string, secret?: string) {
  return received(
    settle(() => action(routeArgs(webhookRequest({ topic: "orders/create", body: order, webhookId, secret })))) as Promise<Response>,
  );
}

describe("orders/create intake", () => {
  beforeEach(() => ensureInstalled());

  it("stores the delivery and the order, queues exactly one sync job, then answers 200", async () => {
    const order = usOrder(1001);
    const response = await deliver(order, "wh-1001");

    expect(response.status).toBe(200);
    const stored = await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(order.id) } } });
    expect(stored).toMatchObject({ status: "queued", orderName: "#1001", totalPrice: "49.10", currency: "USD" });
    expect(await jobs()).toEqual([
      { key: syncJobKey(TEST_SHOP, String(order.id)), payload: { shop: TEST_SHOP, orderId: String(order.id) } },
    ]);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1001" } })).toBe(1);
  });

  it("absorbs the same delivery sent three times at once", async () => {
    const order = usOrder(1002);
    const responses = await Promise.all([1, 2, 3].map(() => deliver(order, "wh-1002")));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1002" } })).toBe(1);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1);
    expect((await jobs()).filter((job) => job.payload.orderId === String(order.id))).toHaveLength(1);
  });

  it("absorbs the same order arriving under two webhook ids", async () => {
    const order = usOrder(1003);
    await Promise.all([deliver(order, "wh-1003-a"), deliver(order, "wh-1003-b")]);

    expect(await prisma.webhookDelivery.count({ where: { webhookId: { in: ["wh-1003-a", "wh-1003-b"] } } })).toBe(2);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1);
    expect((await jobs()).filter((job) => job.payload.orderId === String(order.id))).toHaveLength(1);
  });

  it("refuses a forged delivery with 401 and stores nothing", async () => {
    const order = usOrder(1004);
    const response = await deliver(order, "wh-1004", "forged-secret");
    expect(response.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1004" } })).toBe(0);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
  });

  it("answers 413 to a body over the size limit, before reading it", async () => {
    const request = webhookRequest({ topic: "orders/create", body: usOrder(1005) });
    const oversized = new Request(request.url, {
      method: "POST",
      headers: { ...Object.fromEntries(request.headers), "Content-Length": String(MAX_WEBHOOK_BYTES + 1) },
      body: await request.text(),
    });
    const response = (await settle(() => action(routeArgs(oversized)))) as Response;
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("Payload too large");
  });

  it("answers 413 to a body without a declared length (chunked) once it passes the limit, reading no further", async () => {
    const order = usOrder(1007);
    const request = webhookRequest({ topic: "orders/create", body: order });
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const chunked = new Request(request.url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
    const response = (await settle(() => action(routeArgs(chunked)))) as Response;
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(MAX_WEBHOOK_BYTES + 4 * chunk.byteLength);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
  });

  it("accepts a correctly signed delivery sent without a declared length (chunked)", async () => {
    const order = usOrder(1008);
    const request = webhookRequest({ topic: "orders/create", body: order, webhookId: "wh-1008" });
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    const text = await request.text();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
    const chunked = new Request(request.url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
    const response = (await received(settle(() => action(routeArgs(chunked))))) as Response;
    expect(response.status).toBe(200);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1);
  });

  it("answers 503 when the database cannot take the order, so Shopify retries; nothing half-stored", async () => {
    const order = usOrder(1006);
    await prisma.$executeRawUnsafe(`alter table order_intake rename to order_intake_away`);
    let response: Response;
    try {
      response = await deliver(order, "wh-1006");
    } finally {
      await prisma.$executeRawUnsafe(`alter table order_intake_away rename to order_intake`);
    }
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("10");
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1006" } })).toBe(0);

    const retried = await deliver(order, "wh-1006");
    expect(retried.status).toBe(200);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1);
  });

  it("an order answered 200 while its sync record cannot be written waits, then is recorded once, with one job", async () => {
    const order = usOrder(1031);
    await prisma.$executeRawUnsafe(`alter table order_sync rename to order_sync_away`);
    let response: Response;
    try {
      response = await deliver(order, "wh-1031");
      // Stored and promised: the delivery and its received order wait for the recorder.
      expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1031" } })).toBe(1);
      expect(await prisma.orderIntake.count({ where: { orderId: String(order.id) } })).toBe(1);
    } finally {
      await prisma.$executeRawUnsafe(`alter table order_sync_away rename to order_sync`);
    }
    expect(response.status).toBe(200);
    // The recorder tries again by itself a second later.
    await vi.waitFor(async () => expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1), {
      timeout: 30_000,
      interval: 100,
    });
    expect(await prisma.orderIntake.count({ where: { orderId: String(order.id) } })).toBe(0);
    expect((await jobs()).filter((job) => job.payload.orderId === String(order.id))).toHaveLength(1);
  });

  it("the worker records an order a web process stored but died before recording", async () => {
    const order = usOrder(1032);
    const parsed = orderIntakeSchema.parse(order);
    // What the hot path stores, without its recorder's batch (the process died after the 200).
    const body = JSON.stringify(order);
    expect(
      await recordOrderDelivery(pool, { shop: TEST_SHOP, webhookId: "wh-1032", topic: "ORDERS_CREATE", payloadJson: body }, parsed),
    ).toBe("received");
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
    // The worker leaves a received order to its web process for INTAKE_MAX_DEFER_MS + 5 s; here 300 ms.
    const sweep = startIntakeSweep(pool, 50, 300);
    try {
      await vi.waitFor(async () => expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(1), {
        timeout: 30_000,
        interval: 50,
      });
    } finally {
      await sweep.stop();
    }
    const stored = await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(order.id) } } });
    expect(stored).toMatchObject({ status: "queued", orderName: "#1032", currency: "USD" });
    expect(await prisma.orderIntake.count({ where: { orderId: String(order.id) } })).toBe(0);
    expect((await jobs()).filter((job) => job.payload.orderId === String(order.id))).toHaveLength(1);
  });

  it("while deliveries queue for the database, received orders are recorded after them (at most the longest deferral later, at once when the workers run short)", async () => {
    const receive = async (n: number) => {
      const order = usOrder(n);
      const stored = await recordOrderDelivery(
        pool,
        { shop: TEST_SHOP, webhookId: `wh-${n}`, topic: "ORDERS_CREATE", payloadJson: JSON.stringify(order) },
        orderIntakeSchema.parse(order),
      );
      expect(stored).toBe("received");
      return String(order.id);
    };
    const recorded = (orderId: string) => prisma.orderSync.count({ where: { orderId } });

    let busy = true;
    const deferring = new IntakeRecorder(pool, { busy: () => busy, maxDeferMs: 600_000 });
    const first = await receive(1033);
    deferring.kick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await recorded(first)).toBe(0); // the database serves the deliveries first
    busy = false;
    await deferring.idle();
    expect(await recorded(first)).toBe(1);

    // However long the queue lasts, an order waits no longer than the deferral allows.
    const capped = new IntakeRecorder(pool, { busy: () => true, maxDeferMs: 200 });
    const second = await receive(1034);
    const kickedAt = performance.now();
    capped.kick();
    await capped.idle();
    expect(performance.now() - kickedAt).toBeGreaterThanOrEqual(190);
    expect(await recorded(second)).toBe(1);
    // Workers running out of orders to sync get them, deliveries queueing or not.
    const feeding = new IntakeRecorder(pool, { busy: () => true, maxDeferMs: 600_000, starving: () => Promise.resolve(true) });
    const third = await receive(1035);
    feeding.kick();
    await feeding.idle();
    expect(await recorded(third)).toBe(1);
    expect((await jobs()).filter((job) => [first, second, third].includes(job.payload.orderId))).toHaveLength(3);
  });

  it("answers 503 when the database cannot even be asked for the shop's session", async () => {
    await prisma.$executeRawUnsafe(`alter table "Session" rename to session_away`);
    let response: Response;
    try {
      response = await deliver(usOrder(1007), "wh-1007");
    } finally {
      await prisma.$executeRawUnsafe(`alter table session_away rename to "Session"`);
    }
    expect(response.status).toBe(503);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1007" } })).toBe(0);
  });

  /** A signed delivery of this raw body (exactly these bytes). */
  function deliverRaw(body: string, webhookId: string, shop?: string) {
    return received(
      settle(() => action(routeArgs(webhookRequest({ topic: "orders/create", body, webhookId, shop })))) as Promise<Response>,
    );
  }
  it("refuses a signed body that is not JSON with 400 (not 503), kept byte for byte as a rejected delivery", async () => {
    const body =
      '{"id": 6000000000001, "admin_graphql_api_id": "gid://shopify/Order/6000000000001", "email": " Ada@Example.com ", "name": "#6001", \u0000 oops';
    const before = await prisma.orderSync.count();
    const response = await deliverRaw(body, "wh-not-json");

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("not valid JSON");
    const [rejected, ...more] = await prisma.rejectedDelivery.findMany({ where: { webhookId: "wh-not-json" } });
    expect(more).toEqual([]);
    expect(rejected).toMatchObject({
      shop: TEST_SHOP,
      topic: "ORDERS_CREATE",
      reason: "The body is not valid JSON.",
      orderId: "6000000000001",
      customerEmail: "ada@example.com",
    });
    expect(Buffer.from(rejected!.body).toString("utf8")).toBe(body);
    expect(await prisma.orderSync.count()).toBe(before);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-not-json" } })).toBe(0);

    // Shopify's retry of the same delivery gets the same answer and is kept once.
    expect((await deliverRaw(body, "wh-not-json")).status).toBe(400);
    expect(await prisma.rejectedDelivery.count({ where: { webhookId: "wh-not-json" } })).toBe(1);
  });

  it("refuses signed JSON that is not an order with 400, kept as a rejected delivery with what could be read", async () => {
    const order = usOrder(1009, { total_price: 49.1 as unknown as string });
    const response = await deliver(order, "wh-not-an-order");
    expect(response.status).toBe(400);
    const rejected = await prisma.rejectedDelivery.findFirstOrThrow({ where: { webhookId: "wh-not-an-order" } });
    expect(rejected.reason).toBe("Not an order we can read: total_price invalid input: expected string, received number.");
    expect(rejected.orderId).toBe(String(order.id));
    expect(rejected.customerEmail).toBe((order.customer as { email: string }).email.toLowerCase());
    expect(JSON.parse(Buffer.from(rejected.body).toString("utf8"))).toEqual(order);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-not-an-order" } })).toBe(0);

    expect((await deliver({ hello: "world" }, "wh-hello")).status).toBe(400);
    expect(await prisma.rejectedDelivery.findFirstOrThrow({ where: { webhookId: "wh-hello" } })).toMatchObject({
      orderId: null,
      customerEmail: null,
    });
  });

  it("answers 503 only when the rejected delivery cannot be stored", async () => {
    await prisma.$executeRawUnsafe(`alter table rejected_delivery rename to rejected_delivery_away`);
    let response: Response;
    try {
      response = await deliverRaw("not json at all", "wh-unstorable");
    } finally {
      await prisma.$executeRawUnsafe(`alter table rejected_delivery_away rename to rejected_delivery`);
    }
    expect(response.status).toBe(503);
    expect((await deliverRaw("not json at all", "wh-unstorable")).status).toBe(400);
    expect(await prisma.rejectedDelivery.count({ where: { webhookId: "wh-unstorable" } })).toBe(1);
  });

  it("reads an id above 2^53 exactly (Shopify's documentation sample) into the order, its delivery and its job", async () => {
    const id = "820982911946154508"; // JSON.parse would make it 820982911946154500
    const lineItemId = "487817672276298554";
    const order = usOrder(1010);
    const raw = JSON.stringify({
      ...order,
      id: "@id",
      line_items: (order.line_items as object[]).map((item, i) => (i === 0 ? { ...item, id: "@line" } : item)),
    })
      .replace('"@id"', id)
      .replace('"@line"', lineItemId);
    expect(raw).toContain(`"id":${id},`);

    expect((await deliverRaw(raw, "wh-big-id")).status).toBe(200);
    const stored = await prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: id } } });
    expect(stored.orderName).toBe("#1010");
    const payloadIds = await prisma.$queryRaw<{ id: string; line: string }[]>`
      select payload->>'id' as id, payload->'line_items'->0->>'id' as line from order_sync where id = ${stored.id}`;
    expect(payloadIds).toEqual([{ id, line: lineItemId }]);
    expect((await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: "wh-big-id" } })).orderId).toBe(id);
    expect((await jobs()).filter((job) => job.payload.orderId === id)).toEqual([
      { key: syncJobKey(TEST_SHOP, id), payload: { shop: TEST_SHOP, orderId: id } },
    ]);
    expect(await prisma.orderSync.count({ where: { orderId: "820982911946154500" } })).toBe(0);
  });

  it("drops (200, nothing stored) an order for a shop where the app is not installed", async () => {
    const order = usOrder(1011);
    const response = (await settle(() =>
      action(routeArgs(webhookRequest({ topic: "orders/create", body: order, webhookId: "wh-1011", shop: "not-installed.myshopify.com" }))),
    )) as Response;
    expect(response.status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1011" } })).toBe(0);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
    expect(await prisma.rejectedDelivery.count({ where: { webhookId: "wh-1011" } })).toBe(0);
  });

  it("refuses (400, nothing stored) a signed delivery of another topic sent to this address", async () => {
    const order = usOrder(1012);
    const response = (await settle(() =>
      action(routeArgs(webhookRequest({ topic: "orders/updated", path: "/webhooks/orders/create", body: order, webhookId: "wh-1012" }))),
    )) as Response;
    expect(response.status).toBe(400);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-1012" } })).toBe(0);
    expect(await prisma.orderSync.count({ where: { orderId: String(order.id) } })).toBe(0);
  });

  it("shows the merchant, on the sync log, that Shopify sent an order we could not read (their shop's only)", async () => {
    const other = "other-shop.myshopify.com";
    await ensureInstalled(other);
    await prisma.rejectedDelivery.deleteMany();
    expect((await deliverRaw('{"id": 6000000000002, "name": "#6002"', "wh-banner-1")).status).toBe(400);
    expect(
      (
        await deliverRaw(
          '{"id": 6000000000003, "admin_graphql_api_id": "gid://shopify/Order/6000000000003", "total_price": ',
          "wh-banner-2",
        )
      ).status,
    ).toBe(400);
    expect((await deliverRaw("not json", "wh-banner-other", other)).status).toBe(400);

    const load = async (shop: string) => {
      const request = new Request(`${TEST_SHOPIFY.appUrl}/app?index`, { headers: { Authorization: `Bearer ${sessionToken(shop)}` } });
      return (await syncLogLoader(routeArgs(request))) as {
        rejected: { count: number; latest: { webhookId: string; orderId: string | null } | null };
      };
    };
    const mine = await load(TEST_SHOP);
    expect(mine.rejected).toMatchObject({ count: 2, latest: { webhookId: "wh-banner-2", orderId: "6000000000003" } });
    const message = rejectedMessage(mine.rejected as Parameters<typeof rejectedMessage>[0]);
    expect(message).toContain("Shopify sent 2 orders we could not read");
    expect(message).toContain("order ID 6000000000003");
    expect(message).toContain("The body is not valid JSON.");
    expect((await load(other)).rejected.count).toBe(1);
  });
});
