import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as dataRequest } from "../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../app/routes/webhooks.shop.redact";
import { action as uninstalled } from "../app/routes/webhooks.app.uninstalled";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { loader as dataRequestDownload } from "../app/routes/app.data-requests.$id";
import { TEST_SHOPIFY } from "./test-env";
import { usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, sessionToken, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { received } from "./helpers/intake";

type Action = typeof dataRequest;
const send = (act: Action, topic: string, body: object | string, secret?: string) =>
  received(settle(() => act(routeArgs(webhookRequest({ topic, body, secret })))) as Promise<Response>);

async function receiveOrder(n: number) {
  const order = usOrder(n);
  await seedOfflineSession(process.env.DATABASE_URL!); // installed: orders of a shop without an installation are dropped
  expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
  return order;
}

const customer = (order: ReturnType<typeof usOrder>) => order.customer as { id: number; email: string };

describe("privacy webhooks", () => {
  it("customers/data_request gathers what we store about the customer for the merchant", async () => {
    const order = await receiveOrder(2001);
    const response = await send(dataRequest, "customers/data_request", {
      shop_domain: TEST_SHOP,
      customer: { id: customer(order).id, email: customer(order).email },
      orders_requested: [order.id],
      data_request: { id: 9 },
    });
    expect(response.status).toBe(200);
    const request = await prisma.complianceRequest.findFirstOrThrow({ where: { shop: TEST_SHOP, topic: "customers/data_request" } });
    const exported = request.exportData as { orders: { orderName: string; customerEmail: string }[] };
    expect(exported.orders.map((o) => o.orderName)).toEqual(["#2001"]);
    expect(exported.orders[0]?.customerEmail).toBe(customer(order).email);

    // The merchant downloads it from the admin; another shop cannot, whatever id it tries.
    const download = (id: string, shop = TEST_SHOP) =>
      settle(() =>
        dataRequestDownload(
          routeArgs(
            new Request(`${TEST_SHOPIFY.appUrl}/app/data-requests/${id}`, { headers: { Authorization: `Bearer ${sessionToken(shop)}` } }),
            { id },
          ),
        ),
      ) as Promise<Response>;
    await seedOfflineSession(process.env.DATABASE_URL!);
    await seedOfflineSession(process.env.DATABASE_URL!, "someone-elses-shop.myshopify.com");
    const mine = await download(String(request.id));
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-disposition")).toBe(`attachment; filename="customer-data-request-${request.id}.json"`);
    expect(((await mine.json()) as { orders: { orderName: string }[] }).orders.map((o) => o.orderName)).toEqual(["#2001"]);
    expect((await download(String(request.id), "someone-elses-shop.myshopify.com")).status).toBe(404);
    expect((await download("not-a-number")).status).toBe(404);
  });

  it("customers/redact erases the customer's personal data from our records", async () => {
    const order = await receiveOrder(2002);
    await prisma.clientMapping.create({
      data: { shop: TEST_SHOP, accountId: "SBX001", customerKey: `customer:${customer(order).id}`, freshbooksClientId: 7 },
    });
    // The directory of FreshBooks clients knows their address too.
    await prisma.freshbooksClientDirectory.create({
      data: { shop: TEST_SHOP, accountId: "SBX001", clientId: 7, email: customer(order).email.trim().toLowerCase(), visState: 0 },
    });
    await prisma.freshbooksClientDirectory.create({
      data: { shop: TEST_SHOP, accountId: "SBX001", clientId: 8, email: "someone.else@example.com", visState: 0 },
    });
    const response = await send(customersRedact, "customers/redact", {
      shop_domain: TEST_SHOP,
      customer: { id: customer(order).id, email: customer(order).email },
      orders_to_redact: [order.id],
    });

    expect(response.status).toBe(200);
    const stored = await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(stored.customerEmail).toBeNull();
    expect(stored.customerName).toBeNull();
    const snapshot = JSON.stringify(stored.payload);
    expect(snapshot).not.toContain(customer(order).email);
    expect(snapshot).not.toContain("billing_address");
    expect(stored.totalPrice).toBe("49.10");
    const deliveries = await prisma.webhookDelivery.findMany({ where: { shop: TEST_SHOP } });
    expect(deliveries.some((d) => JSON.stringify(d.payload).includes(customer(order).email))).toBe(false);
    expect(await prisma.clientMapping.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect((await prisma.freshbooksClientDirectory.findMany({ where: { shop: TEST_SHOP } })).map((row) => row.email)).toEqual([
      "someone.else@example.com",
    ]);
  });

  it("customers/redact reaches personal data at any depth, earlier exports and FreshBooks' messages, and leaves other customers alone", async () => {
    const base = usOrder(2005);
    const items = base.line_items as Record<string, unknown>[];
    const order = {
      ...base,
      line_items: items.map((item, index) =>
        index === 0 ? { ...item, properties: [{ name: "Engraving", value: "For Ada Lovelace" }] } : item,
      ),
    };
    expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
    const otherEmail = "someone.else@example.com";
    const other = usOrder(2006, {
      email: otherEmail,
      contact_email: otherEmail,
      customer: { ...(base.customer as object), id: 424242, email: otherEmail },
    });
    expect((await send(ordersCreate, "orders/create", other)).status).toBe(200);
    const email = customer(order).email;
    await prisma.orderSync.updateMany({
      where: { orderId: String(order.id) },
      data: {
        mappedInvoice: { lines: [{ name: "Ring", description: "Engraving: For Ada Lovelace" }] },
        statusReason: `FreshBooks refused the client: ${email} is invalid`,
        statusDetail: `${email} is invalid`,
      },
    });
    expect(
      (
        await send(dataRequest, "customers/data_request", {
          shop_domain: TEST_SHOP,
          customer: { id: customer(order).id, email },
          orders_requested: [order.id],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await send(dataRequest, "customers/data_request", {
          shop_domain: TEST_SHOP,
          customer: { id: 424242, email: otherEmail },
          orders_requested: [other.id],
        })
      ).status,
    ).toBe(200);

    const response = await send(customersRedact, "customers/redact", {
      shop_domain: TEST_SHOP,
      customer: { id: customer(order).id, email },
      orders_to_redact: [order.id],
    });

    expect(response.status).toBe(200);
    const stored = await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(JSON.stringify(stored.payload)).not.toContain("Ada Lovelace");
    expect(stored.mappedInvoice).toBeNull();
    expect(stored.statusReason).toBe("FreshBooks refused the client: [redacted] is invalid");
    expect(stored.statusDetail).toBe("[redacted] is invalid");
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(JSON.stringify(delivery.payload)).not.toContain("Ada Lovelace");
    const exports = await prisma.complianceRequest.findMany({
      where: { shop: TEST_SHOP, topic: "customers/data_request" },
      orderBy: { id: "asc" },
    });
    const holding = (text: string) => exports.filter((e) => JSON.stringify(e.exportData ?? null).includes(text));
    expect(holding(email)).toEqual([]);
    expect(exports.filter((e) => e.exportData === null).length).toBeGreaterThanOrEqual(1);
    // The other customer's order and export are untouched.
    expect(holding(otherEmail)).toHaveLength(1);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(other.id) } })).customerEmail).toBe(otherEmail);
  });

  it("customers/redact deletes the customer's deliveries we could not read (rejected), and only theirs", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    const rejected = (webhookId: string, body: string) =>
      received(settle(() => ordersCreate(routeArgs(webhookRequest({ topic: "orders/create", body, webhookId })))) as Promise<Response>);
    // Readable parts (email, gid) are extracted; the second hides the address where intake cannot see it.
    expect(
      (await rejected("wh-rj-1", '{"admin_graphql_api_id": "gid://shopify/Order/7100", "email": "Jo.Doe@Example.com", oops')).status,
    ).toBe(400);
    expect((await rejected("wh-rj-2", '["a list, not an order", {"note": "ship to JO.DOE@example.com"}]')).status).toBe(400);
    expect((await rejected("wh-rj-3", '{"email": "jo_doe@example.com", oops')).status).toBe(400);
    expect((await rejected("wh-rj-4", '{"email": "xjo.doe@example.com", oops')).status).toBe(400);
    expect(await prisma.rejectedDelivery.count({ where: { shop: TEST_SHOP } })).toBe(4);

    const response = await send(customersRedact, "customers/redact", {
      shop_domain: TEST_SHOP,
      customer: { id: 9191, email: " jo.doe@example.com " },
      orders_to_redact: [],
    });

    expect(response.status).toBe(200);
    const left = await prisma.rejectedDelivery.findMany({ where: { shop: TEST_SHOP }, orderBy: { webhookId: "asc" } });
    expect(left.map((row) => row.webhookId)).toEqual(["wh-rj-3", "wh-rj-4"]);
    await prisma.rejectedDelivery.deleteMany({ where: { shop: TEST_SHOP } });
  });

  it("matches the email exactly (trimmed, any case), never as a pattern: j_doe@ does not reach j.doe@", async () => {
    const withEmail = (n: number, id: number, email: string) =>
      usOrder(n, { email, contact_email: email, customer: { ...(usOrder(n).customer as object), id, email } });
    const underscore = withEmail(2101, 51, "j_doe@example.com");
    const dot = withEmail(2102, 52, "j.doe@example.com");
    const percent = withEmail(2103, 53, "jxdoe@example.com");
    const sameCustomer = withEmail(2104, 51, " J_Doe@Example.COM ");
    for (const order of [underscore, dot, percent, sameCustomer])
      expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
    const ordersOf = async (emailAsked: string) => {
      await prisma.complianceRequest.deleteMany({ where: { shop: TEST_SHOP } });
      await send(dataRequest, "customers/data_request", {
        shop_domain: TEST_SHOP,
        customer: { id: 51, email: emailAsked },
        orders_requested: [],
      });
      const request = await prisma.complianceRequest.findFirstOrThrow({ where: { shop: TEST_SHOP, topic: "customers/data_request" } });
      return (request.exportData as { orders: { orderName: string }[] }).orders.map((o) => o.orderName).sort();
    };

    expect(await ordersOf("j_doe@example.com")).toEqual(["#2101", "#2104"]);
    expect(await ordersOf("  J_DOE@example.com")).toEqual(["#2101", "#2104"]);
    expect(await ordersOf("j%doe@example.com")).toEqual([]);

    expect(
      (
        await send(customersRedact, "customers/redact", {
          shop_domain: TEST_SHOP,
          customer: { id: 51, email: "j_doe@example.com" },
          orders_to_redact: [],
        })
      ).status,
    ).toBe(200);
    const emails = await prisma.orderSync.findMany({
      where: { shop: TEST_SHOP, orderId: { in: [underscore, dot, percent, sameCustomer].map((o) => String(o.id)) } },
      orderBy: { orderId: "asc" },
    });
    expect(emails.map((row) => [row.orderName, row.customerEmail])).toEqual([
      ["#2101", null],
      ["#2102", "j.doe@example.com"],
      ["#2103", "jxdoe@example.com"],
      ["#2104", null],
    ]);
  });

  it("app/uninstalled pauses syncing; shop/redact then deletes everything of the shop", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    await receiveOrder(2003);
    expect((await send(uninstalled, "app/uninstalled", { id: 1, myshopify_domain: TEST_SHOP })).status).toBe(200);
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).uninstalledAt).not.toBeNull();
    expect(await prisma.orderSync.count({ where: { shop: TEST_SHOP } })).toBeGreaterThan(0);

    await prisma.clientMapping.create({ data: { shop: TEST_SHOP, accountId: "SBX001", customerKey: "customer:1", freshbooksClientId: 7 } });
    const ours = await prisma.orderSync.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    await prisma.syncAttempt.create({ data: { orderSyncId: ours.id, shop: TEST_SHOP, startedAt: new Date(), outcome: "failed" } });
    await prisma.oauthState.create({ data: { shop: TEST_SHOP, nonce: "redact-me", expiresAt: new Date(Date.now() + 60_000) } });
    // A delivery Shopify sent that we could not read holds the customer's data too.
    expect((await send(ordersCreate, "orders/create", '{"email": "ada@example.com", "id": ')).status).toBe(400);
    expect(await prisma.rejectedDelivery.count({ where: { shop: TEST_SHOP } })).toBe(1);
    const otherShop = "still-installed.myshopify.com";
    await prisma.orderSync.create({
      data: { shop: otherShop, orderId: "1", orderName: "#1", totalPrice: "1.00", currency: "USD", status: "synced", payload: {} },
    });
    await prisma.clientMapping.create({ data: { shop: otherShop, accountId: "SBX001", customerKey: "customer:1", freshbooksClientId: 8 } });

    expect((await send(shopRedact, "shop/redact", { shop_domain: TEST_SHOP, shop_id: 1 })).status).toBe(200);

    for (const count of [
      prisma.orderSync.count({ where: { shop: TEST_SHOP } }),
      prisma.syncAttempt.count({ where: { shop: TEST_SHOP } }),
      prisma.webhookDelivery.count({ where: { shop: TEST_SHOP } }),
      prisma.rejectedDelivery.count({ where: { shop: TEST_SHOP } }),
      prisma.clientMapping.count({ where: { shop: TEST_SHOP } }),
      prisma.freshbooksConnection.count({ where: { shop: TEST_SHOP } }),
      prisma.oauthState.count({ where: { shop: TEST_SHOP } }),
      prisma.shopSettings.count({ where: { shop: TEST_SHOP } }),
      prisma.session.count({ where: { shop: TEST_SHOP } }),
      prisma.complianceRequest.count({ where: { shop: TEST_SHOP } }),
    ]) {
      expect(await count).toBe(0);
    }
    // Another shop's data is not touched.
    expect(await prisma.orderSync.count({ where: { shop: otherShop } })).toBe(1);
    expect(await prisma.clientMapping.count({ where: { shop: otherShop } })).toBe(1);
  });

  it.each([
    ["customers/data_request", dataRequest],
    ["customers/redact", customersRedact],
    ["shop/redact", shopRedact],
  ] as const)("%s refuses a forged request with 401", async (topic, act) => {
    const response = await send(act, topic, { shop_domain: TEST_SHOP, customer: { id: 1 } }, "forged");
    expect(response.status).toBe(401);
  });
});

