import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { requeueOrders } from "../app/models/order-sync.server";
import { resumeShop } from "../app/models/shop.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { manyItemsOrder } from "./fixtures/orders/many-items";
import { orderFixture, usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

const sandbox = await useFreshBooksSandbox();
useWorker();

type Line = { name: string; description?: string; qty: number; unit_cost: { amount: string } };
type Invoice = {
  id: number;
  invoice_number: string;
  customerid: number;
  amount: { amount: string; code: string };
  lines: Line[];
  payment_status: string;
};
const invoices = () => sandbox.state.invoices() as unknown as Invoice[];
const clients = () => sandbox.state.clients() as unknown as { id: number; email?: string; organization?: string }[];

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

describe("order → FreshBooks invoice", () => {
  it("a new customer's order becomes one client, one invoice with the same total, and a payment", async () => {
    const order = usOrder(1001);
    expect((await deliverOrder(order)).status).toBe(200);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", invoiceNumber: "SHOP-1001", freshbooksTotal: "49.10" });
    expect(clients()).toHaveLength(1);
    expect(invoices()).toHaveLength(1);
    expect(invoices()[0]).toMatchObject({ invoice_number: "SHOP-1001", amount: { amount: "49.10", code: "USD" }, payment_status: "paid" });
    expect(sandbox.state.payments()).toHaveLength(1);
  });

  it("a returning customer's second order reuses the client", async () => {
    await deliverOrder(usOrder(1001));
    await waitForSync();
    await deliverOrder(usOrder(1002));
    await waitForSync();

    expect(clients()).toHaveLength(1);
    expect(
      invoices()
        .map((i) => i.invoice_number)
        .sort(),
    ).toEqual(["SHOP-1001", "SHOP-1002"]);
    expect(new Set(invoices().map((i) => i.customerid)).size).toBe(1);
  });

  it.each([
    ["us-discount-tax-shipping", "49.10"],
    ["fr-tax-included", "64.87"],
    ["jp-pos-guest", "3000"],
  ] as const)("ties out to the cent: %s", async (fixture, total) => {
    const order = orderFixture(fixture);
    await deliverOrder(order);
    const [synced] = await waitForSync([order.id]);
    expect(synced?.status).toBe("synced");
    expect(Number.parseFloat(invoices()[0]!.amount.amount)).toBe(Number.parseFloat(total));
    expect(synced?.difference).toBeNull();
  });

  it("an order with 250 items syncs into one invoice within the line cap, to the cent", async () => {
    const order = manyItemsOrder(usOrder(1001), 250);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", freshbooksTotal: order.total_price, difference: null });
    expect(invoices()).toHaveLength(1);
    expect(invoices()[0]!.amount.amount).toBe(order.total_price);
    expect(invoices()[0]!.lines.length).toBeLessThanOrEqual(100);
    expect(sandbox.state.payments()).toEqual([expect.objectContaining({ amount: expect.objectContaining({ amount: order.total_price }) })]);
  });

  it("puts shipping on the invoice as a line", async () => {
    await deliverOrder(usOrder(1001));
    await waitForSync();
    expect(invoices()[0]!.lines.some((line) => /shipping/i.test(line.name))).toBe(true);
  });

  it("sends a guest order (no customer, no email) to the shop's fallback client", async () => {
    const guest = orderFixture("jp-pos-guest");
    await deliverOrder(guest);
    await deliverOrder({ ...guest, id: guest.id + 1, name: "#2", order_number: 2 });
    await waitForSync();
    expect(clients()).toEqual([expect.objectContaining({ organization: "Shopify customers" })]);
    expect(invoices()).toHaveLength(2);
  });
});

describe("never duplicated", () => {
  it("the same webhook three times at once: one invoice", async () => {
    const order = usOrder(1001);
    await Promise.all([1, 2, 3].map(() => deliverOrder(order, "same-webhook")));
    await waitForSync();
    expect(invoices()).toHaveLength(1);
  });

  it("the same order under two webhook ids: one invoice", async () => {
    const order = usOrder(1001);
    await Promise.all([deliverOrder(order, "webhook-a"), deliverOrder(order, "webhook-b")]);
    await waitForSync();
    expect(invoices()).toHaveLength(1);
  });

  it("20 simultaneous orders from one new email: one client", async () => {
    const orders = Array.from({ length: 20 }, (_, i) => usOrder(3000 + i));
    await Promise.all(orders.map((order) => deliverOrder(order)));
    const rows = await waitForSync(orders.map((o) => o.id));

    expect(rows.every((row) => row.status === "synced")).toBe(true);
    expect(clients()).toHaveLength(1);
    expect(invoices()).toHaveLength(20);
  });

  it("10 simultaneous orders of one new email, half logged in and half guest checkouts: one client", async () => {
    const orders = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? usOrder(4000 + i) : usOrder(4000 + i, { customer: null })));
    await Promise.all(orders.map((order) => deliverOrder(order)));
    const rows = await waitForSync(orders.map((o) => o.id));

    expect(rows.filter((row) => row.status !== "synced")).toEqual([]);
    expect(clients()).toHaveLength(1);
    expect(new Set(invoices().map((i) => i.customerid))).toEqual(new Set([clients()[0]!.id]));
    const mappings = await prisma.clientMapping.findMany({ orderBy: { customerKey: "asc" } });
    expect(mappings.map((m) => [m.customerKey, m.freshbooksClientId])).toEqual([
      ["customer:7123456789012", clients()[0]!.id],
      ["email:jane.doe@example.com", clients()[0]!.id],
    ]);
  });

  it("an invoice POST that succeeded but timed out is found by its number, not created twice", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", fault: { kind: "timeout", afterHandling: true } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const [synced] = await waitForSync([order.id], 60_000);

    expect(synced?.status).toBe("synced");
    expect(synced?.attempts).toBe(2);
    expect(invoices()).toHaveLength(1);
  });
});

