import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as orderAction, loader as orderLoader } from "../app/routes/api.extension.orders.$orderId";
import { action as syncAction, loader as syncLoader } from "../app/routes/api.extension.sync";
import { resetSyncTables } from "./helpers/sync";
import { routeArgs, seedOfflineSession, sessionToken, settle, TEST_SHOP } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

/**
 * The backend of the admin UI extensions on Shopify's order page, through the real
 * authenticate.admin: a session token signed as Shopify signs it, sent as a Bearer header from
 * the extensions' origin, as an extension's fetch sends it.
 */
const OTHER_SHOP = "another-shop.myshopify.com";
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

let next = 0;
async function seedOrder(shop: string, status: string, extra: Record<string, unknown> = {}) {
  next += 1;
  return prisma.orderSync.create({
    data: {
      shop,
      orderId: String(5_550_000_000 + next),
      orderName: `#${1000 + next}`,
      orderNumber: 1000 + next,
      totalPrice: "49.10",
      currency: "USD",
      customerName: "Ada Lovelace",
      customerEmail: "ada@example.com",
      status,
      payload: {},
      ...extra,
    },
  });
}

const gid = (orderId: string) => `gid://shopify/Order/${orderId}`;

function extensionRequest(path: string, init: { method?: string; body?: unknown; shop?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = { Origin: EXTENSION_ORIGIN };
  const token = init.token === undefined ? sessionToken(init.shop ?? TEST_SHOP) : init.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  return new Request(`${TEST_SHOPIFY.appUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

const getOrder = (orderId: string, shop = TEST_SHOP) =>
  settle(() =>
    orderLoader(routeArgs(extensionRequest(`/api/extension/orders/${encodeURIComponent(orderId)}`, { shop }), { orderId })),
  ) as Promise<Response>;
const postOrder = (orderId: string, shop = TEST_SHOP) =>
  settle(() =>
    orderAction(routeArgs(extensionRequest(`/api/extension/orders/${encodeURIComponent(orderId)}`, { method: "POST", shop }), { orderId })),
  ) as Promise<Response>;
const postSync = (body: unknown, shop = TEST_SHOP) =>
  settle(() => syncAction(routeArgs(extensionRequest("/api/extension/sync", { method: "POST", body, shop })))) as Promise<Response>;

async function jobsFor(orderId: string) {
  return prisma.$queryRaw<{ key: string | null }[]>`
    select j.key from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'sync-order' and j.payload->>'orderId' = ${orderId}`;
}

function expectCors(response: Response) {
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
}

beforeEach(async () => {
  await resetSyncTables();
  await seedOfflineSession(process.env.DATABASE_URL!);
  await seedOfflineSession(process.env.DATABASE_URL!, OTHER_SHOP);
});

describe("the order block's data", () => {
  it("shows a synced order: state in the sync log's words, invoice number and link, tie-out, payment; nothing personal", async () => {
    const order = await seedOrder(TEST_SHOP, "synced", {
      invoiceNumber: "SHOP-1001",
      freshbooksAccountId: "AbC12",
      freshbooksInvoiceId: 4242,
      freshbooksTotal: "49.10",
      paymentId: 77,
    });

    const response = await getOrder(gid(order.orderId));

    expect(response.status).toBe(200);
    expectCors(response);
    const body = await response.json();
    expect(body.order).toMatchObject({
      orderId: order.orderId,
      orderName: order.orderName,
      status: "synced",
      label: "Synced",
      tone: "success",
      invoice: { number: "SHOP-1001", url: "https://my.freshbooks.com/#/invoice/AbC12-4242" },
      tieOut: { currency: "USD", shopifyTotal: "49.10", freshbooksTotal: "49.10", difference: null },
      payment: { recorded: true },
      canRetry: false,
      canSend: false,
      skippedBy: null,
    });
    expect(body.order.syncLogUrl).toBe(
      `https://admin.shopify.com/store/freshbooks-sync-test/apps/${TEST_SHOPIFY.apiKey}/app/orders/${order.id}`,
    );
    expect(JSON.stringify(body)).not.toMatch(/Ada|ada@example\.com/);
  });

  it("shows a failed order's plain-words reason and offers Retry", async () => {
    const order = await seedOrder(TEST_SHOP, "failed", { statusReason: "FreshBooks refused the invoice: the client was archived." });
    const body = await (await getOrder(gid(order.orderId))).json();
    expect(body.order).toMatchObject({
      status: "failed",
      label: "Failed",
      tone: "critical",
      reason: "FreshBooks refused the invoice: the client was archived.",
      canRetry: true,
      invoice: null,
    });
  });

  it("names the filter that skipped a test order and offers Send to FreshBooks", async () => {
    const order = await seedOrder(TEST_SHOP, "skipped", {
      payload: { test: true },
      statusReason: "Order #1 is a test order; test orders are not sent to FreshBooks.",
    });
    const body = await (await getOrder(gid(order.orderId))).json();
    expect(body.order).toMatchObject({
      status: "skipped",
      label: "Skipped",
      tone: "neutral",
      skippedBy: "test orders",
      canSend: true,
      canRetry: false,
    });
  });

  it("shows the difference of an order synced with a difference", async () => {
    const order = await seedOrder(TEST_SHOP, "synced_with_difference", {
      invoiceNumber: "SHOP-9",
      freshbooksTotal: "49.09",
      difference: "0.01",
    });
    const body = await (await getOrder(order.orderId)).json();
    expect(body.order).toMatchObject({
      tone: "warning",
      tieOut: { shopifyTotal: "49.10", freshbooksTotal: "49.09", difference: "0.01" },
      canRetry: true,
    });
  });

  it("answers 404 for another shop's order, the same as for an order not in the log", async () => {
    const theirs = await seedOrder(OTHER_SHOP, "synced", { invoiceNumber: "THEIRS-1" });

    const response = await getOrder(gid(theirs.orderId));
    const unknown = await getOrder(gid("999999"));

    expect(response.status).toBe(404);
    expectCors(response);
    expect(await response.json()).toEqual(await unknown.json());
    // The other shop sees its own order.
    expect((await getOrder(gid(theirs.orderId), OTHER_SHOP)).status).toBe(200);
  });

  it("answers 404 for an id that is not an order id", async () => {
    expect((await getOrder("gid://shopify/Customer/1")).status).toBe(404);
    expect((await getOrder("1 or 1=1")).status).toBe(404);
  });
});

