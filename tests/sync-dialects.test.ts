/**
 * The pipeline end to end (signed webhook in → FreshBooks' state checked) in every dialect of
 * the FreshBooks sandbox (docs/freshbooks-api.md §14): each undocumented behaviour read each
 * plausible way. The invariants a merchant relies on hold in all of them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { DEFAULT_DIALECT, DIALECT_VALUES, type Dialect, type DialectName } from "../app/dev/freshbooks-sandbox/server";
import { connectionSummary, freshbooksFor } from "../app/freshbooks/connection.server";
import { requeueOrders } from "../app/models/order-sync.server";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { orderFixture, usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { received } from "./helpers/intake";

const sandbox = await useFreshBooksSandbox();
useWorker();

/** The defaults, then each other value of each switch on its own. */
const DIALECTS: [string, Partial<Dialect>][] = [
  ["defaults", {}],
  ...(Object.entries(DIALECT_VALUES) as [DialectName, readonly string[]][]).flatMap(([name, values]) =>
    values
      .filter((value) => value !== DEFAULT_DIALECT[name])
      .map((value): [string, Partial<Dialect>] => [`${name}=${value}`, { [name]: value }]),
  ),
];

type Order = Record<string, unknown> & { id: number; name: string; order_number: number; total_price: string };
type Invoice = {
  id: number;
  invoice_number: string;
  customerid: number;
  amount: { amount: string };
  outstanding: { amount: string };
  payment_status: string;
};
type Client = { id: number; email?: string; organization?: string };
type Payment = { invoiceid: number; amount: { amount: string } };

const invoices = () => sandbox.state.invoices() as unknown as Invoice[];
const clients = () => sandbox.state.clients() as unknown as Client[];
const payments = () => sandbox.state.payments() as unknown as Payment[];
const cents = (amount: string) => Math.round(Number.parseFloat(amount) * 100); // test-side comparison only

function fixture(name: string, n: number): Order {
  const order = JSON.parse(readFileSync(path.resolve(import.meta.dirname, `fixtures/orders/orders-create.${name}.json`), "utf8")) as Order;
  return { ...order, id: 6_000_000_000_000 + n, name: `#${n}`, order_number: n };
}

/** Orders whose totals stress the readings: rounding per line vs per invoice, JPY, tax-included EUR, a partial payment. */
const ORDERS = (): Order[] => [
  usOrder(1001) as Order,
  fixture("order-level-tax-rounding", 1002),
  { ...orderFixture("jp-pos-guest"), id: 6_000_000_001_003, name: "#1003", order_number: 1003 } as Order,
  { ...orderFixture("fr-tax-included"), id: 6_000_000_001_004, name: "#1004", order_number: 1004 } as Order,
  fixture("partially-paid", 1005),
  fixture("pos-customer-no-email-two-taxes", 1006),
];

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

