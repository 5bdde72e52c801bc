/**
 * Write-back: after the invoice exists, its number and link land on the Shopify order (app
 * metafields + a searchable tag) through the real worker, once; without write_orders nothing is
 * attempted; a failing Shopify never touches the sync's outcome.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { filterSettingsView, saveWriteBack, writeBackEarlierOrders } from "../app/admin-sync/settings.server";
import { writeBackEnabled, writeBackOrder } from "../app/admin-sync/write-back.server";
import { action as scopesUpdate } from "../app/routes/webhooks.app.scopes_update";
import { logger } from "../app/logger.server";
import { connectThroughOAuth, until, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
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

  it("turning it on asks Shopify which scopes are granted: on only with write_orders, and said either way", async () => {
    await grant(["read_orders"]);
    expect(await saveWriteBack(prisma, TEST_SHOP, true)).toEqual({
      error:
        "Shopify has not given the app permission to edit orders, so write-back stays off. Turn it on again and approve the request to use it.",
    });
    expect(await writeBackEnabled(prisma, TEST_SHOP)).toBe(false);

    // The merchant approved App Bridge's request: Shopify has it, the session does not know yet.
    shopify.setScopes(TEST_SHOP, ["read_orders", "write_orders"]);
    expect(await saveWriteBack(prisma, TEST_SHOP, true)).toEqual({
      toast: "Write-back on: orders synced from now on get their FreshBooks invoice number in Shopify.",
    });
    expect(await writeBackEnabled(prisma, TEST_SHOP)).toBe(true);
    expect(await saveWriteBack(prisma, TEST_SHOP, false)).toMatchObject({ toast: expect.stringContaining("Write-back off") });
    expect(await writeBackEnabled(prisma, TEST_SHOP)).toBe(false);
  });

  it("app/scopes_update keeps the session's scopes: a revoked write_orders stops write-back; a forged one changes nothing", async () => {
    await grant(["read_orders", "write_orders"]);
    await prisma.orderFilterSettings.upsert({
      where: { shop: TEST_SHOP },
      create: { shop: TEST_SHOP, writeBack: true },
      update: { writeBack: true },
    });
    const body = { id: 1, previous: ["read_orders", "write_orders"], current: ["read_orders"], updated_at: new Date().toISOString() };
    const forged = webhookRequest({ topic: "app/scopes_update", body, secret: "not-the-secret" });
    expect(((await settle(() => scopesUpdate(routeArgs(forged)))) as Response).status).toBe(401);
    expect(await writeBackEnabled(prisma, TEST_SHOP)).toBe(true);

    const response = await scopesUpdate(routeArgs(webhookRequest({ topic: "app/scopes_update", body })));
    expect(response.status).toBe(200);
    expect(await writeBackEnabled(prisma, TEST_SHOP)).toBe(false);
    const unreadable = await settle(() => scopesUpdate(routeArgs(webhookRequest({ topic: "app/scopes_update", body: { id: 2 } }))));
    expect((unreadable as Response).status).toBe(400);
  });

  it("orders synced before write-back was on are offered, and written once each on request", async () => {
    await grant(["read_orders"]);
    const bodies = [order(9011), order(9012)];
    const gqlOrders = shopify.addWebhookOrders(TEST_SHOP, bodies);
    for (const body of bodies) await deliverOrder(body);
    await waitForSync(bodies.map((body) => body.id));
    expect((await filterSettingsView(prisma, TEST_SHOP)).writeBack).toEqual({ on: true, granted: false, earlier: 2 });

    shopify.setScopes(TEST_SHOP, ["read_orders", "write_orders"]);
    expect(await saveWriteBack(prisma, TEST_SHOP, true)).toHaveProperty("toast");
    expect(await writeBackEarlierOrders(prisma, TEST_SHOP)).toBe(2);
    await until(async () => (await filterSettingsView(prisma, TEST_SHOP)).writeBack.earlier === 0);
    expect(gqlOrders.map((gql) => gql.tags.filter((tag) => tag.startsWith("FreshBooks")))).toEqual([
      ["FreshBooks SHOP-9011"],
      ["FreshBooks SHOP-9012"],
    ]);
    // Again: nothing left to write, nothing queued.
    expect(await writeBackEarlierOrders(prisma, TEST_SHOP)).toBe(0);
  });
});
