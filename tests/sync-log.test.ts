import { beforeEach, describe, expect, it } from "vitest";
import prisma, { pool } from "../app/db.server";
import { backlog, countOrders, listOrders, orderDetail, summarize, summaryPieces } from "../app/models/sync-log.server";
import { STATUS_FILTERS, type StatusFilter } from "../app/models/sync-status";
import { parseSettingsForm } from "../app/models/settings.server";
import { action as retryAction, loader as detailLoader } from "../app/routes/app.orders.$id";
import { action as logAction, pageLabel } from "../app/routes/app._index";
import { resetSyncTables } from "./helpers/sync";
import { routeArgs, seedOfflineSession, sessionToken, settle, TEST_SHOP } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

const OTHER_SHOP = "another-shop.myshopify.com";
const base = new Date("2026-11-20T12:00:00Z");

async function seedOrders(shop: string, n: number, status = "synced", startNumber = 1) {
  await prisma.orderSync.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      shop,
      orderId: String(900_000 + startNumber + i),
      orderName: `#${startNumber + i}`,
      orderNumber: startNumber + i,
      customerEmail: `buyer${startNumber + i}@example.com`,
      totalPrice: "10.00",
      currency: "USD",
      status,
      payload: {},
      createdAt: new Date(base.getTime() + (startNumber + i) * 60_000),
    })),
  });
}

