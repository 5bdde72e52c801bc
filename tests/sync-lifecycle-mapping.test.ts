import { describe, expect, it } from "vitest";
import type { OrderEvent } from "@prisma/client";
import { MoneyReader } from "../app/sync/mapping/money";
import { editedOrder } from "../app/sync/lifecycle/edit.server";
import { knownCaptured, notBookedBecause } from "../app/sync/lifecycle/payments.server";
import { mapRefund, ROUNDING_LINE } from "../app/sync/lifecycle/refunds.server";
import { refundSchema, transactionSchema } from "../app/sync/lifecycle/schemas";
import { accountingState, tieOut } from "../app/sync/lifecycle/timeline.server";
import { shopifyOrderSchema } from "../app/shopify/order-schema";
import { parseExactJson } from "../app/shopify/json";
import { lifecycleFixture } from "./helpers/lifecycle";
import { orderFixture } from "./helpers/orders";

const usd = new MoneyReader("USD");
const order = shopifyOrderSchema.parse(orderFixture("us-discount-tax-shipping"));
const refund = (name: string) => refundSchema.parse(lifecycleFixture(name));
const names = (lines: { name: string; unit_cost: { amount: string } }[]) => lines.map((line) => [line.name, line.unit_cost.amount]);

describe("a Shopify refund → the credit note's lines", () => {
  it("a refunded item at its invoiced (discounted) price and the invoice's tax rate", () => {
    const mapped = mapRefund(refund("refunds-create.line-item"), order, usd);
    expect(mapped.lines).toEqual([
      expect.objectContaining({
        name: "Product A",
        qty: 1,
        unit_cost: { amount: "9.00", code: "USD" },
        taxName1: "NY State Tax",
        taxAmount1: "8.875",
      }),
    ]);
    expect([mapped.totalMinor, mapped.cashMinor, mapped.pendingMinor]).toEqual([980n, 980n, 0n]);
  });

  it("refunded shipping once, though Shopify also writes it as a legacy shipping adjustment", () => {
    const mapped = mapRefund(refund("refunds-create.shipping"), order, usd);
    expect(names(mapped.lines)).toEqual([["Refunded shipping: Standard", "5.00"]]);
    expect(mapped.totalMinor).toBe(500n);
  });

  it("a legacy shipping adjustment alone is the refunded shipping", () => {
    const body = { ...lifecycleFixture("refunds-create.shipping"), refund_shipping_lines: [] };
    expect(names(mapRefund(refundSchema.parse(body), order, usd).lines)).toEqual([["Refunded shipping", "5.00"]]);
  });

  it("a restocking fee kept by the merchant is its own line, and the total is what went back", () => {
    const mapped = mapRefund(refund("refunds-create.restocking-fee"), order, usd);
    expect(names(mapped.lines)).toEqual([
      ["Product B", "22.50"],
      ["Restocking fee", "-3.00"],
    ]);
    expect(mapped.totalMinor).toBe(2150n);
  });

  it("a discrepancy that only stands for money still pending does not cancel the credit", () => {
    const mapped = mapRefund(refund("refunds-create.pending"), order, usd);
    expect(mapped.totalMinor).toBe(980n);
    expect([mapped.cashMinor, mapped.pendingMinor]).toEqual([0n, 980n]);
    // …and once the refund transaction succeeded, the money is counted.
    expect(mapRefund(refund("refunds-create.pending"), order, usd, new Map([["7200000000004", "success"]])).cashMinor).toBe(980n);
  });

  it("a whole refund of the order adds up to the invoice, without a rounding line", () => {
    const mapped = mapRefund(refund("refunds-create.full"), order, usd);
    expect(mapped.totalMinor).toBe(4910n);
    expect(mapped.lines.map((line) => line.name)).not.toContain(ROUNDING_LINE);
  });

  it("reads Shopify's own documentation sample (ids beyond 2^53 kept exact, numeric subtotals as text)", () => {
    const sample = `{"id": 890088186047892319, "order_id": 820982911946154508, "refund_line_items": [{"id": 487817672276298627, "quantity": 1, "line_item_id": 487817672276298554, "subtotal": 89.99, "total_tax": 0, "line_item": {"title": "Aviator sunglasses"}}], "transactions": [{"id": 245135271310201194, "order_id": 820982911946154508, "kind": "refund", "status": "success", "amount": "75.00", "currency": null}]}`;
    const parsed = refundSchema.parse(parseExactJson(sample));
    expect(parsed.id).toBe("890088186047892319");
    expect(parsed.refund_line_items[0]?.subtotal).toBe("89.99");
  });
});

