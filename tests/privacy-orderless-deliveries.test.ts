import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { received } from "./helpers/intake";

const send = (act: typeof ordersCreate, topic: string, body: object, webhookId?: string) =>
  received(settle(() => act(routeArgs(webhookRequest({ topic, body, webhookId })))) as Promise<Response>);

const OTHER_SHOP = "someone-elses-shop.myshopify.com";
const EMAIL = "jane.doe@example.com";

/**
 * An orders/create body that is not an order (no name). Intake now refuses such bodies with 400
 * and keeps them in rejected_delivery (tests/webhooks.privacy.test.ts covers their redaction);
 * deliveries stored before that, without an order id, are still in webhook_delivery.
 */
function unreadableOrder(n: number, email: string, customerId: number) {
  const { name: _name, ...order } = usOrder(n, {
    email,
    contact_email: email,
    customer: { ...(usOrder(n).customer as object), id: customerId, email },
  });
  return order;
}

const held = async (shop = TEST_SHOP) =>
  (await prisma.webhookDelivery.findMany({ where: { shop }, orderBy: { id: "asc" } })).map((row) => JSON.stringify(row.payload));

describe("customers/redact reaches deliveries intake could not read (no order id)", () => {
  it("empties the shop's orderless deliveries that name the customer, and only those", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    const mine = unreadableOrder(5001, EMAIL, 777);
    const byOrderIdOnly = { ...unreadableOrder(5002, "typo@", 0), customer: null, email: null, contact_email: null };
    const lookalike = unreadableOrder(5003, `x${EMAIL}`, 888); // contains the address, is not it
    const someoneElse = unreadableOrder(5004, "someone.else@example.com", 999);
    for (const [index, body] of [mine, byOrderIdOnly, lookalike, someoneElse].entries()) {
      await prisma.webhookDelivery.create({
        data: {
          shop: TEST_SHOP,
          webhookId: `unreadable-${index}`,
          topic: "orders/create",
          payload: JSON.parse(JSON.stringify(body)) as object,
        },
      });
    }
    await prisma.webhookDelivery.create({
      data: { shop: OTHER_SHOP, webhookId: "other-shop", topic: "orders/create", payload: JSON.parse(JSON.stringify(mine)) as object },
    });
    const stored = await prisma.webhookDelivery.findMany({ where: { shop: TEST_SHOP } });
    expect(stored).toHaveLength(4);
    expect(stored.every((row) => row.orderId === null)).toBe(true);

    const response = await send(customersRedact, "customers/redact", {
      shop_domain: TEST_SHOP,
      customer: { id: 777, email: EMAIL.toUpperCase() },
      orders_to_redact: [mine.id, byOrderIdOnly.id],
    });

    expect(response.status).toBe(200);
    const [first, second, third, fourth] = await held();
    expect(first).toBe(JSON.stringify({ redacted: true }));
    expect(second).toBe(JSON.stringify({ redacted: true }));
    expect(third).toContain(`x${EMAIL}`);
    expect(fourth).toContain("someone.else@example.com");
    expect((await held(OTHER_SHOP))[0]).toContain(EMAIL); // another shop's customer is not this request's
  });
});
