/**
 * FreshBooks answering in a shape we cannot read (docs/freshbooks-api.md §16): the order ends
 * "failed" with a plain reason quoting the raw value, in its attempt log too, instead of an
 * internal error that graphile-worker would retry for hours.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { logger } from "../app/logger.server";
import { attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { orderFixture, usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables } from "./helpers/sync";

const sandbox = await useFreshBooksSandbox();

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

/** fetch as the worker uses it, with FreshBooks' answer to the invoice POST rewritten by `alter`. */
function fetchAltering(alter: (invoice: Record<string, unknown>) => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (init?.method !== "POST" || !/\/invoices\/invoices\?/.test(url) || !response.ok) return response;
    const body = (await response.json()) as { response: { result: { invoice: Record<string, unknown> } } };
    alter(body.response.result.invoice);
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };
}

async function attempt(order: { id: number }, fetchImpl: typeof fetch) {
  return attemptOrderSync(TEST_SHOP, String(order.id), null, { db: prisma, logger, fetch: fetchImpl });
}

describe("an answer FreshBooks should not give", () => {
  it.each([
    [
      "an amount with extra decimals",
      usOrder(1001),
      (invoice: Record<string, unknown>) => (invoice.amount = { amount: "49.105", code: "USD" }),
      /"49\.105"/,
    ],
    [
      "a JPY amount with a fraction",
      { ...orderFixture("jp-pos-guest") },
      (invoice: Record<string, unknown>) => (invoice.amount = { amount: "3000.50", code: "JPY" }),
      /"3000\.50"/,
    ],
    ["a missing amount", usOrder(1002), (invoice: Record<string, unknown>) => delete invoice.amount, /amount is missing/],
    [
      "a total written with a comma",
      usOrder(1003),
      (invoice: Record<string, unknown>) => (invoice.amount = { amount: "49,10", code: "USD" }),
      /"49,10"/,
    ],
  ])("%s fails the order in plain words, with the raw value, and is not retried", async (_name, order, alter, raw) => {
    await deliverOrder(order);
    const result = await attempt(order, fetchAltering(alter));

    expect(result).toMatchObject({ outcome: "failed", reason: expect.stringMatching(raw) });
    const row = await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(order.id) } });
    expect(row).toMatchObject({ status: "failed", nextAttemptAt: null });
    expect(row.statusReason).toMatch(/^FreshBooks answered .* in a form we cannot read|^FreshBooks answered .* which is not an amount/);
    const attempts = await prisma.syncAttempt.findMany({ where: { orderSyncId: row.id } });
    expect(attempts.map((a) => [a.outcome, a.message])).toEqual([["failed", expect.stringMatching(raw)]]);
  });

  it("a JPY total written as '3000.00' is read as 3000: the order syncs", async () => {
    const order = orderFixture("jp-pos-guest");
    await deliverOrder(order);
    const result = await attempt(
      order,
      fetchAltering((invoice) => (invoice.amount = { amount: "3000.00", code: "JPY" })),
    );
    expect(result.outcome).toBe("synced");
  });
});
