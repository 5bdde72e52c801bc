import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { deliverEvent, lifecycleFixture, resetEvents, waitForEvents } from "./helpers/lifecycle";
import { orderFixture } from "./helpers/orders";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const sandbox = await useFreshBooksSandbox();
useWorker();

type Money = { amount: string; code: string };
type Invoice = {
  id: number;
  invoice_number: string;
  amount: Money;
  paid: Money;
  outstanding: Money;
  payment_status: string;
  vis_state: number;
  lines: { name: string; qty: string }[];
};
type Payment = { id: number; amount: Money; note: string; vis_state: number };
type CreditNote = {
  id: number;
  credit_number: string;
  clientid: number;
  amount: Money;
  lines: { name: string; qty: string; unit_cost: Money; taxName1: string | null; taxAmount1: string | null }[];
};
const invoices = () => sandbox.state.invoices() as unknown as Invoice[];
const payments = () => (sandbox.state.payments() as unknown as Payment[]).filter((payment) => payment.vis_state !== 1);
const creditNotes = () => sandbox.state.creditNotes() as unknown as CreditNote[];

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await resetEvents();
  await connectThroughOAuth();
});

/** #1001 (the US fixture: 49.10 paid), the order the lifecycle fixtures belong to. */
const paidOrder = () => orderFixture("us-discount-tax-shipping");
const unpaidOrder = () => lifecycleFixture("orders-create.unpaid-cod");

describe("payments after the order was placed", () => {
  it("an order placed unpaid (cash on delivery) and paid later ends paid in FreshBooks, once, whatever Shopify repeats", async () => {
    expect((await deliverOrder(unpaidOrder())).status).toBe(200);
    await waitForSync();
    expect(invoices()[0]).toMatchObject({ payment_status: "unpaid" });
    expect(payments()).toHaveLength(0);

    const sale = lifecycleFixture("order_transactions-create.cod-marked-paid");
    const paid = lifecycleFixture("orders-paid.cod-marked-paid");
    expect((await deliverEvent("order_transactions/create", sale, "tx-1")).status).toBe(200);
    expect((await deliverEvent("orders/paid", paid, "paid-1")).status).toBe(200);
    // The same deliveries again (Shopify's retry), and orders/paid again under a new webhook id.
    await deliverEvent("order_transactions/create", sale, "tx-1");
    await deliverEvent("orders/paid", paid, "paid-2");
    const events = await waitForEvents(2);

    expect(events).toHaveLength(2);
    expect(payments()).toEqual([expect.objectContaining({ amount: { amount: "49.10", code: "USD" } })]);
    expect(invoices()[0]).toMatchObject({ payment_status: "paid", outstanding: { amount: "0.00" } });
    expect(events.map((event) => event.status)).toEqual(["done", "done"]);
  });

  it("a sale already recorded with the invoice adds nothing; an authorization moves no money", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.sale"));
    await deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.authorization"));
    const events = await waitForEvents(2);

    expect(payments()).toHaveLength(1);
    expect(events.find((event) => event.eventKey === "7100000000001")?.statusReason).toContain("Already recorded");
    expect(events.find((event) => event.eventKey === "7100000000002")).toMatchObject({ status: "ignored" });
  });

  it("partial captures: each capture is recorded for what it captured, and the invoice ends paid", async () => {
    await deliverOrder({ ...paidOrder(), financial_status: "authorized", total_outstanding: "49.10" });
    await waitForSync();
    expect(payments()).toHaveLength(0);

    await deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.capture-partial"));
    await waitForEvents(1);
    expect(invoices()[0]).toMatchObject({ payment_status: "partial", paid: { amount: "20.00" } });

    await deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.capture-rest"));
    await waitForEvents(2);
    expect(
      payments()
        .map((payment) => payment.amount.amount)
        .sort(),
    ).toEqual(["20.00", "29.10"]);
    expect(invoices()[0]).toMatchObject({ payment_status: "paid" });
  });
});