describe("when FreshBooks says no, or is down", () => {
  it("records a validation failure with FreshBooks' message and retries nothing by itself; Retry then syncs it", async () => {
    sandbox.faults.enqueue({
      method: "POST",
      path: "/invoices/invoices$",
      fault: { kind: "status", status: 422 },
    });
    const order = usOrder(1001);
    await deliverOrder(order);
    const [failed] = await waitForSync([order.id]);
    expect(failed?.status).toBe("failed");
    expect(failed?.statusReason).toMatch(/^FreshBooks refused the invoice: /);
    expect(invoices()).toHaveLength(0);

    expect(await requeueOrders(prisma, TEST_SHOP, { orderId: String(order.id) })).toBe(1);
    const [synced] = await waitForSync([order.id]);
    expect(synced?.status).toBe("synced");
    expect(invoices()).toHaveLength(1);
    expect(await requeueOrders(prisma, TEST_SHOP, { orderId: String(order.id) })).toBe(0);
  });

  it("fails with what to do when the FreshBooks plan's client limit is reached", async () => {
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
    expect(failed?.statusReason).toMatch(
      /FreshBooks refused the client: You do not have access to perform the action requested\. Your FreshBooks plan probably limits the number of clients/,
    );
    expect(failed?.statusReason).toMatch(/One shared client for all orders/);
  });

  // The full-size storm (1,000 orders, longest wait ≤ 5 min) is the fault bench's (bench/faults.ts);
  // this is its smoke: the deadline is the work's (waitForSync fails only when nothing moves).
  it("60 orders through a rate limit and a 429 storm all sync, once each", async () => {
    sandbox.faults.setRateLimit({ perSecond: 250, burst: 20 });
    // A storm is a window of time, as a rate limit's is (the fault bench's storms too): "the next 30
    // refusals, however long that takes" would refuse a paced account's one probe per wait, 30 waits
    // in a row (1 s, 2 s, 4 s … without Retry-After), which no real limit does.
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", times: 30, forMs: 3000, fault: { kind: "status", status: 429 } });
    const orders = Array.from({ length: 60 }, (_, i) => usOrder(10_000 + i));
    for (let i = 0; i < orders.length; i += 20) {
      await Promise.all(orders.slice(i, i + 20).map((order) => deliverOrder(order)));
    }
    const rows = await waitForSync(orders.map((o) => o.id));

    expect(rows.filter((row) => row.status !== "synced")).toEqual([]);
    expect(invoices()).toHaveLength(60);
    expect(new Set(invoices().map((i) => i.invoice_number)).size).toBe(60);
    expect(sandbox.state.count({ status: 429 })).toBeGreaterThan(0);
  }, 600_000);

  it("a revoked FreshBooks grant parks orders as 'needs reconnect'; reconnecting syncs them", async () => {
    sandbox.state.revokeAllTokens();
    sandbox.faults.expireAccessTokens();
    const order = usOrder(1001);
    await deliverOrder(order);
    const [waiting] = await waitForSync([order.id]);
    expect(waiting?.status).toBe("needs_reconnect");

    await connectThroughOAuth();
    const [synced] = await waitForSync([order.id]);
    expect(synced?.status).toBe("synced");
    expect(invoices()).toHaveLength(1);
  });

  it("keeps full product names: overflow moves to the description, nothing is cut off", async () => {
    const longTitle = `Handmade ceramic mug — ${"glazed in deep ocean blue with a speckled finish, ".repeat(8)}`.trim();
    const base = usOrder(1001);
    const lineItems = (base.line_items as Record<string, unknown>[]).map((item, i) =>
      i === 0 ? { ...item, title: longTitle, name: longTitle } : item,
    );
    await deliverOrder({ ...base, line_items: lineItems });
    await waitForSync();

    const line = invoices()[0]!.lines.find((l) => l.name.startsWith("Handmade ceramic mug"))!;
    const text = `${line.name.replace(/…$/, "")}${(line.description ?? "").replace(/^…/, "")}`;
    expect(text).toContain(longTitle);
  });
});

