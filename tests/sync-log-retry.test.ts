import { beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import prisma from "../app/db.server";
import { queueSync, requeueOrders, syncJobKey } from "../app/models/order-sync.server";
import { action as detailAction, loader as detailLoader } from "../app/routes/app.orders.$id";
import { action as logAction } from "../app/routes/app._index";
import { resetSyncTables } from "./helpers/sync";
import { routeArgs, seedOfflineSession, sessionToken, settle, TEST_SHOP } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

/**
 * Retry through the real routes (signed session token, real authenticate.admin), racing a
 * "worker" that changes the order in another connection while Retry is in flight.
 */
const OTHER_SHOP = "another-shop.myshopify.com";

async function seedOrder(shop: string, n: number, status: string, extra: { nextAttemptAt?: Date } = {}) {
  return prisma.orderSync.create({
    data: {
      shop,
      orderId: String(700_000 + n),
      orderName: `#${n}`,
      orderNumber: n,
      totalPrice: "10.00",
      currency: "USD",
      status,
      payload: {},
      ...extra,
    },
  });
}

function adminPost(path: string, form: Record<string, string>, shop = TEST_SHOP) {
  return new Request(`${TEST_SHOPIFY.appUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sessionToken(shop)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

const bulkRetry = (ids: (bigint | string)[], shop = TEST_SHOP) =>
  settle(() => logAction(routeArgs(adminPost("/app?index", { intent: "retry", ids: ids.join(",") }, shop))));

/** What an action answered: the body of a returned Response, or the plain object. */
async function answer(result: unknown): Promise<{ status: number; body: unknown }> {
  if (result instanceof Response) return { status: result.status, body: await result.json().catch(() => null) };
  return { status: 200, body: result };
}

async function jobsOf(orderId: string) {
  return prisma.$queryRaw<{ key: string | null; locked_at: Date | null }[]>`
    select j.key, j.locked_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'sync-order' and j.payload->>'orderId' = ${orderId}`;
}

/** Another connection (the worker) holding the order's row in an open transaction. */
async function holdRow(sql: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("begin");
  await client.query(sql, values);
  return {
    async waitForBlocked(count: number) {
      // Asked from outside this transaction: pg_stat_activity is a snapshot within one.
      for (let i = 0; i < 400; i++) {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
        if ((row?.n ?? 0) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await client.query("rollback").finally(() => client.end());
      throw new Error(`fewer than ${count} statements waited for the row`);
    },
    async end(outcome: "commit" | "rollback") {
      await client.query(outcome);
      await client.end();
    },
  };
}

beforeEach(async () => {
  await resetSyncTables();
  await seedOfflineSession(process.env.DATABASE_URL!);
});

describe("Retry never races a worker", () => {
  it("leaves an order a worker claimed while Retry waited: no second job beside the running one", async () => {
    // GIVEN a failed order whose job a worker has just locked, and is claiming the order
    const order = await seedOrder(TEST_SHOP, 1, "failed");
    await queueSync(prisma, TEST_SHOP, order.orderId);
    const worker = await holdRow("update order_sync set status = 'syncing', last_attempt_at = now() where id = $1", [order.id]);
    await prisma.$executeRaw`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'worker-a'`;

    // WHEN the merchant clicks Retry before the claim commits
    const retry = bulkRetry([order.id]);
    await worker.waitForBlocked(1);
    await worker.end("commit");

    // THEN Retry does nothing: the order stays with the worker, and only its job exists
    expect(await answer(await retry)).toEqual({
      status: 200,
      body: { error: "Nothing to retry: those orders are synced, syncing or about to sync." },
    });
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("syncing");
    expect(await jobsOf(order.orderId)).toEqual([expect.objectContaining({ locked_at: expect.any(Date) })]);
  });

  it("leaves an order that was synced while Retry waited", async () => {
    const order = await seedOrder(TEST_SHOP, 1, "failed");
    const worker = await holdRow("update order_sync set status = 'synced', status_reason = null where id = $1", [order.id]);

    const retry = settle(() => detailAction({ ...routeArgs(adminPost(`/app/orders/${order.id}`, {})), params: { id: String(order.id) } }));
    await worker.waitForBlocked(1);
    await worker.end("commit");

    expect(await retry).toEqual({ error: "This order is synced, syncing or about to sync." });
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("synced");
    expect(await jobsOf(order.orderId)).toEqual([]);
  });

  it("two Retry clicks at once queue the order once and add one job", async () => {
    const order = await seedOrder(TEST_SHOP, 1, "failed");
    const held = await holdRow("select id from order_sync where id = $1 for update", [order.id]);

    const clicks = [bulkRetry([order.id]), bulkRetry([order.id])];
    await held.waitForBlocked(2);
    await held.end("rollback");

    const bodies = (await Promise.all((await Promise.all(clicks)).map(answer))).map((a) => a.body);
    expect(bodies).toEqual(
      expect.arrayContaining([
        { message: "1 order queued for retry" },
        { error: "Nothing to retry: those orders are synced, syncing or about to sync." },
      ]),
    );
    expect(await jobsOf(order.orderId)).toHaveLength(1);
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("queued");
  });

  it("runs an order waiting out a scheduled retry now, but not one that is about to run anyway", async () => {
    const waiting = await seedOrder(TEST_SHOP, 1, "queued", { nextAttemptAt: new Date(Date.now() + 3_600_000) });
    const due = await seedOrder(TEST_SHOP, 2, "queued");

    expect(await answer(await bulkRetry([waiting.id, due.id]))).toEqual({ status: 200, body: { message: "1 order queued for retry" } });
    expect((await prisma.orderSync.findUniqueOrThrow({ where: { id: waiting.id } })).nextAttemptAt).toBeNull();
    expect(await jobsOf(due.orderId)).toEqual([]);
  });
});

describe("Retry and the order page stay within the shop", () => {
  it("answers 404 to a bulk Retry naming another shop's order, and retries nothing", async () => {
    const mine = await seedOrder(TEST_SHOP, 1, "failed");
    const theirs = await seedOrder(OTHER_SHOP, 2, "failed");

    expect(await answer(await bulkRetry([theirs.id]))).toEqual({ status: 404, body: { error: "Some of those orders were not found." } });
    expect(await answer(await bulkRetry([mine.id, theirs.id]))).toEqual({
      status: 404,
      body: { error: "Some of those orders were not found." },
    });
    expect((await prisma.orderSync.findMany({ orderBy: { id: "asc" } })).map((o) => o.status)).toEqual(["failed", "failed"]);
    expect(await jobsOf(mine.orderId)).toEqual([]);
  });

  it.each(["99999999999999999999", "9223372036854775808", "12abc", "-1", ""])(
    "answers 400, never 500, to the malformed id %j",
    async (id) => {
      expect((await answer(await bulkRetry([id]))).status).toBe(400);
    },
  );

  it.each(["99999999999999999999", "abc", "0"])("answers 404 to the order page and its Retry for the id %j", async (id) => {
    const request = new Request(`${TEST_SHOPIFY.appUrl}/app/orders/${id}`, { headers: { Authorization: `Bearer ${sessionToken()}` } });
    const view = (await settle(() => detailLoader({ ...routeArgs(request), params: { id } }))) as Response;
    const retry = (await settle(() => detailAction({ ...routeArgs(adminPost(`/app/orders/${id}`, {})), params: { id } }))) as Response;
    expect([view.status, retry.status]).toEqual([404, 404]);
  });
});

describe("re-queueing many orders at once (a reconnect after a long outage)", () => {
  beforeEach(async () => {
    await resetSyncTables();
  });

  it("re-queues thousands of waiting orders in one go, each with one job keyed as queueSync keys it", async () => {
    const count = 3000;
    await prisma.$executeRaw`
      insert into order_sync (shop, order_id, order_name, order_number, total_price, currency, status, payload, updated_at)
      select ${TEST_SHOP}, (800000 + g)::text, '#' || g, g, '10.00', 'USD', 'needs_reconnect', '{}'::jsonb, now()
      from generate_series(1, ${count}::int) g`;
    await seedOrder(TEST_SHOP, 1, "synced");

    expect(await requeueOrders(prisma, TEST_SHOP, { status: "needs_reconnect" })).toBe(count);

    const [waiting] = await prisma.$queryRaw<
      { n: bigint }[]
    >`select count(*) as n from order_sync where shop = ${TEST_SHOP} and status = 'queued'`;
    expect(Number(waiting?.n)).toBe(count);
    const sample = String(800000 + 1234);
    expect(await jobsOf(sample)).toEqual([{ key: syncJobKey(TEST_SHOP, sample), locked_at: null }]);
    const [all] = await prisma.$queryRaw<{ n: bigint; keys: bigint }[]>`
      select count(*) as n, count(distinct key) as keys from graphile_worker._private_jobs`;
    expect({ jobs: Number(all?.n), keys: Number(all?.keys) }).toEqual({ jobs: count, keys: count });

    // The pipeline's own re-queue of one of them replaces that job rather than adding a second.
    await queueSync(prisma, TEST_SHOP, sample, new Date(Date.now() + 60_000));
    expect(await jobsOf(sample)).toHaveLength(1);
  });
});
