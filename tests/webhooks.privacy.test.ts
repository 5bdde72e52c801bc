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

type Action = typeof dataRequest;
const send = (act: Action, topic: string, body: object, secret?: string) =>
  settle(() => act(routeArgs(webhookRequest({ topic, body, secret })))) as Promise<Response>;

async function receiveOrder(n: number) {
  const order = usOrder(n);
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
        dataRequestDownload(routeArgs(new Request(`${TEST_SHOPIFY.appUrl}/app/data-requests/${id}`, { headers: { Authorization: `Bearer ${sessionToken(shop)}` } }), { id })),
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
  });

  it("customers/redact reaches personal data at any depth, earlier exports and FreshBooks' messages, and leaves other customers alone", async () => {
    const base = usOrder(2005);
    const items = base.line_items as Record<string, unknown>[];
    const order = { ...base, line_items: items.map((item, index) => (index === 0 ? { ...item, properties: [{ name: "Engraving", value: "For Ada Lovelace" }] } : item)) };
    expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
    const otherEmail = "someone.else@example.com";
    const other = usOrder(2006, { email: otherEmail, contact_email: otherEmail, customer: { ...(base.customer as object), id: 424242, email: otherEmail } });
    expect((await send(ordersCreate, "orders/create", other)).status).toBe(200);
    const email = customer(order).email;
    await prisma.orderSync.updateMany({
      where: { orderId: String(order.id) },
      data: { mappedInvoice: { lines: [{ name: "Ring", description: "Engraving: For Ada Lovelace" }] }, statusReason: `FreshBooks refused the client: ${email} is invalid`, statusDetail: `${email} is invalid` },
    });
    expect((await send(dataRequest, "customers/data_request", { shop_domain: TEST_SHOP, customer: { id: customer(order).id, email }, orders_requested: [order.id] })).status).toBe(200);
    expect((await send(dataRequest, "customers/data_request", { shop_domain: TEST_SHOP, customer: { id: 424242, email: otherEmail }, orders_requested: [other.id] })).status).toBe(200);

    const response = await send(customersRedact, "customers/redact", { shop_domain: TEST_SHOP, customer: { id: customer(order).id, email }, orders_to_redact: [order.id] });

    expect(response.status).toBe(200);
    const stored = await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(JSON.stringify(stored.payload)).not.toContain("Ada Lovelace");
    expect(stored.mappedInvoice).toBeNull();
    expect(stored.statusReason).toBe("FreshBooks refused the client: [redacted] is invalid");
    expect(stored.statusDetail).toBe("[redacted] is invalid");
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(JSON.stringify(delivery.payload)).not.toContain("Ada Lovelace");
    const exports = await prisma.complianceRequest.findMany({ where: { shop: TEST_SHOP, topic: "customers/data_request" }, orderBy: { id: "asc" } });
    const holding = (text: string) => exports.filter((e) => JSON.stringify(e.exportData ?? null).includes(text));
    expect(holding(email)).toEqual([]);
    expect(exports.filter((e) => e.exportData === null).length).toBeGreaterThanOrEqual(1);
    // The other customer's order and export are untouched.
    expect(holding(otherEmail)).toHaveLength(1);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(other.id) } })).customerEmail).toBe(otherEmail);
  });

  it("app/uninstalled pauses syncing; shop/redact then deletes everything of the shop", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    await receiveOrder(2003);
    expect((await send(uninstalled, "app/uninstalled", { id: 1 })).status).toBe(200);
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).uninstalledAt).not.toBeNull();
    expect(await prisma.orderSync.count({ where: { shop: TEST_SHOP } })).toBeGreaterThan(0);

    await prisma.clientMapping.create({ data: { shop: TEST_SHOP, accountId: "SBX001", customerKey: "customer:1", freshbooksClientId: 7 } });
    const ours = await prisma.orderSync.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    await prisma.syncAttempt.create({ data: { orderSyncId: ours.id, shop: TEST_SHOP, startedAt: new Date(), outcome: "failed" } });
    await prisma.oauthState.create({ data: { shop: TEST_SHOP, nonce: "redact-me", expiresAt: new Date(Date.now() + 60_000) } });
    const otherShop = "still-installed.myshopify.com";
    await prisma.orderSync.create({ data: { shop: otherShop, orderId: "1", orderName: "#1", totalPrice: "1.00", currency: "USD", status: "synced", payload: {} } });
    await prisma.clientMapping.create({ data: { shop: otherShop, accountId: "SBX001", customerKey: "customer:1", freshbooksClientId: 8 } });

    expect((await send(shopRedact, "shop/redact", { shop_domain: TEST_SHOP, shop_id: 1 })).status).toBe(200);

    for (const count of [
      prisma.orderSync.count({ where: { shop: TEST_SHOP } }),
      prisma.syncAttempt.count({ where: { shop: TEST_SHOP } }),
      prisma.webhookDelivery.count({ where: { shop: TEST_SHOP } }),
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
