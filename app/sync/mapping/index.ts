/**
 * The pure mapping from a Shopify order (orders/create) to the FreshBooks payloads the sync
 * posts: client, invoice and payment. No I/O; every amount is exact (bigint minor units).
 * Currency: the shop currency, every amount from `shop_money` (docs/decisions/0006).
 */
import type { InvoiceInput, Money, PaymentInput } from "../../freshbooks/types";
import type { ShopifyOrder } from "../../shopify/order-schema";
import { mapCustomer, type MappedCustomer } from "./client";
import { invoiceDate, invoiceNotes, type MappingSettings } from "./invoice";
import { shopAmount, orderGroups } from "./lines";
import { isoExponent, MoneyReader, UnrepresentableAmount } from "./money";
import { mapPayment } from "./payment";
import { UnsupportedOrder } from "./problems";
import { reconcile } from "./reconcile";
import { freshbooksInvoiceTotal } from "./totals";

export type { MappedCustomer } from "./client";
export type { MappingSettings } from "./invoice";
export { freshbooksInvoiceTotal } from "./totals";
export { ROUNDING_LINE_NAME } from "./reconcile";
export { paymentType, paymentTypeForGateway } from "./payment";

export interface MappedOrder {
  /** The invoice currency: the shop currency. */
  currency: string;
  /** null: guest/POS/draft without a usable identity; the pipeline uses the shop's fallback client. */
  customer: MappedCustomer | null;
  invoice: Omit<InvoiceInput, "customerid">;
  /** Shopify's total in the invoice currency. */
  shopifyTotal: Money;
  /** What FreshBooks will compute for `invoice`; differs from `shopifyTotal` only when we could not reconcile. */
  expectedFreshBooksTotal: Money;
  payment: Omit<PaymentInput, "invoiceid"> | null;
}

export type MappingOutcome = { ok: true; order: MappedOrder } | { ok: false; kind: "skip" | "unsupported"; reason: string };

/** At most this many lines per invoice (our sandbox; FreshBooks' real limit is UNCONFIRMED). */
export const MAX_INVOICE_LINES = 100;

function tooManyLines(order: ShopifyOrder, count: number, what: string): UnsupportedOrder {
  return new UnsupportedOrder(
    `Order ${order.name} has ${count} ${what}; FreshBooks accepts at most ${MAX_INVOICE_LINES} lines per invoice, and we do not merge or drop lines.`,
  );
}

function unrepresentable(order: ShopifyOrder, problem: UnrepresentableAmount): string {
  if (isoExponent(problem.currency) > 2) {
    return `Order ${order.name} is in ${problem.currency}, which has 3 decimals, and contains the amount ${problem.amount} ${problem.currency}. FreshBooks keeps only 2 decimals, so it cannot be recorded without rounding, and we do not round money silently.`;
  }
  return `Order ${order.name} contains the amount ${problem.amount} ${problem.currency}, which has more decimals than FreshBooks keeps for ${problem.currency}; we do not round money silently.`;
}

function map(order: ShopifyOrder, settings: MappingSettings): MappedOrder {
  const currency = order.total_price_set?.shop_money.currency_code ?? order.currency;
  const reader = new MoneyReader(currency);
  if (order.line_items.length > MAX_INVOICE_LINES) throw tooManyLines(order, order.line_items.length, "items");
  const shopifyMinor = reader.minor(shopAmount(order.total_price_set, order.total_price));
  const { lines } = reconcile(orderGroups(order, reader), shopifyMinor, reader);
  if (lines.length > MAX_INVOICE_LINES) throw tooManyLines(order, lines.length, "invoice lines once shipping, tips and exact-cent splits are added");
  const createDate = invoiceDate(order);
  const invoice: Omit<InvoiceInput, "customerid"> = {
    create_date: createDate,
    due_offset_days: settings.dueOffsetDays,
    invoice_number: `${settings.invoicePrefix}${order.order_number}`,
    po_number: order.name,
    currency_code: currency,
    notes: invoiceNotes(order, settings, reader),
    lines,
  };
  return {
    currency,
    customer: mapCustomer(order, currency),
    invoice,
    shopifyTotal: reader.money(shopifyMinor),
    expectedFreshBooksTotal: freshbooksInvoiceTotal(invoice, currency),
    payment: mapPayment(order, shopifyMinor, createDate, reader),
  };
}

export function mapOrder(order: ShopifyOrder, settings: MappingSettings): MappingOutcome {
  if (order.test) return { ok: false, kind: "skip", reason: `Order ${order.name} is a test order; test orders are not sent to FreshBooks.` };
  try {
    return { ok: true, order: map(order, settings) };
  } catch (error) {
    if (error instanceof UnsupportedOrder) return { ok: false, kind: "unsupported", reason: error.reason };
    if (error instanceof UnrepresentableAmount) return { ok: false, kind: "unsupported", reason: unrepresentable(order, error) };
    throw error;
  }
}
