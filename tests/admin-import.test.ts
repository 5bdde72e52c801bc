/**
 * Import past orders end to end through the real worker: the estimate, the import itself
 * (idempotent with webhooks), pause / resume / cancel, how far back it can see, and live orders
 * going first.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { controlImport, estimateImport, importProgress, rangeQuery, startImport, ImportConflict } from "../app/admin-sync/import.server";
import { adminGraphql } from "../app/shopify/admin-api.server";
import { bulkOrdersQuery } from "../app/shopify/graphql-order";
import { logger } from "../app/logger.server";
import { connectThroughOAuth, until, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, sessionToken, TEST_SHOP } from "./helpers/shopify";
import { action as importAction, loader as importLoader } from "../app/routes/app.import";
import { TEST_SHOPIFY } from "./test-env";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { deliverOrder, ensureInstalled, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const freshbooks = await useFreshBooksSandbox();
const shopify = await useShopifyAdminSandbox();
useWorker();

const deps = { db: prisma, logger };
const invoices = () => freshbooks.state.invoices() as unknown as { invoice_number: string }[];
const DAY = 24 * 3600_000;

function pastOrder(n: number, daysAgo: number) {
  const at = new Date(Date.now() - daysAgo * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
  return usOrder(n, { number: n - 1000, created_at: at, processed_at: at, updated_at: at } as never);
}

async function importSettled(id: bigint) {
  await until(async () => {
    const progress = await importProgress(prisma, TEST_SHOP, id);
    return progress !== null && progress.status !== "running" && progress.queued === 0;
  }, 600_000);
  return (await importProgress(prisma, TEST_SHOP, id))!;
}

beforeEach(async () => {
  freshbooks.state.reset();
  shopify.clearOrders(TEST_SHOP);
  shopify.setScopes(TEST_SHOP, ["read_orders"]);
  await resetSyncTables();
  await prisma.orderImport.deleteMany();
  await ensureInstalled();
  await connectThroughOAuth();
});

describe("import past orders", () => {
  it("estimates, then imports every order of the range once; orders that came by webhook are not synced again", async () => {
    const orders = Array.from({ length: 60 }, (_, i) => pastOrder(3000 + i, 1 + (i % 25)));
    shopify.addWebhookOrders(TEST_SHOP, orders);
    const outside = pastOrder(3999, 40);
    shopify.addWebhookOrders(TEST_SHOP, [outside]);
    for (const order of orders.slice(0, 5)) await deliverOrder(order);
    await waitForSync(orders.slice(0, 5).map((order) => order.id));

    const from = new Date(Date.now() - 30 * DAY);
    const estimate = await estimateImport(TEST_SHOP, from, new Date(), deps);
    expect(estimate).toMatchObject({ orders: 60, precision: "EXACT", clampedFrom: false, freshbooksRequests: 240 });
    expect(estimate.minutes).toBeGreaterThan(0);

    const job = await startImport(TEST_SHOP, from, new Date(), deps);
    // Until Shopify's bulk query has written its file, the page says it is gathering the orders.
    expect(await importProgress(prisma, TEST_SHOP, job.id)).toMatchObject({ status: "running", found: 0, reading: true });
    await expect(startImport(TEST_SHOP, from, new Date(), deps)).rejects.toBeInstanceOf(ImportConflict);
    const progress = await importSettled(job.id);

    expect(progress).toMatchObject({ status: "done", found: 60, alreadyKnown: 5, synced: 55, skipped: 0, failed: 0, reading: false });
    const numbers = invoices().map((invoice) => invoice.invoice_number);
    expect(numbers).toHaveLength(60);
    expect(new Set(numbers).size).toBe(60);
    expect(numbers).not.toContain(`SHOP-${outside.order_number}`);
    expect(await prisma.orderSync.count({ where: { origin: "import" } })).toBe(55);
  });

  it("pauses (nothing more is read), resumes from its stored cursor, and ends with every order exactly once", async () => {
    const orders = Array.from({ length: 130 }, (_, i) => pastOrder(4000 + i, 1 + (i % 20)));
    shopify.addWebhookOrders(TEST_SHOP, orders);
    const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
    const paused = await controlImport(TEST_SHOP, job.id, "pause", deps);
    expect(paused?.status).toBe("paused");
    const requestsAtPause = shopify.requests.length;
    const foundAtPause = (await prisma.orderImport.findUniqueOrThrow({ where: { id: job.id } })).found;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A page under way when the pause came may finish its current order; then nothing more.
    expect(shopify.requests.length - requestsAtPause).toBeLessThanOrEqual(3);
    expect((await prisma.orderImport.findUniqueOrThrow({ where: { id: job.id } })).found).toBe(foundAtPause);

    expect((await controlImport(TEST_SHOP, job.id, "resume", deps))?.status).toBe("running");
    const progress = await importSettled(job.id);
    expect(progress).toMatchObject({ status: "done", found: 130, synced: 130, failed: 0 });
    expect(new Set(invoices().map((invoice) => invoice.invoice_number)).size).toBe(130);
    expect(invoices()).toHaveLength(130);
  });

  it("cancel stops the import; another shop cannot control it", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 80 }, (_, i) => pastOrder(5000 + i, 2)),
    );
    const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
    expect(await controlImport("other-shop.myshopify.com", job.id, "cancel", deps)).toBeNull();
    expect((await controlImport(TEST_SHOP, job.id, "cancel", deps))?.status).toBe("cancelled");
    const found = (await prisma.orderImport.findUniqueOrThrow({ where: { id: job.id } })).found;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await prisma.orderImport.findUniqueOrThrow({ where: { id: job.id } })).found).toBe(found);
  });

  it("says how far back it can see: without read_all_orders the range starts 60 days ago", async () => {
    shopify.addWebhookOrders(TEST_SHOP, [pastOrder(6000, 10), pastOrder(6001, 90)]);
    const estimate = await estimateImport(TEST_SHOP, new Date(Date.now() - 120 * DAY), new Date(), deps);
    expect(estimate).toMatchObject({ clampedFrom: true, allOrders: false, orders: 1 });
    expect(Math.round((Date.now() - estimate.from.getTime()) / DAY)).toBe(60);

    await prisma.$executeRaw`update "Session" set scope = 'read_orders,read_all_orders' where shop = ${TEST_SHOP}`;
    shopify.setScopes(TEST_SHOP, ["read_orders", "read_all_orders"]);
    const all = await estimateImport(TEST_SHOP, new Date(Date.now() - 120 * DAY), new Date(), deps);
    expect(all).toMatchObject({ clampedFrom: false, allOrders: true, orders: 2 });
    await prisma.$executeRaw`update "Session" set scope = 'read_orders' where shop = ${TEST_SHOP}`;
  });

  it("imported orders wait behind live orders (lower priority in the same queue)", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 40 }, (_, i) => pastOrder(7000 + i, 3)),
    );
    const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
    await until(async () => (await prisma.orderSync.count({ where: { importId: job.id } })) >= 10);
    const live = pastOrder(7999, 0);
    await deliverOrder(live);
    const [row] = await waitForSync([live.id]);
    expect(row?.status).toBe("synced");
    // Every imported order still waiting is behind live ones, retries included.
    const jobs = await prisma.$queryRaw<{ priority: number; n: number }[]>`
      select j.priority, count(*)::int as n from graphile_worker.jobs j
      where j.task_identifier = 'sync-order' and j.key <> ${`sync-order:${TEST_SHOP}:${live.id}`} group by j.priority`;
    expect(jobs.filter((entry) => entry.priority !== 10)).toEqual([]);
    await importSettled(job.id);
  });
});

describe("reading the range with a bulk query", () => {
  it("children-last JSONL and a bulk query that fails once: another is started, each order synced once, its invoice tying out to the order", async () => {
    shopify.configure({ dialect: { bulkLineOrder: "children-last" } });
    shopify.injectFault({ kind: "bulk-failed" }, { operation: /ImportStartBulkQuery/ });
    try {
      const orders = Array.from({ length: 30 }, (_, i) => pastOrder(8000 + i, 1 + (i % 9)));
      shopify.addWebhookOrders(TEST_SHOP, orders);
      const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
      const progress = await importSettled(job.id);
      expect(progress).toMatchObject({ status: "done", found: 30, synced: 30, failed: 0 });
      expect(shopify.shop(TEST_SHOP).bulkOperations.map((op) => op.ended?.status ?? "COMPLETED")).toEqual(["FAILED", "COMPLETED"]);
      const all = freshbooks.state.invoices() as unknown as { invoice_number: string; amount: { amount: string } }[];
      expect(all.map((invoice) => invoice.invoice_number).sort()).toEqual(orders.map((order) => `SHOP-${order.order_number}`).sort());
      for (const order of orders) {
        const invoice = all.find((candidate) => candidate.invoice_number === `SHOP-${order.order_number}`)!;
        expect(invoice.amount.amount, order.name).toBe(String(order.total_price));
      }
      // The file's lines are gone once their orders are queued.
      expect(await prisma.orderImportLine.count()).toBe(0);
    } finally {
      shopify.configure({ dialect: { bulkLineOrder: "after-parent" } });
      shopify.clearFaults();
    }
  });

  it("a bulk query already started for the same range (a step that crashed after asking) is used, not asked for twice", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 5 }, (_, i) => pastOrder(8100 + i, 2)),
    );
    const from = new Date(Date.now() - 30 * DAY);
    const to = new Date();
    await adminGraphql(
      TEST_SHOP,
      "mutation Earlier($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: false) { bulkOperation { id } userErrors { message } } }",
      { query: bulkOrdersQuery(rangeQuery(from, to)) },
    );
    const job = await startImport(TEST_SHOP, from, to, deps);
    expect(await importSettled(job.id)).toMatchObject({ status: "done", found: 5, synced: 5 });
    expect(shopify.shop(TEST_SHOP).bulkOperations).toHaveLength(1);
    expect(invoices()).toHaveLength(5);
  });

  it("a bulk file that can no longer be read (its URL expired) is asked for again; each order once", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 4 }, (_, i) => pastOrder(8300 + i, 2)),
    );
    shopify.injectFault({ kind: "bulk-file-expired" });
    try {
      const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
      expect(await importSettled(job.id)).toMatchObject({ status: "done", found: 4, synced: 4, failed: 0 });
      expect(shopify.shop(TEST_SHOP).bulkOperations).toHaveLength(2);
      expect(invoices()).toHaveLength(4);
    } finally {
      shopify.clearFaults();
    }
  });

  it("when Shopify cannot read the range three times, the import stops and says so in words; nothing is half-queued", async () => {
    shopify.addWebhookOrders(TEST_SHOP, [pastOrder(8200, 2)]);
    shopify.injectFault({ kind: "bulk-failed" }, { operation: /ImportStartBulkQuery/, times: 3 });
    try {
      const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
      const progress = await importSettled(job.id);
      expect(progress).toMatchObject({ status: "failed", found: 0, synced: 0 });
      expect(progress.error).toBe("Shopify could not read the orders of this range (it failed 3 times). Start the import again later.");
      expect(invoices()).toHaveLength(0);
    } finally {
      shopify.clearFaults();
    }
  });
  it("when its step fails every attempt its job has (Shopify unreachable), the import is paused saying why, and Resume finishes it", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 3 }, (_, i) => pastOrder(8400 + i, 2)),
    );
    shopify.injectFault({ kind: "status", status: 503 }, { operation: /ImportCurrentBulkQuery|ImportStartBulkQuery/, times: 1000 });
    try {
      const job = await startImport(TEST_SHOP, new Date(Date.now() - 30 * DAY), new Date(), deps);
      // The first attempt failed and graphile-worker waits before the next one: the job is given
      // one more attempt only (its last), instead of the catalog's ten with their long backoff.
      await until(async () => {
        const rows = await prisma.$queryRaw<{ n: number }[]>`
          select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
          where t.identifier = 'import-orders' and j.attempts = 1 and j.locked_at is null and j.last_error is not null`;
        return rows[0]?.n === 1;
      }, 120_000);
      await prisma.$executeRaw`
        update graphile_worker._private_jobs set max_attempts = 2, run_at = now()
        where task_id = (select id from graphile_worker._private_tasks where identifier = 'import-orders')`;
      await until(async () => (await importProgress(prisma, TEST_SHOP, job.id))?.status === "paused", 120_000);
      const paused = (await importProgress(prisma, TEST_SHOP, job.id))!;
      expect(paused.error).toBe(
        "Paused after repeated failures (Shopify answered HTTP 503; gave up after 5 tries). Resume goes on from where it stopped.",
      );
      expect(invoices()).toHaveLength(0);

      shopify.clearFaults();
      await controlImport(TEST_SHOP, job.id, "resume", deps);
      const done = await importSettled(job.id);
      expect(done).toMatchObject({ status: "done", found: 3, synced: 3, failed: 0, error: null });
      expect(
        invoices()
          .map((invoice) => invoice.invoice_number)
          .sort(),
      ).toEqual(["SHOP-8400", "SHOP-8401", "SHOP-8402"]);
    } finally {
      shopify.clearFaults();
    }
  });
});

describe("the import page (its loader and action, through authenticate.admin)", () => {
  const post = (fields: Record<string, string>) =>
    new Request(`${TEST_SHOPIFY.appUrl}/app/import`, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { Authorization: `Bearer ${sessionToken()}`, "Content-Type": "application/x-www-form-urlencoded" },
    });

  it("estimates, starts, and reports the counts the progress bar draws; a bad date is said in words", async () => {
    shopify.addWebhookOrders(
      TEST_SHOP,
      Array.from({ length: 3 }, (_, i) => pastOrder(9500 + i, 2)),
    );
    const day = (d: number) => new Date(Date.now() - d * DAY).toISOString().slice(0, 10);
    const estimate = (await importAction(routeArgs(post({ intent: "estimate", from: day(30), to: day(0) })))) as {
      estimate?: { orders: number };
    };
    expect(estimate.estimate?.orders).toBe(3);
    expect(await importAction(routeArgs(post({ intent: "start", from: day(30), to: day(0) })))).toEqual({});
    const loaded = (await importLoader(
      routeArgs(new Request(`${TEST_SHOPIFY.appUrl}/app/import`, { headers: { Authorization: `Bearer ${sessionToken()}` } })),
    )) as { current: { status: string; estimate: number; id: string } };
    expect(loaded.current).toMatchObject({ estimate: 3 });
    const settled = await importSettled(BigInt(loaded.current.id));
    expect(settled).toMatchObject({ status: "done", found: 3, synced: 3 });
    const bad = (await importAction(routeArgs(post({ intent: "start", from: "yesterday", to: day(0) })))) as { error?: string };
    expect(bad.error).toBe("Choose a start and an end date.");
  });
});