describe.each(DIALECTS)("FreshBooks dialect %s", (_name, dialect) => {
  beforeEach(() => {
    sandbox.setDialect(dialect);
  });

  it("one invoice per order, one client per email, totals tie out (or show FreshBooks' number), payments never exceed the invoice", async () => {
    const orders = ORDERS();
    await Promise.all(orders.map((order) => deliverOrder(order)));
    const rows = await waitForSync(
      orders.map((order) => order.id),
      60_000,
    );

    // Never stuck, never failed: every order ends synced (maybe with a visible difference).
    expect(rows.map((row) => [row.orderName, row.status, row.statusReason])).toEqual(
      rows.map((row) => [row.orderName, expect.stringMatching(/^synced/), row.status === "synced" ? row.statusReason : expect.any(String)]),
    );
    expect(invoices()).toHaveLength(orders.length);
    expect(new Set(invoices().map((invoice) => invoice.invoice_number)).size).toBe(orders.length);
    const emails = clients().flatMap((client) => (client.email ? [client.email.toLowerCase()] : []));
    expect(new Set(emails).size).toBe(emails.length);

    for (const row of rows) {
      const invoice = invoices().find((candidate) => candidate.id === row.freshbooksInvoiceId)!;
      const order = orders.find((candidate) => String(candidate.id) === row.orderId)!;
      // What FreshBooks answered ("3000.00" in the two-decimals dialect; the sandbox's own view writes "3000").
      expect(cents(row.freshbooksTotal!)).toBe(cents(invoice.amount.amount));
      if (row.status === "synced")
        expect({ order: order.name, total: cents(invoice.amount.amount) }).toEqual({ order: order.name, total: cents(order.total_price) });
      else expect(row.statusReason).toContain(`FreshBooks' total ${row.freshbooksTotal}`);
      const paid = payments()
        .filter((payment) => payment.invoiceid === invoice.id)
        .reduce((sum, payment) => sum + cents(payment.amount.amount), 0);
      expect(paid).toBeLessThanOrEqual(cents(invoice.amount.amount));
      // A fully paid order that ties out leaves nothing outstanding (no reminder for a cent).
      if (row.status === "synced" && order.financial_status === "paid")
        expect({ order: order.name, status: invoice.payment_status }).toEqual({ order: order.name, status: "paid" });
    }
  }, 300_000); // a cap: waitForSync already fails when no order moves for a minute

  it("the plan's client limit: the order fails with what to do, and syncs once the plan allows it", async () => {
    sandbox.configure({ clientLimit: 1 });
    await deliverOrder(usOrder(1001));
    await waitForSync();
    const other = usOrder(1002, {
      customer: { ...(usOrder(1).customer as object), id: 999, email: "other@example.com" },
      email: "other@example.com",
    });
    await deliverOrder(other);
    const [failed] = await waitForSync([other.id]);

    expect(failed?.status).toBe("failed");
    expect(failed?.statusReason).toMatch(/plan probably limits the number of clients.*One shared client for all orders/);
    expect((await connectionSummary(TEST_SHOP, prisma))?.status).toBe("connected");

    sandbox.configure({ clientLimit: null });
    await requeueOrders(prisma, TEST_SHOP, { orderId: String(other.id) });
    expect((await waitForSync([other.id]))[0]?.status).toBe("synced");
    const emails = clients().map((client) => client.email);
    expect(emails.filter((email) => email === "other@example.com")).toHaveLength(1);
    expect(invoices()).toHaveLength(2);
  });

  it("an invoice number another store of the same FreshBooks business already used is never duplicated nor adopted", async () => {
    const OTHER_SHOP = "second-store.myshopify.com";
    await seedOfflineSession(process.env.DATABASE_URL!, OTHER_SHOP);
    await connectThroughOAuth(OTHER_SHOP);
    const theirs = usOrder(1001, { id: 7_000_000_000_001, email: "someone@example.com", customer: null });
    await received(settle(() => ordersCreate(routeArgs(webhookRequest({ topic: "orders/create", body: theirs, shop: OTHER_SHOP })))));
    await waitForSync([theirs.id]);
    expect(invoices()).toHaveLength(1);

    const ours = usOrder(1001);
    await deliverOrder(ours);
    const [refused] = await waitForSync([ours.id]);

    expect(refused?.status).toBe("failed");
    expect(refused?.statusReason).toMatch(/already has invoice SHOP-1001 for another client; change the invoice number prefix/);
    expect(invoices()).toHaveLength(1);
  });

  it.each([
    ["the invoice write permission", "user:invoices:write"],
    ["the client write permission", "user:clients:write"],
  ])("losing %s parks the order and shows the Reconnect banner", async (_what, scope) => {
    sandbox.configure({ withheldScopes: [scope] });
    const order = usOrder(1001);
    await deliverOrder(order);
    const [parked] = await waitForSync([order.id]);

    expect(parked?.status).toBe("needs_reconnect");
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "needs_reconnect" });
    expect(invoices()).toHaveLength(0);

    sandbox.configure({ withheldScopes: [] });
    await connectThroughOAuth();
    expect((await waitForSync([order.id]))[0]?.status).toBe("synced");
  });

  it("a revoked grant parks the order and shows the Reconnect banner", async () => {
    sandbox.state.revokeAllTokens();
    sandbox.faults.expireAccessTokens();
    const order = usOrder(1001);
    await deliverOrder(order);
    expect((await waitForSync([order.id]))[0]?.status).toBe("needs_reconnect");
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "needs_reconnect" });
  });
});

describe.each(DIALECT_VALUES.invoiceNumbers)("invoice numbers (%s)", (invoiceNumbers) => {
  beforeEach(() => {
    sandbox.setDialect({ invoiceNumbers });
  });

  it("after a prefix change, a number the merchant already used by hand is looked up, never duplicated nor adopted", async () => {
    await deliverOrder(usOrder(1001));
    await waitForSync();
    // The merchant's own invoice INV-1002, made in FreshBooks for someone else.
    const fb = await freshbooksFor(TEST_SHOP, { db: prisma });
    const stranger = await fb.clients.create({ organization: "Walk-in customer" });
    await fb.invoices.create({
      customerid: stranger.id,
      create_date: "2024-01-15",
      currency_code: "USD",
      invoice_number: "INV-1002",
      lines: [],
    });
    await prisma.shopSettings.upsert({
      where: { shop: TEST_SHOP },
      create: { shop: TEST_SHOP, invoicePrefix: "INV-" },
      update: { invoicePrefix: "INV-" },
    });

    const order = usOrder(1002);
    await deliverOrder(order);
    const [refused] = await waitForSync([order.id]);

    expect(refused?.status).toBe("failed");
    expect(refused?.statusReason).toMatch(/already has invoice INV-1002 for another client/);
    expect(invoices().filter((invoice) => invoice.invoice_number === "INV-1002")).toHaveLength(1);
  });
});

describe("the normal path's calls", () => {
  it("a returning customer's order costs an invoice POST and a payment POST: no look-up, no correction", async () => {
    await deliverOrder(usOrder(1001));
    await waitForSync();
    const before = sandbox.state.requests.length;

    await deliverOrder(usOrder(1002));
    await waitForSync();

    const calls = sandbox.state.requests
      .slice(before)
      .map((entry) => `${entry.method} ${entry.path.replace(/^\/accounting\/account\/[^/]+/, "")}`);
    expect(calls).toEqual(["POST /invoices/invoices", "POST /payments/payments"]);
  });
});