function adminPost(path: string, form: Record<string, string>, shop = TEST_SHOP) {
  return new Request(`${TEST_SHOPIFY.appUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sessionToken(shop)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

beforeEach(async () => {
  await resetSyncTables();
});

describe("sync log queries", () => {
  it("pages newest first with keyset cursors, forwards and back, without gaps or repeats", async () => {
    await seedOrders(TEST_SHOP, 60);
    const first = await listOrders(prisma, TEST_SHOP, { limit: 25 });
    const second = await listOrders(prisma, TEST_SHOP, { limit: 25, after: first.next! });
    const third = await listOrders(prisma, TEST_SHOP, { limit: 25, after: second.next! });
    const names = [...first.rows, ...second.rows, ...third.rows].map((row) => row.orderName);

    expect(names).toEqual(Array.from({ length: 60 }, (_, i) => `#${60 - i}`));
    expect(first.previous).toBeNull();
    expect(third.next).toBeNull();
    const back = await listOrders(prisma, TEST_SHOP, { limit: 25, before: second.previous! });
    expect(back.rows.map((r) => r.orderName)).toEqual(first.rows.map((r) => r.orderName));

    // Where each page is: "1–25", "26–50", "51–60" of 60, and back to "1–25".
    expect([first, second, third, back].map((page) => pageLabel(page.offset, page.rows.length, 60))).toEqual([
      "1–25 of 60",
      "26–50 of 60",
      "51–60 of 60",
      "1–25 of 60",
    ]);
    const backFromLast = await listOrders(prisma, TEST_SHOP, { limit: 25, before: third.previous! });
    expect(pageLabel(backFromLast.offset, backFromLast.rows.length, 60)).toBe("26–50 of 60");
    expect(pageLabel(50, 25, 1204)).toBe("51–75 of 1,204");
  });

  it("finds orders by part of the customer's name, in any case, as the Customer column shows them", async () => {
    await seedOrders(TEST_SHOP, 3, "synced", 1);
    await prisma.orderSync.updateMany({ where: { orderNumber: 2 }, data: { customerName: "Ada Lovelace" } });
    await prisma.orderSync.updateMany({ where: { orderNumber: 3 }, data: { customerName: "100% Cotton_Co" } });
    await seedOrders(OTHER_SHOP, 1, "synced", 2);
    await prisma.orderSync.updateMany({ where: { shop: OTHER_SHOP }, data: { customerName: "Ada Lovelace" } });

    const names = async (search: string) => (await listOrders(prisma, TEST_SHOP, { search })).rows.map((r) => r.orderName);
    expect(await names("lovelace")).toEqual(["#2"]);
    expect(await names("ADA LOVE")).toEqual(["#2"]);
    // % and _ are letters here, not wildcards.
    expect(await names("100%")).toEqual(["#3"]);
    expect(await names("n_C")).toEqual(["#3"]);
    expect(await names("a%e")).toEqual([]);
    expect(await countOrders(prisma, TEST_SHOP, { search: "ada" })).toBe(1);
  });

  it("filters by state and searches by order name, number or email, within one shop", async () => {
    await seedOrders(TEST_SHOP, 5, "synced", 1);
    await seedOrders(TEST_SHOP, 2, "failed", 6);
    await seedOrders(OTHER_SHOP, 3, "failed", 6);

    expect((await listOrders(prisma, TEST_SHOP, { status: "failed" })).rows.map((r) => r.orderName)).toEqual(["#7", "#6"]);
    expect((await listOrders(prisma, TEST_SHOP, { search: "#3" })).rows.map((r) => r.orderName)).toEqual(["#3"]);
    expect((await listOrders(prisma, TEST_SHOP, { search: "4" })).rows.map((r) => r.orderName)).toEqual(["#4"]);
    expect((await listOrders(prisma, TEST_SHOP, { search: "BUYER2@example.com" })).rows.map((r) => r.orderName)).toEqual(["#2"]);
    const summary = await summarize(prisma, TEST_SHOP, new Date(base.getTime() - 86_400_000), new Date(base.getTime() + 86_400_000));
    expect(summary.counts).toMatchObject({ all: 7, synced: 5, failed: 2 });
  });

  it("narrows to a date range, and summarizes that range by state and by day", async () => {
    await seedOrders(TEST_SHOP, 3, "synced", 1); // minutes 1-3 after `base`
    await seedOrders(TEST_SHOP, 2, "failed", 1441); // the next day
    await seedOrders(OTHER_SHOP, 2, "failed", 1441);
    const day2 = new Date("2026-11-21T00:00:00Z");
    const day3 = new Date("2026-11-22T00:00:00Z");

    expect((await listOrders(prisma, TEST_SHOP, { from: day2, to: day3 })).rows.map((r) => r.orderName)).toEqual(["#1442", "#1441"]);
    const summary = await summarize(prisma, TEST_SHOP, new Date("2026-11-20T00:00:00Z"), day3);
    expect(summary.counts).toEqual({ all: 5, synced: 3, difference: 0, failed: 2, pending: 0, skipped: 0 });
    expect(summary.perDay).toEqual([
      { day: "2026-11-20", synced: 3, failed: 0 },
      { day: "2026-11-21", synced: 0, failed: 2 },
    ]);
  });

  it("counts as backlog only orders due now, and says whether one will change within the minute", async () => {
    const now = new Date();
    const inTwoHours = new Date(now.getTime() + 7_200_000);
    await seedOrders(TEST_SHOP, 1, "queued", 1);
    await seedOrders(TEST_SHOP, 1, "syncing", 2);
    await seedOrders(TEST_SHOP, 1, "queued", 3);
    await prisma.orderSync.updateMany({ where: { orderNumber: 3 }, data: { nextAttemptAt: inTwoHours } });
    await seedOrders(OTHER_SHOP, 4, "queued", 10);

    expect(await backlog(prisma, TEST_SHOP, now)).toMatchObject({ waiting: 2, changingSoon: true });

    await prisma.orderSync.updateMany({ where: { shop: TEST_SHOP, orderNumber: { in: [1, 2] } }, data: { status: "synced" } });
    expect(await backlog(prisma, TEST_SHOP, now)).toEqual({ waiting: 0, oldestSeconds: 0, changingSoon: false });

    await prisma.orderSync.updateMany({ where: { orderNumber: 3 }, data: { nextAttemptAt: new Date(now.getTime() + 30_000) } });
    expect(await backlog(prisma, TEST_SHOP, now)).toMatchObject({ waiting: 0, changingSoon: true });
  });

  it("counts orders received but not yet recorded (a flash sale's deferred intake) as queued, the shop's own only", async () => {
    const now = new Date();
    const received = (shop: string, orderId: string, secondsAgo: number) =>
      prisma.orderIntake.create({
        data: {
          shop,
          deliveryId: 1n,
          orderId,
          orderName: `#${orderId}`,
          totalPrice: "10.00",
          currency: "USD",
          receivedAt: new Date(now.getTime() - secondsAgo * 1000),
        },
      });
    await seedOrders(TEST_SHOP, 1, "queued", 1);
    await prisma.orderSync.updateMany({ where: { shop: TEST_SHOP }, data: { createdAt: new Date(now.getTime() - 5_000) } });
    await received(TEST_SHOP, "9001", 40);
    await received(TEST_SHOP, "9001", 39); // the same order under a second webhook id
    await received(TEST_SHOP, "9002", 2);
    await received(OTHER_SHOP, "9003", 100);

    expect(await backlog(prisma, TEST_SHOP, now)).toEqual({ waiting: 3, oldestSeconds: 40, changingSoon: true });
    await prisma.orderIntake.deleteMany();
    expect(await backlog(prisma, TEST_SHOP, now)).toEqual({ waiting: 1, oldestSeconds: 5, changingSoon: true });
  });

  it("does not show another shop's order, by id", async () => {
    await seedOrders(OTHER_SHOP, 1);
    const other = await prisma.orderSync.findFirstOrThrow({ where: { shop: OTHER_SHOP } });
    expect(await orderDetail(prisma, TEST_SHOP, other.id.toString())).toBeNull();
    expect(await orderDetail(prisma, OTHER_SHOP, other.id.toString())).not.toBeNull();
  });
});