describe("authentication and CORS", () => {
  it("answers the CORS preflight from the extensions' origin with 204 and the headers a fetch with a Bearer token needs", async () => {
    const preflight = new Request(`${TEST_SHOPIFY.appUrl}/api/extension/sync`, {
      method: "OPTIONS",
      headers: {
        Origin: EXTENSION_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    const response = (await settle(() => syncLoader(routeArgs(preflight)))) as Response;
    expect(response.status).toBe(204);
    expectCors(response);
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Content-Type");

    const blockPreflight = new Request(`${TEST_SHOPIFY.appUrl}/api/extension/orders/1`, {
      method: "OPTIONS",
      headers: { Origin: EXTENSION_ORIGIN },
    });
    const block = (await settle(() => orderLoader(routeArgs(blockPreflight, { orderId: "1" })))) as Response;
    expect(block.status).toBe(204);
    expectCors(block);
  });

  it("refuses a forged session token with 401, and sends a request without one to the login page (the library's answer)", async () => {
    const order = await seedOrder(TEST_SHOP, "failed");
    const none = (await settle(() =>
      orderLoader(routeArgs(extensionRequest(`/api/extension/orders/${order.orderId}`, { token: null }), { orderId: order.orderId })),
    )) as Response;
    const forged = (await settle(() =>
      orderAction(
        routeArgs(
          extensionRequest(`/api/extension/orders/${order.orderId}`, {
            method: "POST",
            token: sessionToken(TEST_SHOP, {}, "not-the-secret"),
          }),
          {
            orderId: order.orderId,
          },
        ),
      ),
    )) as Response;
    expect(none.status).toBe(302);
    expect(none.headers.get("Location")).toContain("/auth/login");
    expect(forged.status).toBe(401);
    expect(await jobsFor(order.orderId)).toEqual([]);
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("failed");
  });
});

describe("Retry and Send to FreshBooks from the order page", () => {
  it("Retry re-queues a failed order through the sync log's Retry: one job, reason cleared", async () => {
    const order = await seedOrder(TEST_SHOP, "failed", { statusReason: "FreshBooks was down." });

    const response = await postOrder(gid(order.orderId));

    expect(response.status).toBe(200);
    expectCors(response);
    expect(await response.json()).toMatchObject({
      outcome: "queued",
      order: { status: "queued", label: "Queued", reason: null, canRetry: false },
    });
    expect(await jobsFor(order.orderId)).toEqual([{ key: `sync-order:${TEST_SHOP}:${order.orderId}` }]);
  });

  it("Send to FreshBooks re-queues a skipped order marked to pass the filter that skipped it", async () => {
    const order = await seedOrder(TEST_SHOP, "skipped", { payload: { test: true } });

    const body = await (await postOrder(gid(order.orderId))).json();

    expect(body).toMatchObject({ outcome: "sent", order: { status: "queued", canSend: false } });
    const row = await prisma.orderSync.findUniqueOrThrow({ where: { id: order.id } });
    expect(row).toMatchObject({ status: "queued", sendDespiteFilter: true });
    expect(await jobsFor(order.orderId)).toHaveLength(1);
  });

  it("leaves a synced order alone: no second invoice is ever queued", async () => {
    const order = await seedOrder(TEST_SHOP, "synced", { invoiceNumber: "SHOP-1" });
    expect(await (await postOrder(gid(order.orderId))).json()).toMatchObject({ outcome: "unchanged", order: { status: "synced" } });
    expect(await jobsFor(order.orderId)).toEqual([]);
  });

  it("answers 404 to Retry on another shop's order and queues nothing", async () => {
    const theirs = await seedOrder(OTHER_SHOP, "failed");
    const response = await postOrder(gid(theirs.orderId));
    expect(response.status).toBe(404);
    expect(await jobsFor(theirs.orderId)).toEqual([]);
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("failed");
  });

  it("the bulk action reports each selected order, and never touches another shop's", async () => {
    const failed = await seedOrder(TEST_SHOP, "failed");
    const skipped = await seedOrder(TEST_SHOP, "skipped", { payload: { test: true } });
    const synced = await seedOrder(TEST_SHOP, "synced");
    const theirs = await seedOrder(OTHER_SHOP, "failed");

    const response = await postSync({ orderIds: [failed, skipped, synced, theirs].map((row) => gid(row.orderId)) });

    expect(response.status).toBe(200);
    expectCors(response);
    const { results } = await response.json();
    expect(results.map((r: { orderId: string; outcome: string }) => [r.orderId, r.outcome])).toEqual([
      [failed.orderId, "queued"],
      [skipped.orderId, "sent"],
      [synced.orderId, "unchanged"],
      [theirs.orderId, "not_found"],
    ]);
    expect(results[3].state).toBeNull();
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("failed");
    expect(await jobsFor(theirs.orderId)).toEqual([]);
  });

  it("refuses an unreadable or empty selection with 400", async () => {
    expect((await postSync("{not json")).status).toBe(400);
    expect((await postSync({ orderIds: [] })).status).toBe(400);
    expect((await postSync({ orderIds: Array.from({ length: 251 }, (_, i) => gid(String(i + 1))) })).status).toBe(400);
  });
});