describe("refunds become credit notes", () => {
  it("a refunded item: credit note SHOP-1001-R1 at the invoiced price and tax, and the money taken off the payment", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"));
    const [event] = await waitForEvents(1);

    const [note] = creditNotes();
    expect(note).toMatchObject({ credit_number: "SHOP-1001-R1", amount: { amount: "9.80", code: "USD" } });
    expect(note?.lines).toEqual([
      expect.objectContaining({ name: "Product A", qty: "1", unit_cost: { amount: "9.00", code: "USD" }, taxAmount1: "8.875" }),
    ]);
    expect(note?.clientid).toBe((sandbox.state.clients()[0] as { id: number }).id);
    expect(payments()[0]?.amount.amount).toBe("39.30");
    expect(event).toMatchObject({ status: "done", action: "credit_note", freshbooksNumber: "SHOP-1001-R1", recordedAmount: "9.80" });
    expect(sandbox.state.clientCredit(note!.clientid)).toEqual({ USD: "9.80" });
  });

  it("refunded shipping is credited once (the legacy shipping adjustment beside it is not counted twice); a second refund is R2", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"));
    await waitForEvents(1);
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.shipping"));
    await waitForEvents(2);

    expect(creditNotes().map((note) => [note.credit_number, note.amount.amount])).toEqual([
      ["SHOP-1001-R1", "9.80"],
      ["SHOP-1001-R2", "5.00"],
    ]);
    expect(creditNotes()[1]?.lines.map((line) => line.name)).toEqual(["Refunded shipping: Standard"]);
  });

  it("a restocking fee is its own line and the credit is what the customer got back", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.restocking-fee"));
    await waitForEvents(1);

    const [note] = creditNotes();
    expect(note?.amount.amount).toBe("21.50");
    expect(note?.lines.map((line) => [line.name, line.unit_cost.amount])).toEqual([
      ["Product B", "22.50"],
      ["Restocking fee", "-3.00"],
    ]);
  });

  it("a refund whose money is still pending: credit note for the items, the payment untouched", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.pending"));
    const [event] = await waitForEvents(1);

    expect(creditNotes()[0]?.amount.amount).toBe("9.80");
    expect(payments()[0]?.amount.amount).toBe("49.10");
    expect(event?.statusReason).toContain("pending");
  });

  it("when the pending refund's money goes back later (order_transactions/create), it is taken off the payment, once", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.pending"));
    await waitForEvents(1);
    expect(payments()[0]?.amount.amount).toBe("49.10");

    const pending = lifecycleFixture("refunds-create.pending");
    const settled = { ...(pending.transactions as Record<string, unknown>[])[0], status: "success" };
    await deliverEvent("order_transactions/create", settled);
    await deliverEvent("order_transactions/create", settled, "again");
    await waitForEvents(2);

    expect(creditNotes()).toHaveLength(1);
    expect(payments()[0]?.amount.amount).toBe("39.30");
    const refund = await prisma.orderEvent.findFirstOrThrow({ where: { topic: "REFUNDS_CREATE" } });
    expect(refund.statusReason).toContain("9.80 USD taken off the recorded payment");
  });

  it("a refund that arrives before the order itself waits for the invoice, then becomes its credit note", async () => {
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = await prisma.orderEvent.findFirstOrThrow({});
    expect(["queued", "waiting"]).toContain(waiting.status);
    expect(creditNotes()).toHaveLength(0);

    await deliverOrder(paidOrder());
    await waitForSync();
    await waitForEvents(1);
    expect(creditNotes().map((note) => note.credit_number)).toEqual(["SHOP-1001-R1"]);
  });

  it("the credit notes of an order never add up to more than its invoice", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.full"));
    await waitForEvents(1);
    await deliverEvent("refunds/create", { ...lifecycleFixture("refunds-create.line-item"), id: 8200000000009 });
    const events = await waitForEvents(2);

    expect(creditNotes().map((note) => note.amount.amount)).toEqual(["49.10"]);
    expect(events[1]?.statusReason).toContain("already recorded reach the invoice's total");
  });

  it("several events of one order delivered at once: one credit note per refund, numbered in turn", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await Promise.all([
      deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item")),
      deliverEvent("refunds/create", lifecycleFixture("refunds-create.shipping")),
      deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"), "again"),
      deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.sale")),
    ]);
    await waitForEvents(3);

    expect(
      creditNotes()
        .map((note) => note.credit_number)
        .sort(),
    ).toEqual(["SHOP-1001-R1", "SHOP-1001-R2"]);
    expect(
      creditNotes()
        .map((note) => note.amount.amount)
        .sort(),
    ).toEqual(["5.00", "9.80"]);
    expect(payments().map((payment) => payment.amount.amount)).toEqual(["34.30"]);
  });
});

describe("cancellations and edits", () => {
  it("an unpaid order cancelled: its invoice is deleted in FreshBooks", async () => {
    await deliverOrder(unpaidOrder());
    await waitForSync();
    await deliverEvent("orders/cancelled", lifecycleFixture("orders-cancelled.unpaid"));
    const [event] = await waitForEvents(1);

    expect(invoices()[0]?.vis_state).toBe(1);
    expect(event).toMatchObject({ status: "done", action: "cancel" });
  });

  it("a paid order cancelled: the invoice stays, its refund becomes a full credit note", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("orders/cancelled", lifecycleFixture("orders-cancelled.paid-refunded"));
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.full"));
    const events = await waitForEvents(2);

    expect(invoices()[0]?.vis_state).toBe(0);
    expect(creditNotes().map((note) => note.amount.amount)).toEqual(["49.10"]);
    expect(events.find((event) => event.topic === "ORDERS_CANCELLED")?.statusReason).toContain("kept");
  });

  it("an edit before payment and sending replaces the invoice's lines; after payment a lower total is a credit note", async () => {
    await deliverOrder(unpaidOrder());
    await waitForSync();
    await deliverEvent("orders/updated", lifecycleFixture("orders-updated.edit-add-remove"));
    const [event] = await waitForEvents(1);

    expect(invoices()[0]?.amount.amount).toBe("46.92");
    expect(invoices()[0]?.lines.map((line) => line.name)).toContain("Product C");
    expect(event).toMatchObject({ action: "edit" });
  });

  it("an edit of a paid order that lowers its total is recorded as a credit note for the difference", async () => {
    await deliverOrder(paidOrder());
    await waitForSync();
    await deliverEvent("orders/updated", {
      ...lifecycleFixture("orders-updated.edit-add-remove"),
      financial_status: "paid",
      total_outstanding: "0.00",
    });
    const [event] = await waitForEvents(1);

    expect(invoices()[0]?.amount.amount).toBe("49.10");
    expect(creditNotes().map((note) => [note.credit_number, note.amount.amount])).toEqual([["SHOP-1001-R1", "2.18"]]);
    expect(event?.statusReason).toContain("credit note SHOP-1001-R1 for the difference");
  });
});
