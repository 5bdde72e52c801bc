/**
 * The pure mapping from a Shopify order (orders/create) to the FreshBooks payloads the sync
 * posts: client, invoice and payment. No I/O; every amount is exact (bigint minor units).
 * Currency: the shop currency, every amount from `shop_money` (docs/decisions/0006).
 */
import type { InvoiceInput, InvoiceLineInput, Money, PaymentInput } from "../../freshbooks/types";
import type { ShopifyOrder } from "../../shopify/order-schema";
import { mapCustomer, type MappedCustomer } from "./client";
import { invoiceDate, invoiceNotes, type MappingSettings } from "./invoice";
import { chargeGroups } from "./charges";
import { foldGroups } from "./fold";
import { groupLines, orderGroups, shopAmount, type LineGroup } from "./lines";
import { isoExponent, MoneyReader, UnrepresentableAmount } from "./money";
import { mapPayment } from "./payment";
import { UnsupportedOrder } from "./problems";
import { reconcile, type Reconciled } from "./reconcile";
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

function tooManyLines(order: ShopifyOrder, count: number): UnsupportedOrder {
  return new UnsupportedOrder(
    `Order ${order.name} needs ${count} invoice lines even with its items summarised by tax; FreshBooks accepts at most ${MAX_INVOICE_LINES} lines per invoice.`,
  );
}

/**
 * The reconciled lines within MAX_INVOICE_LINES: all groups as they are when they fit, else the
 * first items as they are and the rest folded into summary lines (fold.ts), keeping fewer items
 * until the result fits (a kept line can split in two when reconcile moves a unit off it).
 */
function fitWithinCap(order: ShopifyOrder, groups: LineGroup[], shopifyMinor: bigint, reader: MoneyReader): Reconciled {
  const whole = reconcile(groups, shopifyMinor, reader);
  if (whole.lines.length <= MAX_INVOICE_LINES) return whole;
  const items = groups.filter((group) => group.foldable);
  const others = groups.filter((group) => !group.foldable);
  let used = others.reduce((sum, group) => sum + groupLines(group, reader).length, 0) + 1;
  let keep = 0;
  while (keep < items.length && used + groupLines(items[keep]!, reader).length < MAX_INVOICE_LINES) {
    used += groupLines(items[keep]!, reader).length;
    keep += 1;
  }
  for (; keep >= 0; keep--) {
    const folded = reconcile([...items.slice(0, keep), ...foldGroups(items.slice(keep), reader), ...others], shopifyMinor, reader);
    if (folded.lines.length <= MAX_INVOICE_LINES) return folded;
  }
  throw tooManyLines(order, whole.lines.length);
}

function gapOf(reconciled: Reconciled, shopifyMinor: bigint): bigint {
  const gap = reconciled.totalMinor - shopifyMinor;
  return gap < 0n ? -gap : gap;
}

/**
 * Duties and additional fees are either charged on top of the items (Shopify's total includes
 * them) or already inside the prices (duties-inclusive pricing); Shopify's total tells which,
 * so the invoice takes them when that brings it closer to Shopify's total.
 */
function invoiceLines(order: ShopifyOrder, shopifyMinor: bigint, reader: MoneyReader): InvoiceLineInput[] {
  const groups = orderGroups(order, reader);
  const charges = chargeGroups(order, reader);
  const withCharges = fitWithinCap(order, [...groups, ...charges], shopifyMinor, reader);
  if (charges.length === 0) return withCharges.lines;
  const without = fitWithinCap(order, groups, shopifyMinor, reader);
  return gapOf(without, shopifyMinor) < gapOf(withCharges, shopifyMinor) ? without.lines : withCharges.lines;
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
  const shopifyMinor = reader.minor(shopAmount(order.total_price_set, order.total_price));
  const lines = invoiceLines(order, shopifyMinor, reader);
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
  if (order.test && !settings.sendDespiteFilter)
    return { ok: false, kind: "skip", reason: `Order ${order.name} is a test order; test orders are not sent to FreshBooks.` };
  try {
    return { ok: true, order: map(order, settings) };
  } catch (error) {
    if (error instanceof UnsupportedOrder) return { ok: false, kind: "unsupported", reason: error.reason };
    if (error instanceof UnrepresentableAmount) return { ok: false, kind: "unsupported", reason: unrepresentable(order, error) };
    throw error;
  }
}
