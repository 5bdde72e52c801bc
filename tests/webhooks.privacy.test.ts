import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as dataRequest } from "../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as shopRedact } from "../app/routes/webhooks.shop.redact";
import { action as uninstalled } from "../app/routes/webhooks.app.uninstalled";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";

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

  it("app/uninstalled pauses syncing; shop/redact then deletes everything of the shop", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    await receiveOrder(2003);
    expect((await send(uninstalled, "app/uninstalled", { id: 1 })).status).toBe(200);
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).uninstalledAt).not.toBeNull();
    expect(await prisma.orderSync.count({ where: { shop: TEST_SHOP } })).toBeGreaterThan(0);

    expect((await send(shopRedact, "shop/redact", { shop_domain: TEST_SHOP, shop_id: 1 })).status).toBe(200);

    for (const count of [
      prisma.orderSync.count({ where: { shop: TEST_SHOP } }),
      prisma.webhookDelivery.count({ where: { shop: TEST_SHOP } }),
      prisma.shopSettings.count({ where: { shop: TEST_SHOP } }),
      prisma.session.count({ where: { shop: TEST_SHOP } }),
      prisma.complianceRequest.count({ where: { shop: TEST_SHOP } }),
    ]) {
      expect(await count).toBe(0);
    }
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
