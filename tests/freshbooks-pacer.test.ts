import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { INITIAL_PACE_MS, MAX_PACE_MS, PACE_HALF_LIFE_MS, noteLimited, pacerFor, takeTurn } from "../app/freshbooks/pacer.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

/**
 * Pacing after a 429 (app/freshbooks/pacer.server.ts, docs/decisions/0008): the account's requests
 * take turns, spaced by what its 429s taught, so a limited account gets a steady stream instead of
 * every waiting order at once. Times are read from the database's own rows (lower bounds only):
 * a busy machine makes nothing here fail.
 */
const sandbox = await useFreshBooksSandbox();
useWorker();

const limitRow = (accountId = "acct") =>
  prisma.freshbooksRateLimit.findUniqueOrThrow({ where: { shop_accountId: { shop: TEST_SHOP, accountId } } });

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await prisma.freshbooksRateLimit.deleteMany();
});

describe("an account FreshBooks has not limited", () => {
  it("is not paced: no turn to take, nothing to wait for", async () => {
    expect(await takeTurn(prisma, TEST_SHOP, "acct")).toBeNull();
    await pacerFor(prisma, TEST_SHOP, "acct").before();
    expect(await prisma.freshbooksRateLimit.count()).toBe(0);
  });
});

describe("after a 429", () => {
  it("every request takes the next turn, spaced by the account's pace and never before its Retry-After", async () => {
    await noteLimited(prisma, TEST_SHOP, "acct", 1);
    const limited = await limitRow();
    expect(limited.paceMs).toBe(INITIAL_PACE_MS);
    expect(limited.notBefore.getTime() - limited.updatedAt.getTime()).toBe(1000);

    // A pace of a second, so the turns are far apart whatever the machine's speed.
    await prisma.freshbooksRateLimit.updateMany({ data: { paceMs: 1000, pacedAt: new Date() } });
    const slots: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const turn = await takeTurn(prisma, TEST_SHOP, "acct");
      expect(turn?.pacedForMs).toBeGreaterThan(0);
      slots.push((await limitRow()).lastSlot!.getTime());
    }
    expect(slots[0]).toBeGreaterThanOrEqual(limited.notBefore.getTime());
    // The pace of a second, less what it has decayed since it was set (a few ms here): far more than 200 ms.
    for (let i = 1; i < slots.length; i += 1) expect(slots[i]! - slots[i - 1]!).toBeGreaterThan(200);
    // Another account of the shop is not held up by this one.
    expect(await takeTurn(prisma, TEST_SHOP, "other")).toBeNull();
  });

  it("the pace doubles per 429 (the 429s of requests already sent count once), halves every few seconds without one, and is capped", async () => {
    await noteLimited(prisma, TEST_SHOP, "acct", null);
    await noteLimited(prisma, TEST_SHOP, "acct", null); // same second: the same burst
    expect((await limitRow()).paceMs).toBe(INITIAL_PACE_MS);

    // A 429 two half-lives after the last raise: the pace had halved twice, then doubles.
    await prisma.freshbooksRateLimit.updateMany({ data: { paceMs: 400, pacedAt: new Date(Date.now() - 2 * PACE_HALF_LIFE_MS) } });
    await noteLimited(prisma, TEST_SHOP, "acct", null);
    const raised = (await limitRow()).paceMs;
    expect(raised).toBeGreaterThan(100);
    expect(raised).toBeLessThanOrEqual(200);

    await prisma.freshbooksRateLimit.updateMany({ data: { paceMs: MAX_PACE_MS, pacedAt: new Date(Date.now() - 2000) } });
    await noteLimited(prisma, TEST_SHOP, "acct", null);
    expect((await limitRow()).paceMs).toBe(MAX_PACE_MS);
  });

  it("a minute without a 429 ends the pacing: requests cost no turn again", async () => {
    await noteLimited(prisma, TEST_SHOP, "acct", null);
    await prisma.freshbooksRateLimit.updateMany({
      data: { pacedAt: new Date(Date.now() - 61_000), updatedAt: new Date(Date.now() - 61_000) },
    });
    expect((await takeTurn(prisma, TEST_SHOP, "acct"))?.pacedForMs).toBeLessThanOrEqual(0);
  });
});

describe("a FreshBooks account limited to 10 requests a second", () => {
  // Before pacing, every order a 429 sent back came back at the same moment and most were refused
  // again: hundreds of 429s for these 40 orders, and under a longer sale orders ran out of budget.
  it("40 orders at once all sync, once each, with at most a few 429s per order", async () => {
    await connectThroughOAuth();
    sandbox.faults.setRateLimit({ perSecond: 10 });
    const orders = Array.from({ length: 40 }, (_, i) => usOrder(20_000 + i));
    await Promise.all(orders.map((order) => deliverOrder(order)));

    const rows = await waitForSync(orders.map((order) => order.id));
    sandbox.faults.setRateLimit(null);

    expect(rows.filter((row) => row.status !== "synced")).toEqual([]);
    expect(sandbox.state.invoices()).toHaveLength(40);
    expect(sandbox.state.count({ method: "POST", path: /\/payments\/payments$/, status: 200 })).toBe(40);
    const refused = sandbox.state.count({ status: 429 });
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(orders.length);
  });
});
