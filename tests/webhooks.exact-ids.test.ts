import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { listOrders } from "../app/models/sync-log.server";
import { mayHoldBigIntegers } from "../app/shopify/json";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { ensureInstalled, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { received } from "./helpers/intake";

const sandbox = await useFreshBooksSandbox();
useWorker();

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await ensureInstalled();
  await connectThroughOAuth();
});

/** Shopify's documentation sample order id: above 2^53, so JSON.parse would make it 820982911946154500. */
const SAMPLE_ID = "820982911946154508";

/** The US fixture with its order, customer and first line item ids replaced by 64-bit ones, written as JSON numbers. */
function rawOrderWithBigIds(): string {
  const order = usOrder(1042);
  const body = {
    ...order,
    id: "@order",
    admin_graphql_api_id: `gid://shopify/Order/${SAMPLE_ID}`,
    customer: { ...(order.customer as object), id: "@customer" },
    line_items: (order.line_items as object[]).map((item, i) => (i === 0 ? { ...item, id: "@line" } : item)),
  };
  return JSON.stringify(body)
    .replace('"@order"', SAMPLE_ID)
    .replace('"@customer"', "9007199254740993")
    .replace('"@line"', "487817672276298554");
}

describe("Shopify ids above 2^53", () => {
  it("the exact parse is chosen for a number of 16 digits or more, not for digits inside a string", () => {
    expect(mayHoldBigIntegers(rawOrderWithBigIds())).toBe(true);
    expect(mayHoldBigIntegers('{"ids":[1,\n  9007199254740993]}')).toBe(true);
    expect(mayHoldBigIntegers('{"id": -9007199254740993}')).toBe(true);
    expect(mayHoldBigIntegers('{"token":"f3a9c1d2e4b5a6978877665544332211","gid":"gid://shopify/Order/1234567890123456"}')).toBe(false);
    expect(mayHoldBigIntegers(JSON.stringify(usOrder(1042)))).toBe(false);
  });

  it("an order with the documentation sample's id syncs under its exact id: sync log, invoice notes and admin link", async () => {
    const raw = rawOrderWithBigIds();
    expect(raw).toContain(`"id":${SAMPLE_ID},`);
    const response = (await received(
      settle(() => ordersCreate(routeArgs(webhookRequest({ topic: "orders/create", body: raw, webhookId: "wh-sample" })))),
    )) as Response;
    expect(response.status).toBe(200);

    const [synced] = await waitForSync([SAMPLE_ID]);
    expect(synced).toMatchObject({ orderId: SAMPLE_ID, status: "synced", invoiceNumber: "SHOP-1042" });

    // The merchant's sync log shows the order under its exact id.
    const page = await listOrders(prisma, TEST_SHOP, {});
    expect(page.rows.map((row) => row.orderId)).toEqual([SAMPLE_ID]);

    // The invoice in FreshBooks names the exact order and links to it in the Shopify admin.
    const invoices = sandbox.state.invoices() as unknown as { notes?: string }[];
    expect(invoices).toHaveLength(1);
    expect(invoices[0]?.notes).toContain(`(order ID ${SAMPLE_ID})`);
    expect(invoices[0]?.notes).toContain(`/orders/${SAMPLE_ID}`);
    expect(invoices[0]?.notes).not.toContain("820982911946154500");

    // The customer's client is keyed by the exact customer id.
    const mapping = await prisma.clientMapping.findMany({ where: { shop: TEST_SHOP } });
    expect(mapping.map((row) => row.customerKey)).toContain("customer:9007199254740993");
  });
});