/** The period's counts straight from the orders: what the rollup must always agree with. */
async function countedFromOrders(shop: string, from: Date, to: Date) {
  const rows = await prisma.$queryRaw<{ status: string; n: bigint }[]>`
    select status, count(*) as n from order_sync where shop = ${shop} and created_at >= ${from} and created_at < ${to} group by 1`;
  const counts: Record<StatusFilter, number> = { all: 0, synced: 0, difference: 0, failed: 0, pending: 0, skipped: 0 };
  for (const row of rows) {
    counts.all += Number(row.n);
    for (const [filter, statuses] of Object.entries(STATUS_FILTERS)) {
      if (statuses && (statuses as readonly string[]).includes(row.status)) counts[filter as StatusFilter] += Number(row.n);
    }
  }
  return counts;
}

describe("sync log summary per day (the rollup)", () => {
  const DAY = 86_400_000;
  const start = new Date("2026-11-10T00:00:00Z");
  const statuses = ["queued", "syncing", "synced", "synced_with_difference", "failed", "needs_reconnect", "skipped"];
  // Periods cutting days anywhere: early and late in a day, inside one day, across days, whole days.
  const periods: [Date, Date][] = [
    [new Date(start.getTime() + 3 * 3_600_000), new Date(start.getTime() + 4 * DAY + 20 * 3_600_000)],
    [new Date(start.getTime() + 22 * 3_600_000), new Date(start.getTime() + 2 * DAY + 1 * 3_600_000)],
    [new Date(start.getTime() + DAY + 5 * 3_600_000), new Date(start.getTime() + DAY + 7 * 3_600_000)],
    [new Date(start.getTime() + DAY + 1 * 3_600_000), new Date(start.getTime() + DAY + 23 * 3_600_000)],
    [start, new Date(start.getTime() + 5 * DAY)],
    [new Date(start.getTime() - DAY), new Date(start.getTime() + 9 * DAY)],
  ];

  async function seedSpread() {
    // 5 days, an order every 37 minutes, in every state, for two shops.
    for (const shop of [TEST_SHOP, OTHER_SHOP]) {
      await prisma.orderSync.createMany({
        data: Array.from({ length: 190 }, (_, i) => ({
          shop,
          orderId: String(700_000 + i),
          orderName: `#${i + 1}`,
          orderNumber: i + 1,
          totalPrice: "10.00",
          currency: "USD",
          status: statuses[i % statuses.length] ?? "queued",
          payload: {},
          createdAt: new Date(start.getTime() + i * 37 * 60_000),
        })),
      });
    }
  }

  async function expectAgreement() {
    for (const [from, to] of periods) {
      const summary = await summarize(prisma, TEST_SHOP, from, to);
      expect(summary.counts, `${from.toISOString()}–${to.toISOString()}`).toEqual(await countedFromOrders(TEST_SHOP, from, to));
    }
  }

  it("agrees with the orders for any period, after every kind of write (insert, update, raw SQL, delete, truncate)", async () => {
    await seedSpread();
    await expectAgreement();

    // The worker's way (Prisma update), Retry's way (updateMany), raw SQL (the claim), deletes (retention, redaction).
    const one = await prisma.orderSync.findFirstOrThrow({ where: { shop: TEST_SHOP, status: "queued" }, orderBy: { id: "asc" } });
    await prisma.orderSync.update({ where: { id: one.id }, data: { status: "synced" } });
    await prisma.orderSync.updateMany({ where: { shop: TEST_SHOP, status: "failed" }, data: { status: "queued", statusReason: null } });
    await prisma.$executeRaw`update order_sync set status = 'syncing' where shop = ${TEST_SHOP} and order_number % 5 = 0 and status = 'queued'`;
    await prisma.$executeRaw`update order_sync set attempts = attempts + 1 where shop = ${TEST_SHOP}`; // no state change
    await prisma.orderSync.deleteMany({ where: { shop: TEST_SHOP, orderNumber: { lt: 40 } } });
    await expectAgreement();
    // The other shop's counts were not touched by this shop's writes.
    expect((await summarize(prisma, OTHER_SHOP, start, new Date(start.getTime() + 6 * DAY))).counts.all).toBe(190);

    await prisma.$executeRawUnsafe("truncate order_sync cascade");
    expect((await summarize(prisma, TEST_SHOP, start, new Date(start.getTime() + 6 * DAY))).counts.all).toBe(0);
    await seedSpread();
    await expectAgreement();
  });

  it("reads one rollup row per day and never more than half a day of orders at either edge", async () => {
    const now = new Date("2026-12-02T15:09:00Z");
    for (const days of [7, 30, 90]) {
      const pieces = summaryPieces(new Date(now.getTime() - days * DAY), now);
      const rollup = pieces.filter((piece) => piece.kind === "days");
      const orders = pieces.filter((piece) => piece.kind === "orders");
      expect(rollup).toHaveLength(1);
      expect((rollup[0]!.to.getTime() - rollup[0]!.from.getTime()) / DAY).toBeLessThanOrEqual(days + 1);
      for (const piece of orders) expect(piece.to.getTime() - piece.from.getTime()).toBeLessThanOrEqual(DAY / 2);
    }
    // A custom range is whole days: the rollup alone.
    expect(summaryPieces(new Date("2026-09-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"))).toEqual([
      { kind: "days", from: new Date("2026-09-01T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") },
    ]);
  });
});

