import { Writable } from "node:stream";
import pino from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { tokenSourceFor } from "../app/freshbooks/connection.server";
import { logger } from "../app/logger.server";
import { requeueOrders } from "../app/models/order-sync.server";
import { attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { orderFixture, usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

/**
 * What FreshBooks already holds when an order arrives: another store's or the merchant's own
 * invoice with our number, a client the merchant deleted, a lost mapping. Attempts are run
 * directly (no worker), one at a time, so each test reads as a sequence of events.
 */
const sandbox = await useFreshBooksSandbox();

type Invoice = { id: number; invoice_number: string; customerid: number; po_number: string | null };
type Client = { id: number; email?: string; organization?: string; vis_state: number };
const invoices = () => sandbox.state.invoices() as unknown as Invoice[];
const clients = () => sandbox.state.clients() as unknown as Client[];

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

/** The merchant (or another app on the same business) working in FreshBooks directly. */
async function inFreshBooks<T>(method: "POST" | "PUT", path: string, body: unknown): Promise<T> {
  const token = await tokenSourceFor(TEST_SHOP, { db: prisma }).current();
  const accountId = sandbox.state.accountIds()[0]!;
  const response = await fetch(`${sandbox.url}/accounting/account/${accountId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { response: { result: T } }).response.result;
}

async function foreignInvoice(invoiceNumber: string, poNumber: string): Promise<Invoice> {
  const { client } = await inFreshBooks<{ client: Client }>("POST", "/users/clients", {
    client: { organization: "Another store's customer" },
  });
  const { invoice } = await inFreshBooks<{ invoice: Invoice }>("POST", "/invoices/invoices", {
    invoice: {
      customerid: client.id,
      create_date: "2024-01-02",
      invoice_number: invoiceNumber,
      po_number: poNumber,
      currency_code: "USD",
      lines: [],
    },
  });
  return invoice;
}

const deleteClient = (id: number) => inFreshBooks("PUT", `/users/clients/${id}`, { client: { vis_state: 1 } });

async function sync(order: Record<string, unknown> & { id: number }) {
  await deliverOrder(order);
  const result = await attemptOrderSync(TEST_SHOP, String(order.id), null, { db: prisma, logger });
  return { result, row: await prisma.orderSync.findFirstOrThrow({ where: { orderId: String(order.id) } }) };
}

describe("an invoice with our number that is not ours", () => {
  const TAKEN = "FreshBooks already has invoice SHOP-1001 for another client; change the invoice number prefix in Settings and retry.";

  it("is never adopted by the crash-recovery lookup: the order fails saying what to do", async () => {
    const stranger = await foreignInvoice("SHOP-1001", "#1001");
    const order = usOrder(1001);
    await deliverOrder(order);
    // A previous attempt recorded its intent and died before its POST.
    const accountId = sandbox.state.accountIds()[0]!;
    await prisma.orderSync.updateMany({
      data: { invoiceIntentAt: new Date(), invoiceNumber: "SHOP-1001", freshbooksAccountId: accountId },
    });

    const result = await attemptOrderSync(TEST_SHOP, String(order.id), null, { db: prisma, logger });

    expect(result).toEqual({ outcome: "failed", reason: TAKEN });
    const row = await prisma.orderSync.findFirstOrThrow();
    expect(row).toMatchObject({ status: "failed", statusReason: TAKEN, freshbooksInvoiceId: null });
    expect(invoices()).toEqual([expect.objectContaining({ id: stranger.id })]);
  });

  it("refused by FreshBooks as a duplicate number: the same clear reason; after a new prefix, Retry syncs it", async () => {
    await foreignInvoice("SHOP-1001", "#1001");

    const first = await sync(usOrder(1001));
    expect(first.row).toMatchObject({ status: "failed", statusReason: TAKEN, freshbooksInvoiceId: null });
    expect(invoices()).toHaveLength(1);

    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, invoicePrefix: "WEB-" } });
    await requeueOrders(prisma, TEST_SHOP, {});
    const retried = await attemptOrderSync(TEST_SHOP, first.row.orderId, null, { db: prisma, logger });

    expect(retried.outcome).toBe("synced");
    expect(
      invoices()
        .map((invoice) => invoice.invoice_number)
        .sort(),
    ).toEqual(["SHOP-1001", "WEB-1001"]);
    expect(await prisma.orderSync.findFirstOrThrow()).toMatchObject({ invoiceNumber: "WEB-1001" });
  });
});

describe("a client the merchant deleted in FreshBooks", () => {
  it("is restored for the customer's next order: still one client, both invoices on it", async () => {
    await sync(usOrder(1001));
    const [client] = clients();
    await deleteClient(client!.id);

    const second = await sync(usOrder(1002));

    expect(second.result.outcome).toBe("synced");
    expect(clients()).toEqual([expect.objectContaining({ id: client!.id, vis_state: 0 })]);
    expect(invoices().map((invoice) => invoice.customerid)).toEqual([client!.id, client!.id]);
  });

  it("the shared guest client, deleted, is restored for the next guest order", async () => {
    const guest = orderFixture("jp-pos-guest");
    await sync(guest);
    const [shared] = clients();
    await deleteClient(shared!.id);

    const next = await sync({ ...guest, id: guest.id + 1, name: "#2", order_number: 2 });

    expect(next.result.outcome).toBe("synced");
    expect(clients()).toEqual([expect.objectContaining({ id: shared!.id, organization: "Shopify customers", vis_state: 0 })]);
  });

  it("gone for good: the stale mapping is dropped and the client resolved again", async () => {
    const accountId = sandbox.state.accountIds()[0]!;
    await prisma.clientMapping.create({
      data: { shop: TEST_SHOP, accountId, customerKey: "customer:7123456789012", freshbooksClientId: 424242 },
    });

    const { result, row } = await sync(usOrder(1001));

    expect(result.outcome).toBe("synced");
    expect(clients()).toHaveLength(1);
    expect(row.freshbooksClientId).toBe(clients()[0]!.id);
    const mappings = await prisma.clientMapping.findMany({ orderBy: { customerKey: "asc" } });
    expect(mappings.map((mapping) => [mapping.customerKey, mapping.freshbooksClientId])).toEqual([
      ["customer:7123456789012", clients()[0]!.id],
      ["email:jane.doe@example.com", clients()[0]!.id],
    ]);
  });
});

describe("the shop's shared client when our mapping of it is lost", () => {
  it("is found by its name instead of created a second time", async () => {
    const guest = orderFixture("jp-pos-guest");
    await sync(guest);
    await prisma.clientMapping.deleteMany();

    await sync({ ...guest, id: guest.id + 1, name: "#2", order_number: 2 });

    expect(clients()).toEqual([expect.objectContaining({ organization: "Shopify customers" })]);
    expect(new Set(invoices().map((invoice) => invoice.customerid)).size).toBe(1);
  });
});

describe("the attempt's log line", () => {
  it("names FreshBooks' HTTP status and errnos of a failed call, never the token or the buyer's email", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()) });
    const capture = pino({ level: "info" }, sink);
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 503 } });
    const order = usOrder(1001);
    await deliverOrder(order);

    const result = await attemptOrderSync(TEST_SHOP, String(order.id), "job-1", { db: prisma, logger: capture });

    expect(result.outcome).toBe("retry");
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === "sync attempt");
    expect(logged).toMatchObject({ outcome: "retry", freshbooksStatus: 503, freshbooksError: "transient", freshbooksErrnos: [500] });
    const token = await tokenSourceFor(TEST_SHOP, { db: prisma }).current();
    expect(lines.join("")).not.toContain(token);
    expect(lines.join("")).not.toContain("jane.doe@example.com");
  });
});
