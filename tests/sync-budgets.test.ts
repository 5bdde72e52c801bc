import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { logger } from "../app/logger.server";
import { connectionSummary, freshbooksFor } from "../app/freshbooks/connection.server";
import { retryOrders } from "../app/models/order-sync.server";
import { MAX_ATTEMPTS } from "../app/sync/error-policy";
import { attemptOrderSync, waitBehindRateLimit, type AttemptResult } from "../app/sync/pipeline.server";
import { connectThroughOAuth, probe, refreshRequests, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables } from "./helpers/sync";

/**
 * One retry budget per cause, and no order left half-done (issue #11). The attempts are run here
 * one after the other (as the worker would, without waiting out the retry times), so a long
 * series of faults takes milliseconds and the test does not depend on the machine's speed.
 */
const sandbox = await useFreshBooksSandbox();

const deps = { db: prisma, logger, retry: { baseMs: 1 } };
const invoicePosts = () => sandbox.state.count({ method: "POST", path: /\/invoices\/invoices$/ });
const paymentPosts = () => sandbox.state.count({ method: "POST", path: /\/payments\/payments$/ });
const row = (orderId: number) =>
  prisma.orderSync.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(orderId) } } });

/** Runs attempts until the order is no longer waiting for a retry; returns every outcome. */
async function attemptUntilSettled(orderId: number, max = 50): Promise<AttemptResult[]> {
  const outcomes: AttemptResult[] = [];
  for (let i = 0; i < max; i += 1) {
    const result = await attemptOrderSync(TEST_SHOP, String(orderId), null, deps);
    outcomes.push(result);
    if (result.outcome !== "retry") return outcomes;
  }
  throw new Error(`order ${orderId} still retrying after ${max} attempts`);
}

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await prisma.freshbooksRateLimit.deleteMany();
  await connectThroughOAuth();
});

describe("one retry budget per cause", () => {
  it("a dozen 429s and then a 503 (issue #11's failed orders): retried, and the order syncs", async () => {
    sandbox.faults.enqueue(
      { method: "POST", path: "/invoices/invoices$", times: 15, fault: { kind: "status", status: 429, retryAfter: 1 } },
      { method: "POST", path: "/invoices/invoices$", times: 1, fault: { kind: "status", status: 503 } },
    );
    const order = usOrder(1001);
    await deliverOrder(order);

    const outcomes = await attemptUntilSettled(order.id);

    expect(outcomes.at(-1)?.outcome).toBe("synced");
    expect(outcomes.length).toBeGreaterThan(MAX_ATTEMPTS); // more attempts than the transient budget, none failed
    expect(await row(order.id)).toMatchObject({ status: "synced", rateLimitedAttempts: 15, transientFailures: 0 });
    expect(sandbox.state.invoices()).toHaveLength(1);
  });

  it("transient failures are counted per step: the invoice's 9 failures do not leave the payment fewer tries", async () => {
    const almost = MAX_ATTEMPTS - 1;
    sandbox.faults.enqueue(
      { method: "POST", path: "/invoices/invoices$", times: almost, fault: { kind: "status", status: 503 } },
      { method: "POST", path: "/payments/payments$", times: almost, fault: { kind: "status", status: 502 } },
    );
    const order = usOrder(1001);
    await deliverOrder(order);

    const outcomes = await attemptUntilSettled(order.id);

    expect(outcomes.map((o) => o.outcome)).toEqual([...Array(2 * almost).fill("retry"), "synced"]);
    // While the payment was being retried, the order said what was already done.
    expect(outcomes[almost]?.reason).toMatch(
      /^Invoice SHOP-1001 created; payment not recorded: FreshBooks was unavailable .*Retrying automatically\.$/,
    );
    expect(sandbox.state.invoices()).toHaveLength(1);
    expect(sandbox.state.payments()).toHaveLength(1);
  });
});

describe("an order whose invoice exists", () => {
  it("a payment that fails for good says exactly what is missing; Retry records only the payment", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/payments/payments$", times: MAX_ATTEMPTS, fault: { kind: "status", status: 503 } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const outcomes = await attemptUntilSettled(order.id);

    expect(outcomes.at(-1)?.outcome).toBe("failed");
    const failed = await row(order.id);
    expect(failed.status).toBe("failed");
    expect(failed.statusReason).toBe(
      `Invoice SHOP-1001 created; payment not recorded: Gave up after ${MAX_ATTEMPTS} attempts in a row. Last problem: FreshBooks was unavailable (An unexpected error occurred. Please try again later.)`,
    );
    expect(invoicePosts()).toBe(1);
    expect(paymentPosts()).toBe(MAX_ATTEMPTS);

    // The merchant's Retry: the invoice is not looked for or posted again, only the payment is made.
    expect(await retryOrders(prisma, TEST_SHOP, [failed.id])).toMatchObject({ found: 1, requeued: 1 });
    const invoiceRequestsBefore = sandbox.state.count({ path: /\/invoices\/invoices/ });
    const retried = await attemptUntilSettled(order.id);

    expect(retried.map((o) => o.outcome)).toEqual(["synced"]);
    expect(sandbox.state.count({ path: /\/invoices\/invoices/ })).toBe(invoiceRequestsBefore);
    expect(sandbox.state.invoices()).toHaveLength(1);
    expect(sandbox.state.payments()).toEqual([expect.objectContaining({ amount: expect.objectContaining({ amount: "49.10" }) })]);
    expect(await row(order.id)).toMatchObject({ status: "synced", statusReason: null, transientFailures: 0 });
  });

  it("a payment FreshBooks refuses says the invoice exists and what FreshBooks said", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/payments/payments$", fault: { kind: "status", status: 422 } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const outcomes = await attemptUntilSettled(order.id);

    expect(outcomes.map((o) => o.outcome)).toEqual(["failed"]);
    expect((await row(order.id)).statusReason).toMatch(
      /^Invoice SHOP-1001 created; payment not recorded: FreshBooks refused the payment: /,
    );
  });
});