describe("the app's database connections", () => {
  it("plan serially, even where PostgreSQL would start parallel workers (20–25 ms to start, for a page's millisecond queries)", async () => {
    await seedOrders(TEST_SHOP, 500);
    // Every connection of the pool (hold them all, so none is reused), through Prisma as well.
    const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
    try {
      for (const client of clients) {
        // Make a parallel plan free, as an overestimated time range makes it look to the planner
        // (for this transaction only: the connection goes back to the pool as it was).
        await client.query(
          "begin; set local parallel_setup_cost = 0; set local parallel_tuple_cost = 0; set local min_parallel_table_scan_size = 0; set local min_parallel_index_scan_size = 0; set local enable_indexscan = off; set local enable_bitmapscan = off",
        );
        const { rows } = await client
          .query<{ "QUERY PLAN": string }>("explain select count(*) from order_sync where shop = $1", [TEST_SHOP])
          .finally(() => client.query("rollback"));
        expect(rows.map((row) => row["QUERY PLAN"]).join("\n")).not.toMatch(/Gather|Parallel/);
      }
    } finally {
      for (const client of clients) client.release();
    }
    const [setting] = await prisma.$queryRaw<{ workers: string }[]>`select current_setting('max_parallel_workers_per_gather') as workers`;
    expect(setting?.workers).toBe("0");
  });
});

