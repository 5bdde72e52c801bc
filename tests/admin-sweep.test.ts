/**
 * The completeness sweep end to end: Shopify (the Admin sandbox) has orders whose webhooks were
 * "lost"; the real worker runs the sweep job, which finds every one exactly once, and the sync
 * turns each into one FreshBooks invoice. The silence alert and /healthz report it.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { sweepShop, webhookSilence } from "../app/admin-sync/sweep.server";
import { enqueue } from "../app/jobs/enqueue.server";
import { logger } from "../app/logger.server";
import { loader as healthz } from "../app/routes/healthz";
import { connectThroughOAuth, until, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, sessionToken, TEST_SHOP } from "./helpers/shopify";
import { loader as syncLogLoader } from "../app/routes/app._index";
import { TEST_SHOPIFY } from "./test-env";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { deliverOrder, ensureInstalled, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const freshbooks = await useFreshBooksSandbox();
const shopify = await useShopifyAdminSandbox();
useWorker();

const invoices = () => freshbooks.state.invoices() as unknown as { invoice_number: string }[];

/** Orders created `minutesAgo` before now, as Shopify holds them (and as their webhook would carry them). */
function recentOrder(n: number, minutesAgo: number) {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  // `number` too: Shopify's order_number is number + 1000, and GraphQL only has `number`.
  return usOrder(n, { number: n - 1000, created_at: at, processed_at: at, updated_at: at } as never);
}

async function sweepJobDone(before: Date): Promise<void> {
  await until(async () => {
    const state = await prisma.shopSweep.findUnique({ where: { shop: TEST_SHOP } });
    const pending = await prisma.$queryRaw<
      { n: number }[]
    >`select count(*)::int as n from graphile_worker.jobs where task_identifier in ('sweep-shops', 'sweep-shop')`;
    return state?.lastRunAt !== null && state !== null && state.lastRunAt >= before && pending[0]!.n === 0;
  });
}

beforeEach(async () => {
  freshbooks.state.reset();
  shopify.clearOrders(TEST_SHOP);
  await resetSyncTables();
  await prisma.shopSweep.deleteMany();
  await ensureInstalled();
  await connectThroughOAuth();
});

describe("the completeness sweep", () => {
  it("finds every order whose webhook was lost, exactly once, through the real worker; a second sweep finds nothing", async () => {
    const orders = Array.from({ length: 12 }, (_, i) => recentOrder(2000 + i, 20 + i * 5));
    shopify.addWebhookOrders(TEST_SHOP, orders);
    const lost = orders.filter((_, i) => i % 2 === 1);
    for (const order of orders.filter((_, i) => i % 2 === 0)) expect((await deliverOrder(order)).status).toBe(200);
    await waitForSync();

    const before = new Date();
    // The cron's own job: it queues one sweep per installed shop.
    await enqueue(prisma, "sweep-shops", {});
    await sweepJobDone(before);
    const rows = await waitForSync(orders.map((order) => order.id));

    expect(rows).toHaveLength(12);
    const recovered = rows
      .filter((row) => row.origin === "sweep")
      .map((row) => row.orderId)
      .sort();
    expect(recovered).toEqual(lost.map((order) => String(order.id)).sort());
    expect(rows.filter((row) => row.status !== "synced").map((row) => `${row.orderName} ${row.status} ${row.statusReason}`)).toEqual([]);
    expect(
      invoices()
        .map((invoice) => invoice.invoice_number)
        .sort(),
    ).toEqual(orders.map((order) => `SHOP-${order.order_number}`).sort());

    // Six missing at once: the silence alert is on, and /healthz says so (no shop names).
    expect(await webhookSilence(prisma, TEST_SHOP)).toMatchObject({ missing: 6 });
    const health = await healthz({ request: new Request("http://localhost/healthz"), params: {}, context: { remoteAddress: "127.0.0.1" } });
    expect(((await health.json()) as { webhookSilence?: { shops: number } }).webhookSilence).toEqual({ shops: 1 });

    // The sync log's loader carries it for the banner.
    const log = (await syncLogLoader(
      routeArgs(
        new Request(`${TEST_SHOPIFY.appUrl}/app?_data=routes/app._index`, { headers: { Authorization: `Bearer ${sessionToken()}` } }),
      ),
    )) as { webhookSilence: { missing: number } | null };
    expect(log.webhookSilence).toMatchObject({ missing: 6 });

    // Again, with nothing missing: one small query, nothing queued, the alert clears.
    const requestsBefore = shopify.requests.length;
    const again = await sweepShop(TEST_SHOP, { db: prisma, logger });
    expect(again.recovered).toEqual([]);
    expect(shopify.requests.length - requestsBefore).toBe(1);
    expect(invoices()).toHaveLength(12);
    expect(await webhookSilence(prisma, TEST_SHOP)).toBeNull();
  });

  it("an order whose webhook arrives after the sweep recovered it is synced once", async () => {
    const order = recentOrder(2100, 30);
    shopify.addWebhookOrders(TEST_SHOP, [order]);
    const result = await sweepShop(TEST_SHOP, { db: prisma, logger });
    expect(result.recovered).toEqual([String(order.id)]);
    expect((await deliverOrder(order)).status).toBe(200);
    const [row] = await waitForSync([order.id]);
    expect(row).toMatchObject({ status: "synced", origin: "sweep" });
    expect(invoices()).toHaveLength(1);
    expect(await prisma.orderSync.count()).toBe(1);
  });

  it("leaves orders younger than the lag to their webhook, and covers the window again after Shopify failed", async () => {
    const young = recentOrder(2200, 1);
    const older = recentOrder(2201, 30);
    shopify.addWebhookOrders(TEST_SHOP, [young, older]);
    shopify.injectFault({ kind: "status", status: 503 }, { times: 10 });
    await expect(sweepShop(TEST_SHOP, { db: prisma, logger, admin: { sleep: async () => undefined } })).rejects.toThrow(/Shopify/);
    expect(await prisma.orderSync.count()).toBe(0);
    shopify.clearFaults();
    const result = await sweepShop(TEST_SHOP, { db: prisma, logger });
    expect(result.recovered).toEqual([String(older.id)]);
  });
});