/**
 * The HMAC covers the body only: shop, topic and webhook id headers can be changed by whoever
 * replays a signed body. Each replay below is correctly signed and changes nothing.
 */
describe("signed bodies replayed with other headers", () => {
  const VICTIM = "victim-shop.myshopify.com";
  const ATTACKER = "attacker-shop.myshopify.com";

  async function victimHasData(): Promise<void> {
    await seedOfflineSession(process.env.DATABASE_URL!, VICTIM);
    await prisma.orderSync.deleteMany({ where: { shop: VICTIM } });
    await prisma.orderSync.create({
      data: {
        shop: VICTIM,
        orderId: "42",
        orderName: "#42",
        customerEmail: "ada@example.com",
        totalPrice: "1.00",
        currency: "USD",
        status: "synced",
        payload: {},
      },
    });
  }
  const victimOrders = () => prisma.orderSync.count({ where: { shop: VICTIM } });
  const replay = (act: Action, topic: string, body: object, shop: string, path?: string) =>
    received(settle(() => act(routeArgs(webhookRequest({ topic, body, shop, path })))) as Promise<Response>);

  it("an orders/create body replayed to /webhooks/shop/redact with another shop's header wipes nothing", async () => {
    await victimHasData();
    const order = usOrder(2101);
    // As Shopify sent it (topic orders/create), only the address changed:
    expect((await replay(shopRedact, "orders/create", order, VICTIM, "/webhooks/shop/redact")).status).toBe(400);
    // And with the topic header changed too: the body does not name the victim.
    expect((await replay(shopRedact, "shop/redact", order, VICTIM)).status).toBe(400);
    expect(await victimOrders()).toBe(1);
    expect(await prisma.session.count({ where: { shop: VICTIM } })).toBe(1);
  });

  it("shop/redact of one shop, replayed with another shop's header, wipes nothing", async () => {
    await victimHasData();
    expect((await replay(shopRedact, "shop/redact", { shop_id: 9, shop_domain: ATTACKER }, VICTIM)).status).toBe(400);
    expect(await victimOrders()).toBe(1);
    // The genuine request for the shop itself still works.
    expect((await replay(shopRedact, "shop/redact", { shop_id: 9, shop_domain: VICTIM }, VICTIM)).status).toBe(200);
    expect(await victimOrders()).toBe(0);
  });

  it("customers/redact and customers/data_request naming another shop change and export nothing", async () => {
    await victimHasData();
    const request = {
      shop_domain: ATTACKER,
      customer: { id: 1, email: "ada@example.com" },
      orders_to_redact: [42],
      orders_requested: [42],
    };
    expect((await replay(customersRedact, "customers/redact", request, VICTIM)).status).toBe(400);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { shop: VICTIM } })).customerEmail).toBe("ada@example.com");
    expect((await replay(dataRequest, "customers/data_request", request, VICTIM)).status).toBe(400);
    expect(await prisma.complianceRequest.count({ where: { shop: VICTIM } })).toBe(0);
    // A body without shop_domain is not this shop's either.
    const anonymous = { customer: request.customer, orders_to_redact: request.orders_to_redact };
    expect((await replay(customersRedact, "customers/redact", anonymous, VICTIM)).status).toBe(400);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { shop: VICTIM } })).customerEmail).toBe("ada@example.com");
  });

  it("app/uninstalled of one shop, replayed with another shop's header, uninstalls nothing", async () => {
    await victimHasData();
    expect((await replay(uninstalled, "app/uninstalled", { id: 9, myshopify_domain: ATTACKER }, VICTIM)).status).toBe(400);
    expect(await prisma.session.count({ where: { shop: VICTIM } })).toBe(1);
    expect(await prisma.shopSettings.count({ where: { shop: VICTIM, uninstalledAt: { not: null } } })).toBe(0);
    // A privacy body replayed to app/uninstalled is refused by its topic.
    expect((await replay(uninstalled, "shop/redact", { shop_domain: VICTIM }, VICTIM, "/webhooks/app/uninstalled")).status).toBe(400);
    expect(await prisma.session.count({ where: { shop: VICTIM } })).toBe(1);
  });
});