describe("sync log actions", () => {
  it("retries failed orders only; a synced order cannot be retried", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    await seedOrders(TEST_SHOP, 1, "failed", 1);
    await seedOrders(TEST_SHOP, 1, "synced", 2);
    const rows = await prisma.orderSync.findMany({ orderBy: { id: "asc" } });

    const result = await logAction(routeArgs(adminPost("/app?index", { intent: "retry", ids: rows.map((r) => r.id).join(",") })));

    expect(result).toEqual({ message: "1 order queued for retry" });
    expect((await prisma.orderSync.findMany({ orderBy: { id: "asc" } })).map((r) => r.status)).toEqual(["queued", "synced"]);
    const again = await logAction(routeArgs(adminPost("/app?index", { intent: "retry", ids: String(rows[1]!.id) })));
    expect(again).toEqual({ error: "Nothing to retry: those orders are synced, syncing or about to sync." });
  });

  it("answers 404 to another shop's order id, for viewing and for retrying", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    await seedOrders(OTHER_SHOP, 1, "failed");
    const other = await prisma.orderSync.findFirstOrThrow({ where: { shop: OTHER_SHOP } });
    const id = other.id.toString();

    const view = (await settle(() =>
      detailLoader({
        ...routeArgs(new Request(`${TEST_SHOPIFY.appUrl}/app/orders/${id}`, { headers: { Authorization: `Bearer ${sessionToken()}` } })),
        params: { id },
      }),
    )) as Response;
    const retry = (await settle(() => retryAction({ ...routeArgs(adminPost(`/app/orders/${id}`, {})), params: { id } }))) as Response;

    expect(view.status).toBe(404);
    expect(retry.status).toBe(404);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { id: other.id } })).status).toBe("failed");
  });
});

describe("invoice settings form", () => {
  const valid = {
    invoicePrefix: "SHOP-",
    dueTerms: "30",
    clientStrategy: "per_customer",
    fallbackClientName: "Shopify customers",
    recordPayments: "on",
    emailInvoices: "off",
  };

  it("accepts valid settings", () => {
    expect(parseSettingsForm(valid)).toEqual({
      ok: true,
      value: {
        invoicePrefix: "SHOP-",
        dueOffsetDays: 30,
        clientStrategy: "per_customer",
        fallbackClientName: "Shopify customers",
        recordPayments: true,
        emailInvoices: false,
      },
    });
    expect(parseSettingsForm({ ...valid, dueTerms: "custom", customDueDays: "45" })).toMatchObject({
      ok: true,
      value: { dueOffsetDays: 45 },
    });
  });

  it.each([
    [{ invoicePrefix: "SHOP 1" }, "invoicePrefix", "Use letters, digits and - _ . / only (no spaces)."],
    [{ invoicePrefix: "A-VERY-LONG-PREFIX" }, "invoicePrefix", "Use at most 12 characters."],
    [{ dueTerms: "custom", customDueDays: "400" }, "customDueDays", "Enter a whole number of days from 0 to 365."],
    [{ dueTerms: "custom", customDueDays: "ten" }, "customDueDays", "Enter a whole number of days from 0 to 365."],
    [{ fallbackClientName: "  " }, "fallbackClientName", "Give the shared client a name."],
  ])("explains %o on the field", (change, field, message) => {
    expect(parseSettingsForm({ ...valid, ...change })).toEqual({ ok: false, errors: { [field]: message } });
  });
});
