import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { syncJobKey } from "../app/models/order-sync.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

/** Payments, totals that differ, and FreshBooks' Retry-After, through the real worker. */
const sandbox = await useFreshBooksSandbox();
useWorker();

type Invoice = { id: number; amount: { amount: string }; outstanding: { amount: string }; lines: { name: string }[] };
type Payment = { invoiceid: number; amount: { amount: string }; overpaymentid: number | null };
const invoices = () => sandbox.state.invoices() as unknown as Invoice[];
const payments = () => sandbox.state.payments() as unknown as Payment[];

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

function dutiesOrder(): Record<string, unknown> & { id: number } {
  const file = path.resolve(import.meta.dirname, "fixtures/orders/orders-create.duties-difference.json");
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & { id: number };
}

describe("payments", () => {
  it("a payment POST whose answer is lost is found on the retry, not recorded twice", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/payments/payments$", fault: { kind: "timeout", afterHandling: true } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id], 60_000);

    expect(synced).toMatchObject({ status: "synced", attempts: 2 });
    expect(payments()).toEqual([expect.objectContaining({ amount: expect.objectContaining({ amount: "49.10" }) })]);
    expect(synced?.paymentId).toBe((sandbox.state.payments()[0] as { id: number }).id);
  });

  it("a paid order whose invoice was just created records its payment without looking for one first", async () => {
    const order = usOrder(1001);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", attempts: 1 });
    expect(payments()).toHaveLength(1);
    expect(sandbox.state.count({ method: "POST", path: /\/payments\/payments$/ })).toBe(1);
    expect(sandbox.state.count({ method: "GET", path: /\/payments\/payments$/ })).toBe(0);
  });

  it("records no payment when the merchant turned payments off", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, recordPayments: false } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", paymentId: null });
    expect(invoices()).toHaveLength(1);
    expect(payments()).toEqual([]);
    expect(sandbox.state.count({ path: /\/payments\/payments$/ })).toBe(0);
  });

  it("duties are invoiced as a line: the invoice is Shopify's 112.00 and paid in full, with no overpayment", async () => {
    const order = dutiesOrder();
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", freshbooksTotal: "112.00", difference: null });
    expect(invoices()[0]!.lines.map((line) => line.name)).toEqual(["Down jacket", "Duties"]);
    expect(payments()).toEqual([expect.objectContaining({ amount: expect.objectContaining({ amount: "112.00" }), overpaymentid: null })]);
  });
});

describe("synced with a difference", () => {
  it("says by how much, and never pays the invoice more than its total", async () => {
    // Shopify charged 1.00 more than anything the order's lines explain.
    const base = usOrder(1001);
    const order = { ...base, total_price: "50.10", total_price_set: { shop_money: { amount: "50.10", currency_code: "USD" } } };
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced_with_difference", freshbooksTotal: "49.10", difference: "-1.00" });
    expect(synced?.statusReason).toBe(
      "FreshBooks' total 49.10 differs from Shopify's 50.10 USD by -1.00; recorded a payment of 49.10 USD, not the 50.10 Shopify captured, because the FreshBooks invoice is only 49.10",
    );
    expect(payments()).toEqual([expect.objectContaining({ amount: expect.objectContaining({ amount: "49.10" }), overpaymentid: null })]);
    expect(invoices()[0]!.outstanding.amount).toBe("0.00");
  });
});

describe("a write FreshBooks refused with 429 was not made", () => {
  it("the next attempt creates the client and the invoice without searching for them first; one of each", async () => {
    // The shop's first invoice (its number is checked once in FreshBooks: a new shop's numbers could be a stranger's).
    const first = usOrder(1000, { customer: { ...(usOrder(1000).customer as object), id: 777, email: "first@example.com" } });
    await deliverOrder(first);
    await waitForSync([first.id], 120_000);
    const before = sandbox.state.requests.length;
    sandbox.faults.enqueue(
      { method: "POST", path: "/users/clients$", fault: { kind: "status", status: 429, retryAfter: 1 } },
      { method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 429, retryAfter: 1 } },
    );
    const order = usOrder(1001);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id], 120_000);
    expect(synced).toMatchObject({ status: "synced", attempts: 3 });
    expect(invoices()).toHaveLength(2);
    expect(sandbox.state.clients()).toHaveLength(2);
    const requests = sandbox.state.requests.slice(before);
    const refused = requests.filter((r) => r.status === 429).map((r) => `${r.method} ${r.path.replace(/^.*\/(\w+)$/, "$1")}`);
    expect(refused).toEqual(["POST clients", "POST invoices"]);
    // No search by email or invoice number: nothing can have been created by a refused request.
    expect(requests.filter((r) => /search\[(email|invoice_number)\]/.test(decodeURIComponent(r.query)))).toEqual([]);
    // Without the withdrawal both would be searched for (the client by email, the invoice by number).
  });

  it("an invoice whose earlier POST went unanswered is still looked up, even when a later POST is refused with 429", async () => {
    sandbox.faults.enqueue(
      { method: "POST", path: "/invoices/invoices$", fault: { kind: "timeout" } },
      { method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 429, retryAfter: 1 } },
    );
    const order = usOrder(1002);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id], 120_000);
    expect(synced).toMatchObject({ status: "synced" });
    expect(invoices()).toHaveLength(1);
    // Each attempt after the unanswered one looked the number up before posting.
    const searches = sandbox.state.requests.filter((r) => /invoice_number/.test(decodeURIComponent(r.query)));
    expect(searches.length).toBeGreaterThanOrEqual(2);
  });
});

describe("FreshBooks' Retry-After", () => {
  it("sets the order's next attempt, and its job's run time, Retry-After seconds later", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 429, retryAfter: 120 } });
    const order = usOrder(1001);
    await deliverOrder(order);

    await expect.poll(() => prisma.syncAttempt.count({ where: { outcome: "retry" } }), { timeout: 60_000 }).toBe(1);
    const attempt = await prisma.syncAttempt.findFirstOrThrow({ where: { outcome: "retry" } });
    const row = await prisma.orderSync.findFirstOrThrow();
    // The job is re-added just after the attempt is recorded: wait for it (not for the clock).
    const jobRunAt = async () =>
      (
        await prisma.$queryRaw<
          { run_at: Date }[]
        >`select run_at from graphile_worker._private_jobs where key = ${syncJobKey(TEST_SHOP, String(order.id))} and locked_at is null`
      )[0]?.run_at.getTime() ?? 0;
    await expect.poll(jobRunAt, { timeout: 60_000 }).toBeGreaterThan(Date.now() + 60_000);
    const job = { run_at: new Date(await jobRunAt()) };

    expect(row.status).toBe("queued");
    // Retry-After after the 429 arrived, which was during the attempt (however slow the machine).
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(attempt.startedAt.getTime() + 120_000 - 5);
    expect(row.nextAttemptAt!.getTime()).toBeLessThanOrEqual(attempt.finishedAt!.getTime() + 120_000 + 5);
    expect(Math.abs(job.run_at.getTime() - row.nextAttemptAt!.getTime())).toBeLessThan(1000);
    expect(invoices()).toHaveLength(0);
  });
});