describe("the invoice email", () => {
  it("rate-limited: asked again later (FreshBooks did nothing), the customer gets it once and the order has no 'not emailed' note", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, emailInvoices: true } });
    sandbox.faults.enqueue({ method: "PUT", path: "/invoices/invoices/", times: 2, fault: { kind: "status", status: 429, retryAfter: 1 } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const outcomes = await attemptUntilSettled(order.id);

    expect(outcomes.map((o) => o.outcome)).toEqual(["retry", "retry", "synced"]);
    expect(outcomes[0]?.reason).toMatch(/^Invoice SHOP-1001 created; invoice not emailed: FreshBooks asked us to slow down/);
    expect(sandbox.state.emailsSent()).toHaveLength(1);
    expect(await row(order.id)).toMatchObject({ status: "synced", statusReason: null });
    expect(sandbox.state.invoices()).toHaveLength(1);
    expect(sandbox.state.payments()).toHaveLength(1);
  });
});

describe("auth: its own path (refresh, then reconnect)", () => {
  it("a renewed token that expires again before it is used (a slow machine) is renewed again, not taken for a lost grant", async () => {
    // Every access token expires right after each of the first two refreshes answers.
    let expireAfterRefresh = 2;
    const slowMachine: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input instanceof Request ? input.url : input).includes("/auth/oauth/token") && expireAfterRefresh-- > 0)
        sandbox.faults.expireAccessTokens();
      return response;
    };
    sandbox.faults.expireAccessTokens();
    const fb = await freshbooksFor(TEST_SHOP, { db: prisma, fetch: slowMachine });

    await expect(probe(fb)).resolves.toBeDefined();
    expect(refreshRequests(sandbox)).toBe(3);
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "connected" });
  });
});

describe("the wait after a 429", () => {
  it("is the account's: every order comes back no earlier than the latest Retry-After any of them got", async () => {
    const first = await waitBehindRateLimit(prisma, TEST_SHOP, "acct", 30_000);
    const second = await waitBehindRateLimit(prisma, TEST_SHOP, "acct", 1_000);
    expect(second.getTime()).toBe(first.getTime());
    // Another account of the shop (after a reconnect elsewhere) is not held up.
    const other = await waitBehindRateLimit(prisma, TEST_SHOP, "other", 1_000);
    expect(other.getTime()).toBeLessThan(first.getTime() - 20_000);
  });

  it("without Retry-After grows with 429s in a row for the whole account (1 s, 2 s, 4 s …), never per order", async () => {
    // The wait as the database recorded it (not_before − the statement's now()), whatever the machine's speed.
    const recordedWait = async () => {
      const limit = await prisma.freshbooksRateLimit.findUniqueOrThrow({
        where: { shop_accountId: { shop: TEST_SHOP, accountId: "acct" } },
      });
      return limit.notBefore.getTime() - limit.updatedAt.getTime();
    };
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await prisma.freshbooksRateLimit.updateMany({ data: { notBefore: new Date(Date.now() - 1000) } }); // the previous wait is over
      await waitBehindRateLimit(prisma, TEST_SHOP, "acct", null);
      waits.push(await recordedWait());
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    // A 429 for a request sent while the wait was on does not make the wait longer.
    await waitBehindRateLimit(prisma, TEST_SHOP, "acct", null);
    expect((await prisma.freshbooksRateLimit.findFirstOrThrow()).strikes).toBe(4);
    // A Retry-After starts the count again.
    await waitBehindRateLimit(prisma, TEST_SHOP, "acct", 0);
    await prisma.freshbooksRateLimit.updateMany({ data: { notBefore: new Date(Date.now() - 1000) } });
    await waitBehindRateLimit(prisma, TEST_SHOP, "acct", null);
    expect(await recordedWait()).toBe(1000);
  });

  it("orders queue behind the same limit: another order's request waits out the Retry-After instead of being refused again", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 429, retryAfter: 2 } });
    const [a, b] = [usOrder(1001), usOrder(1002)];
    await deliverOrder(a);
    await deliverOrder(b);

    const [first] = await attemptUntilSettledOnce(a.id);
    const limit = await prisma.freshbooksRateLimit.findFirstOrThrow();
    expect(first?.outcome).toBe("retry");
    expect((await row(a.id)).nextAttemptAt).toEqual(limit.notBefore);

    // The other order's attempt is not sent before FreshBooks' time: it is not refused, it syncs.
    const [second] = await attemptUntilSettledOnce(b.id);
    expect(second?.outcome).toBe("synced");
    expect(await row(b.id)).toMatchObject({ rateLimitedAttempts: 0, transientFailures: 0 });
    const refused = sandbox.state.requests.find((request) => request.status === 429);
    const sentAfter = sandbox.state.requests.filter((request) => request.method === "POST" && request.id > (refused?.id ?? 0));
    expect(sentAfter.length).toBeGreaterThan(0);
    for (const request of sentAfter) expect(Date.parse(request.time)).toBeGreaterThanOrEqual(limit.notBefore.getTime() - 5);
    expect(sandbox.state.count({ status: 429 })).toBe(1);
  });
});

async function attemptUntilSettledOnce(orderId: number): Promise<AttemptResult[]> {
  return [await attemptOrderSync(TEST_SHOP, String(orderId), null, deps)];
}