describe("an import under way holds orders from Shopify's bulk file", () => {
  it("customers/redact deletes the customer's staged orders (and their line items), and only theirs; shop/redact deletes the import", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    const job = await prisma.orderImport.create({
      data: { shop: TEST_SHOP, createdFrom: new Date(0), createdTo: new Date(), status: "paused", stagedAt: new Date(), cursor: "0" },
    });
    const theirs = { id: "gid://shopify/Order/71", legacyResourceId: "71", email: "Staged.Customer@example.com", customer: null };
    const byId = { id: "gid://shopify/Order/72", legacyResourceId: "72", email: null, customer: { legacyResourceId: "9071" } };
    const other = { id: "gid://shopify/Order/73", legacyResourceId: "73", email: "other@example.com", customer: null };
    const lines = [theirs, byId, other].flatMap((order, i) => [
      { seq: i * 2 + 1, gid: order.id, parentGid: null, body: order },
      { seq: i * 2 + 2, gid: `gid://shopify/LineItem/${i}`, parentGid: order.id, body: { id: `gid://shopify/LineItem/${i}` } },
    ]);
    await prisma.orderImportLine.createMany({ data: lines.map((line) => ({ ...line, importId: job.id, shop: TEST_SHOP })) });

    expect(
      (
        await send(customersRedact, "customers/redact", {
          shop_domain: TEST_SHOP,
          customer: { id: 9071, email: "staged.customer@example.com" },
          orders_to_redact: [],
        })
      ).status,
    ).toBe(200);
    const left = await prisma.orderImportLine.findMany({ where: { importId: job.id }, orderBy: { seq: "asc" } });
    expect(left.map((line) => line.gid)).toEqual(["gid://shopify/Order/73", "gid://shopify/LineItem/2"]);

    expect((await send(shopRedact, "shop/redact", { shop_domain: TEST_SHOP, shop_id: 1 })).status).toBe(200);
    expect(await prisma.orderImport.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.orderImportLine.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });
});