describe("settings and shop lifecycle", () => {
  it("one shared client for all orders, when the merchant chooses it", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, clientStrategy: "shared", fallbackClientName: "Web shop sales" } });
    await deliverOrder(usOrder(1001));
    await deliverOrder(orderFixture("fr-tax-included"));
    await waitForSync();
    expect(clients()).toEqual([expect.objectContaining({ organization: "Web shop sales" })]);
    expect(invoices()).toHaveLength(2);
  });

  it("emails the invoice once when the setting is on", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, emailInvoices: true } });
    const order = usOrder(1001);
    await deliverOrder(order);
    await waitForSync();
    await requeueOrders(prisma, TEST_SHOP, {});
    await waitForSync();
    expect(sandbox.state.emailsSent()).toHaveLength(1);
  });

  it("pauses while the app is uninstalled and resumes on reinstall", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, uninstalledAt: new Date() } });
    const order = usOrder(1001);
    await deliverOrder(order);
    await expect.poll(async () => (await prisma.orderSync.findFirst())?.statusReason, { timeout: 60_000 }).toMatch(/^Paused/);
    expect(invoices()).toHaveLength(0);

    await resumeShop(prisma, TEST_SHOP);
    const [synced] = await waitForSync([order.id]);
    expect(synced?.status).toBe("synced");
  });

  it("skips Shopify test orders, saying why", async () => {
    const order = orderFixture("us-discount-tax-shipping", { test: true } as never);
    await deliverOrder(order);
    const [skipped] = await waitForSync([order.id]);
    expect(skipped?.status).toBe("skipped");
    expect(skipped?.statusReason).toMatch(/test order/i);
    expect(invoices()).toHaveLength(0);
  });
});
