/**
 * Write-back: after the invoice exists, its number and link land on the Shopify order (app
 * metafields + a searchable tag) through the real worker, once; without write_orders nothing is
 * attempted; a failing Shopify never touches the sync's outcome.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { writeBackOrder } from "../app/admin-sync/write-back.server";
import { logger } from "../app/logger.server";
import { connectThroughOAuth, until, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { deliverOrder, ensureInstalled, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const freshbooks = await useFreshBooksSandbox();
const shopify = await useShopifyAdminSandbox();
useWorker();

async function grant(scopes: string[]) {
  await prisma.$executeRaw`update "Session" set scope = ${scopes.join(",")} where shop = ${TEST_SHOP}`;
  shopify.setScopes(TEST_SHOP, scopes);
}

function order(n: number) {
  return usOrder(n, { number: n - 1000 } as never);
}

beforeEach(async () => {
  freshbooks.state.reset();
  shopify.clearOrders(TEST_SHOP);
  shopify.clearFaults();
  await resetSyncTables();
  await ensureInstalled();
  await connectThroughOAuth();
});

describe("write-back", () => {
  it("writes the invoice number (metafield) and the tag 'FreshBooks SHOP-…' onto the order, once", async () => {
    await grant(["read_orders", "write_orders"]);
    const body = order(9001);
    const [gqlOrder] = shopify.addWebhookOrders(TEST_SHOP, [body]);
    await deliverOrder(body);
    await waitForSync([body.id]);
    await until(async () => (await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(body.id) } })).writeBackAt !== null);

    expect(gqlOrder!.tags).toContain("FreshBooks SHOP-9001");
    const metafields = gqlOrder!.metafields as { key: string; value: string; type: string }[];
    expect(metafields.find((m) => m.key === "freshbooks_invoice_number")).toMatchObject({
      value: "SHOP-9001",
      type: "single_line_text_field",
    });
    expect(metafields.find((m) => m.key === "freshbooks_invoice_url")?.value).toMatch(/#\/invoice\//);

    const writes = { ...shopify.shop(TEST_SHOP).writes };
    expect(await writeBackOrder(TEST_SHOP, String(body.id), { db: prisma, logger })).toBe("skipped");
    expect(shopify.shop(TEST_SHOP).writes).toEqual(writes);
    expect(gqlOrder!.tags.filter((tag) => tag.startsWith("FreshBooks"))).toHaveLength(1);
  });

  it("without write_orders nothing is attempted and the order is synced as usual", async () => {
    await grant(["read_orders"]);
    const body = order(9002);
    shopify.addWebhookOrders(TEST_SHOP, [body]);
    const before = shopify.requests.length;
    await deliverOrder(body);
    const [row] = await waitForSync([body.id]);
    expect(row).toMatchObject({ status: "synced", writeBackAt: null, writeBackError: null });
    expect(shopify.requests.length).toBe(before);
  });

  it("Shopify failing: the order stays synced, the failure is kept on it in words", async () => {
    await grant(["read_orders", "write_orders"]);
    const body = order(9003);
    shopify.addWebhookOrders(TEST_SHOP, [body]);
    shopify.injectFault({ kind: "status", status: 503 }, { times: 1000 });
    await deliverOrder(body);
    await waitForSync([body.id]);
    await until(async () => (await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(body.id) } })).writeBackError !== null);
    const row = await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(body.id) } });
    expect(row.status).toBe("synced");
    expect(row.writeBackError).toMatch(/^The invoice number was not written onto the Shopify order: Shopify/);
    shopify.clearFaults();
  });
});