describe("money in: what Shopify is known to have captured", () => {
  const event = (topic: string, payload: unknown) => ({ topic, payload }) as unknown as OrderEvent;
  const tx = (name: string) => event("ORDER_TRANSACTIONS_CREATE", lifecycleFixture(name));

  it("an order paid at create counts its total; its own sale arriving later adds nothing", () => {
    expect(knownCaptured(orderFixture("us-discount-tax-shipping"), [tx("order_transactions-create.sale")], usd)).toBe(4910n);
  });

  it("an unpaid order counts each capture, and an orders/paid body counts its paid amount (never both)", () => {
    const unpaid = lifecycleFixture("orders-create.unpaid-cod");
    expect(knownCaptured(unpaid, [], usd)).toBe(0n);
    expect(knownCaptured(unpaid, [tx("order_transactions-create.capture-partial")], usd)).toBe(2000n);
    const paid = event("ORDERS_PAID", lifecycleFixture("orders-paid.cod-marked-paid"));
    expect(knownCaptured(unpaid, [paid, tx("order_transactions-create.cod-marked-paid")], usd)).toBe(4910n);
  });

  it.each([
    ["order_transactions-create.authorization", "moves no money"],
    ["order_transactions-create.sale", null],
  ])("%s: %s", (name, why) => {
    const reason = notBookedBecause(transactionSchema.parse(lifecycleFixture(name)));
    expect(reason === null ? null : reason).toEqual(why === null ? null : expect.stringContaining(why));
  });

  it("a refund, a failure and a test transaction are not money in", () => {
    const sale = lifecycleFixture("order_transactions-create.sale");
    expect(notBookedBecause(transactionSchema.parse({ ...sale, kind: "refund" }))).toContain("credit note");
    expect(notBookedBecause(transactionSchema.parse({ ...sale, status: "failure" }))).toContain("failure");
    expect(notBookedBecause(transactionSchema.parse({ ...sale, test: true }))).toContain("test");
  });
});

describe("edits and the merchant's view", () => {
  it("the edited order takes each line's current quantity and Shopify's current total", () => {
    const edited = editedOrder(lifecycleFixture("orders-updated.edit-add-remove")) as {
      line_items: { title: string; quantity: number }[];
      total_price: string;
    };
    expect(edited.line_items.map((item) => [item.title, item.quantity])).toEqual([
      ["Product A", 1],
      ["Product B", 1],
      ["Product C", 1],
    ]);
    expect(edited.total_price).toBe("46.92");
  });

  it("accounting state and tie-out from what was recorded", () => {
    const order = { currency: "USD", totalPrice: "49.10", freshbooksTotal: "49.10", recordedPayment: { amount: "49.10" } };
    const credit = {
      topic: "REFUNDS_CREATE",
      action: "credit_note",
      status: "done",
      freshbooksId: 1,
      recordedAmount: "9.80",
      intent: { shopifyTotalMinor: "980" },
    } as unknown as OrderEvent;
    expect(accountingState(order, [])).toBe("Paid");
    expect(accountingState({ ...order, recordedPayment: null }, [])).toBe("Unpaid");
    expect(accountingState(order, [credit])).toBe("Partly refunded");
    expect(tieOut(order, [credit])).toEqual({ shopifyNet: "39.30", freshbooksNet: "39.30", difference: null });
    // A refund Shopify made whose credit note is missing shows as a difference.
    const uncredited = { ...credit, freshbooksId: null } as OrderEvent;
    expect(tieOut(order, [uncredited])).toEqual({ shopifyNet: "39.30", freshbooksNet: "49.10", difference: "9.80" });
  });
});
