import { parseCrontab, runOnce } from "graphile-worker";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { taskCatalog } from "../app/jobs/catalog";
import { enqueue } from "../app/jobs/enqueue.server";
import { CRONTAB, tasks } from "../app/jobs/worker.server";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables } from "./helpers/sync";

const OTHER_SHOP = "other-store.myshopify.com";

/** An order as it would be after syncing: its status, and how many days ago it last changed. */
async function orderThatIs(n: number, status: string, daysAgo: number) {
  const order = usOrder(n);
  expect((await deliverOrder(order)).status).toBe(200);
  await prisma.$executeRaw`update order_sync set status = ${status}, last_attempt_at = now() - ${daysAgo}::int * interval '1 day', updated_at = now() - ${daysAgo}::int * interval '1 day' where order_id = ${String(order.id)}`;
  return String(order.id);
}

async function dataRequestFrom(daysAgo: number, shop = TEST_SHOP) {
  const row = await prisma.complianceRequest.create({
    data: {
      shop,
      topic: "customers/data_request",
      payload: { customer: { email: "jane.doe@example.com" } },
      exportData: { customer: { email: "jane.doe@example.com" }, orders: [] },
    },
  });
  await prisma.$executeRaw`update compliance_request set received_at = now() - ${daysAgo}::int * interval '1 day' where id = ${row.id}`;
  return row.id;
}

async function oauthState(nonce: string, usedHoursAgo: number | null, expiresInHours: number) {
  await prisma.$executeRaw`insert into oauth_state (nonce, shop, expires_at, used_at)
    values (${nonce}, ${TEST_SHOP}, now() + ${expiresInHours}::int * interval '1 hour', now() - ${usedHoursAgo}::int * interval '1 hour')`;
}

/** The daily job, run by a real graphile-worker with the app's task list. */
async function runRetentionJob() {
  await prisma.$executeRawUnsafe("delete from graphile_worker._private_jobs"); // the orders' sync jobs: not this test's
  await enqueue(prisma, "purge-expired-data", {});
  await runOnce({ connectionString: process.env.DATABASE_URL!, taskList: tasks });
}

beforeEach(async () => {
  await resetSyncTables();
  await prisma.complianceRequest.deleteMany();
});

describe("retention", () => {
  it("the daily job empties snapshots and deletes deliveries of orders final for 90 days, and keeps the rest", async () => {
    const expired = await orderThatIs(4001, "synced", 91);
    const recent = await orderThatIs(4002, "synced", 89);
    const skipped = await orderThatIs(4003, "skipped", 120);
    const failed = await orderThatIs(4004, "failed", 200); // the merchant may still retry it: needs its snapshot
    const differs = await orderThatIs(4005, "synced_with_difference", 200); // may be re-checked

    await runRetentionJob();

    const rows = await prisma.orderSync.findMany({ select: { orderId: true, payload: true, orderName: true, totalPrice: true } });
    const held = (id: string) => rows.find((row) => row.orderId === id)!;
    expect(held(expired).payload).toEqual({});
    expect(held(skipped).payload).toEqual({});
    for (const id of [recent, failed, differs]) expect(JSON.stringify(held(id).payload)).toContain("jane.doe@example.com");
    expect(held(expired)).toMatchObject({ orderName: "#4001", totalPrice: "49.10" }); // the sync log still shows the order
    const deliveries = await prisma.webhookDelivery.findMany({ select: { orderId: true } });
    expect(deliveries.map((row) => row.orderId).sort()).toEqual([recent, failed, differs].sort());
  });

  it("deletes data-request exports after 30 days, used or expired OAuth states after a day, deliveries without an order after 90 days", async () => {
    const old = await dataRequestFrom(31);
    const fresh = await dataRequestFrom(29);
    const otherShops = await dataRequestFrom(29, OTHER_SHOP);
    await oauthState("used-two-days-ago", 48, -47);
    await oauthState("used-an-hour-ago", 1, 0);
    await oauthState("expired-unused-two-days-ago", null, -48);
    await oauthState("pending", null, 1);
    await prisma.webhookDelivery.createMany({
      data: [
        { shop: TEST_SHOP, webhookId: "unreadable-old", topic: "orders/create", payload: { raw: "jane.doe@example.com" } },
        { shop: TEST_SHOP, webhookId: "unreadable-new", topic: "orders/create", payload: { raw: "jane.doe@example.com" } },
      ],
    });
    await prisma.$executeRaw`update webhook_delivery set received_at = now() - interval '91 days' where webhook_id = 'unreadable-old'`;
    const rawBody = Buffer.from('{"email": "jane.doe@example.com", oops');
    await prisma.rejectedDelivery.createMany({
      data: ["rejected-old", "rejected-new"].map((webhookId) => ({
        shop: TEST_SHOP,
        webhookId,
        topic: "ORDERS_CREATE",
        reason: "The body is not valid JSON.",
        body: rawBody,
      })),
    });
    await prisma.$executeRaw`update rejected_delivery set received_at = now() - interval '91 days' where webhook_id = 'rejected-old'`;

    await runRetentionJob();

    expect((await prisma.complianceRequest.findMany({ orderBy: { id: "asc" } })).map((row) => row.id)).toEqual([fresh, otherShops]);
    expect(old).toBeDefined();
    expect((await prisma.oauthState.findMany({ orderBy: { nonce: "asc" } })).map((row) => row.nonce)).toEqual([
      "pending",
      "used-an-hour-ago",
    ]);
    expect((await prisma.webhookDelivery.findMany()).map((row) => row.webhookId)).toEqual(["unreadable-new"]);
    expect((await prisma.rejectedDelivery.findMany()).map((row) => row.webhookId)).toEqual(["rejected-new"]);
    await prisma.rejectedDelivery.deleteMany();
  });

  it("is a daily cron item of the worker, for a task of the catalog", () => {
    const items = parseCrontab(CRONTAB);
    const purge = items.find((item) => item.task === "purge-expired-data");
    expect(purge).toBeDefined();
    expect(purge!.match({ min: 17, hour: 3, date: 1, month: 1, dow: 1 })).toBe(true);
    expect(purge!.match({ min: 17, hour: 4, date: 1, month: 1, dow: 1 })).toBe(false);
    for (const item of items) {
      expect(Object.keys(taskCatalog)).toContain(item.task);
      expect(Object.keys(tasks)).toContain(item.task);
    }
  });
});
