/**
 * Refunds → FreshBooks credit notes (docs/decisions/0016-order-lifecycle.md, "Refunds"): one credit
 * note per Shopify refund, numbered from the invoice (SHOP-1042-R1, -R2…), the refunded items at
 * their invoiced prices and taxes, refunded shipping, adjustments as their own lines; the sum of
 * an order's credit notes never exceeds its invoice; the refunded cash taken off our payments.
 */
import type { InvoiceLineInput } from "../../freshbooks/types";
import { shopifyOrderSchema, type ShopifyOrder } from "../../shopify/order-schema";
import { groupLines, type LineGroup } from "../mapping/lines";
import type { MoneyReader } from "../mapping/money";
import { lineTaxes } from "../mapping/taxes";
import { invoiceTotalMinor } from "../mapping/totals";
import { leadingDate, orderEvents, type StepContext, type StepOutcome } from "./context";
import { refundSchema, transactionSchema, type ShopifyRefund } from "./schemas";

export const ROUNDING_LINE = "Rounding adjustment";

export interface MappedCredit {
  lines: InvoiceLineInput[];
  /** What Shopify says was refunded (items + tax + shipping + duties − kept adjustments), minor units. */
  totalMinor: bigint;
  /** Money that went back (successful refund transactions), minor units. */
  cashMinor: bigint;
  /** Refund transactions still pending. */
  pendingMinor: bigint;
}

function moneyOf(
  set: { shop_money: { amount: string } } | null | undefined,
  fallback: string | null | undefined,
  reader: MoneyReader,
): bigint {
  const text = set?.shop_money.amount ?? fallback;
  return text === null || text === undefined ? 0n : reader.minor(text);
}

/** Refund transactions by status, in minor units (a later status of the same id, when known, wins). */
export function refundMoney(
  refund: ShopifyRefund,
  reader: MoneyReader,
  laterStatus: Map<string, string> = new Map(),
): { cashMinor: bigint; pendingMinor: bigint } {
  let cashMinor = 0n;
  let pendingMinor = 0n;
  for (const raw of refund.transactions) {
    const tx = transactionSchema.safeParse(raw);
    if (!tx.success || tx.data.kind.toLowerCase() !== "refund" || tx.data.test === true) continue;
    const status = (laterStatus.get(tx.data.id) ?? tx.data.status).toLowerCase();
    if (status === "success") cashMinor += reader.minor(tx.data.amount);
    else if (status === "pending") pendingMinor += reader.minor(tx.data.amount);
  }
  return { cashMinor, pendingMinor };
}

/**
 * The credit note's lines for a refund of `order` (pure). Items use the invoice's own mapping of
 * their taxes, with the refund's net subtotal (after the order's discounts); an item priced with
 * tax included is credited net of its tax, like the invoice.
 */
export function mapRefund(
  refund: ShopifyRefund,
  order: ShopifyOrder,
  reader: MoneyReader,
  laterStatus?: Map<string, string>,
): MappedCredit {
  const groups: LineGroup[] = [];
  let totalMinor = 0n;
  const itemsById = new Map(order.line_items.map((item) => [item.id, item]));
  for (const refunded of refund.refund_line_items) {
    if (refunded.quantity === 0) continue;
    const item = itemsById.get(refunded.line_item_id);
    const title = item?.title ?? refunded.line_item?.title ?? "Refunded item";
    const subtotal = moneyOf(refunded.subtotal_set, refunded.subtotal, reader);
    const tax = moneyOf(refunded.total_tax_set, refunded.total_tax, reader);
    const taxLines = item?.tax_lines ?? [];
    const taxes = item?.gift_card ? [] : lineTaxes(taxLines, reader).taxes;
    const net = order.taxes_included ? subtotal - tax : subtotal;
    totalMinor += net + tax;
    groups.push({
      name: title,
      description: `Refunded: ${refunded.quantity} of ${item?.quantity ?? refunded.quantity}`,
      qty: BigInt(refunded.quantity),
      netMinor: net,
      taxes: tax > 0n ? taxes : [],
      label: title,
    });
  }
  const shippingById = new Map(order.shipping_lines.map((line) => [line.id, line]));
  for (const refunded of refund.refund_shipping_lines) {
    const amount = moneyOf(refunded.subtotal_amount_set, null, reader);
    const tax = moneyOf(refunded.tax_amount_set, null, reader);
    if (amount === 0n && tax === 0n) continue;
    const line = refunded.shipping_line_id ? shippingById.get(refunded.shipping_line_id) : undefined;
    const title = line?.title ?? refunded.shipping_line?.title ?? "Shipping";
    const taxes = tax > 0n && line ? lineTaxes(line.tax_lines, reader).taxes : [];
    totalMinor += amount + tax;
    groups.push({ name: `Refunded shipping: ${title}`, description: null, qty: 1n, netMinor: amount, taxes, label: title });
  }
  for (const duty of refund.duties) {
    const amount = moneyOf(duty.amount_set, null, reader);
    if (amount === 0n) continue;
    totalMinor += amount;
    groups.push({ name: "Refunded duties", description: null, qty: 1n, netMinor: amount, taxes: [], label: "Duties" });
  }
  const money = refundMoney(refund, reader, laterStatus);
  // Adjustments: shipping written the legacy way is counted once (a refund shipping line wins);
  // a discrepancy that only stands for money still pending (the items = every refund transaction)
  // (or already refunded in full) is about the money, not the credit.
  const itemsTotal = totalMinor;
  const allTransactions = money.cashMinor + money.pendingMinor;
  const pendingDiscrepancy = allTransactions > 0n && itemsTotal === allTransactions;
  for (const adjustment of refund.order_adjustments) {
    const amount =
      moneyOf(adjustment.amount_set, adjustment.amount, reader) + moneyOf(adjustment.tax_amount_set, adjustment.tax_amount, reader);
    if (amount === 0n) continue;
    const kind = (adjustment.kind ?? "").toLowerCase();
    if (kind === "shipping_refund") {
      if (refund.refund_shipping_lines.length > 0) continue;
      // Legacy: refunded shipping written as a negative adjustment.
      const shipping = amount < 0n ? -amount : amount;
      totalMinor += shipping;
      groups.push({
        name: "Refunded shipping",
        description: adjustment.reason ?? null,
        qty: 1n,
        netMinor: shipping,
        taxes: [],
        label: "Shipping",
      });
      continue;
    }
    if (pendingDiscrepancy) continue;
    // A positive adjustment is kept by the merchant (a restocking fee, a partial refund of an
    // item); a negative one was refunded on top of the items.
    const restock = /restock/i.test(`${adjustment.reason ?? ""} ${kind}`);
    const name = restock ? "Restocking fee" : `Refund adjustment${adjustment.reason ? `: ${adjustment.reason}` : ""}`;
    totalMinor -= amount;
    groups.push({ name, description: null, qty: 1n, netMinor: -amount, taxes: [], label: name });
  }
  let lines = groups.flatMap((group) => (group.netMinor < 0n ? [negativeLine(group, reader)] : groupLines(group, reader)));
  // FreshBooks recomputes tax from rates; a cent of drift is written as its own line.
  const predicted = invoiceTotalMinor({ lines }, reader);
  const drift = totalMinor - predicted;
  if (drift !== 0n) lines = [...lines, { type: 0, name: ROUNDING_LINE, qty: 1, unit_cost: reader.money(drift) }];
  return { lines, totalMinor, ...money };
}

function negativeLine(group: LineGroup, reader: MoneyReader): InvoiceLineInput {
  return {
    type: 0,
    name: group.name.slice(0, 255),
    ...(group.description ? { description: group.description } : {}),
    qty: 1,
    unit_cost: reader.money(group.netMinor),
  };
}

/** The amount of a credit note as recorded on its event. */
function creditedSoFar(
  events: readonly { action: string | null; freshbooksId: number | null; recordedAmount: string | null }[],
  reader: MoneyReader,
): bigint {
  return events.reduce(
    (sum, event) =>
      event.action === "credit_note" && event.freshbooksId !== null && event.recordedAmount
        ? sum + reader.minor(event.recordedAmount)
        : sum,
    0n,
  );
}

interface CreditIntent {
  number: string;
  lines: InvoiceLineInput[];
  totalMinor: string;
  /** What Shopify refunded (before any cap): the tie-out's side of Shopify. */
  shopifyTotalMinor: string;
  cashMinor: string;
  /** Payment amounts to set (absolute), decided once: the refund's money going back. */
  paymentEdits?: { id: number; from: string; to: string }[];
}

export async function applyRefund(ctx: StepContext): Promise<StepOutcome> {
  const { event, order, reader, fb } = ctx;
  const refund = refundSchema.parse(event.payload);
  const parsedOrder = shopifyOrderSchema.safeParse(order.payload);
  if (!parsedOrder.success) throw new Error("the order's stored payload cannot be read");
  const events = await orderEvents(ctx.db, order.shop, order.orderId);
  const laterStatus = new Map<string, string>();
  for (const other of events) {
    if (other.topic !== "ORDER_TRANSACTIONS_CREATE") continue;
    const tx = transactionSchema.safeParse(other.payload);
    if (tx.success) laterStatus.set(tx.data.id, tx.data.status);
  }
  const clientid = order.freshbooksClientId;
  if (clientid === null) throw new Error("the order's FreshBooks client is not recorded");

  let intent = event.intent as unknown as CreditIntent | null;
  let creditId = event.freshbooksId;
  let creditAmount = event.recordedAmount;
  // An intent recorded in this very attempt: no earlier attempt can have posted its credit note.
  const freshIntent = !intent;
  if (!intent) {
    const mapped = mapRefund(refund, parsedOrder.data, reader, laterStatus);
    if (mapped.totalMinor <= 0n && mapped.cashMinor === 0n) {
      return {
        status: "done",
        action: "none",
        reason: "Nothing was refunded in this refund (no items, shipping or money): no credit note.",
      };
    }
    const invoiceTotal = reader.minor(order.freshbooksTotal ?? order.totalPrice);
    const room = invoiceTotal - creditedSoFar(events, reader);
    let lines = mapped.lines;
    let total = mapped.totalMinor;
    if (total > room) {
      // Never more credit than the invoice: what is beyond is left out, and said.
      total = room > 0n ? room : 0n;
      lines = [{ type: 0, name: "Refund (limited to what the invoice still had)", qty: 1, unit_cost: reader.money(total) }];
    }
    if (total <= 0n) {
      return {
        status: "done",
        action: "none",
        reason: `No credit note: the credit notes already recorded reach the invoice's total (${reader.format(invoiceTotal)} ${order.currency}).`,
      };
    }
    const seq = events.reduce((max, other) => Math.max(max, other.creditSeq ?? 0), 0) + 1;
    intent = {
      number: `${order.invoiceNumber ?? `INV-${order.freshbooksInvoiceId}`}-R${seq}`,
      lines,
      totalMinor: total.toString(),
      shopifyTotalMinor: mapped.totalMinor.toString(),
      cashMinor: mapped.cashMinor.toString(),
    };
    await ctx.recordIntent({ ...intent }, { action: "credit_note", creditSeq: seq, freshbooksNumber: intent.number });
  }

  if (creditId === null) {
    // Looked up by its number first when an earlier attempt recorded it: it may have created it and died.
    const [found] = freshIntent ? [] : await fb.creditNotes.findByNumber(intent.number, clientid);
    const note =
      found ??
      (await fb.creditNotes.create({
        clientid,
        credit_number: intent.number,
        create_date: leadingDate(refund.processed_at ?? refund.created_at, ctx.now()),
        currency_code: order.currency,
        credit_type: "goodwill",
        notes: `Shopify refund ${refund.id} of order ${order.orderName}${refund.note ? `: ${refund.note}` : ""}`,
        lines: intent.lines,
      }));
    creditId = note.id;
    creditAmount = note.amount.amount;
    await ctx.db.orderEvent.updateMany({
      where: { id: event.id, shop: event.shop },
      data: { freshbooksId: creditId, recordedAmount: creditAmount, updatedAt: ctx.now() },
    });
  }

  // The money going back: taken off our payments, newest first (absolute amounts, decided once).
  // Until then, a refund transaction that succeeded since (order_transactions/create) counts.
  const cash = intent.paymentEdits ? BigInt(intent.cashMinor) : refundMoney(refund, reader, laterStatus).cashMinor;
  if (!intent.paymentEdits && cash.toString() !== intent.cashMinor) intent = { ...intent, cashMinor: cash.toString() };
  let moneyNote = "";
  if (cash > 0n && ctx.settings.recordPayments) {
    if (!intent.paymentEdits) {
      const ours = new Set<number>([
        ...(order.paymentId !== null ? [order.paymentId] : []),
        ...events.flatMap((other) => (other.action === "payment" && other.freshbooksId !== null ? [other.freshbooksId] : [])),
      ]);
      const payments = (await fb.payments.listByInvoice(order.freshbooksInvoiceId))
        .filter((payment) => ours.has(payment.id) && payment.vis_state !== 1)
        .sort((a, b) => b.id - a.id);
      let left = cash;
      const edits: { id: number; from: string; to: string }[] = [];
      for (const payment of payments) {
        if (left <= 0n) break;
        const amount = reader.minor(payment.amount.amount);
        const take = amount < left ? amount : left;
        if (take <= 0n) continue;
        edits.push({ id: payment.id, from: payment.amount.amount, to: reader.format(amount - take) });
        left -= take;
      }
      intent = { ...intent, paymentEdits: edits };
      await ctx.recordIntent({ ...intent });
    }
    for (const edit of intent.paymentEdits ?? []) await fb.payments.setAmount(edit.id, { amount: edit.to, code: order.currency });
    const taken = (intent.paymentEdits ?? []).reduce((sum, edit) => sum + reader.minor(edit.from) - reader.minor(edit.to), 0n);
    moneyNote =
      taken > 0n
        ? `; ${reader.format(taken)} ${order.currency} taken off the recorded payment (money back to the customer) — apply the credit to the invoice in FreshBooks`
        : "";
  } else if (cash === 0n) {
    moneyNote = "; the refund's money is not sent yet (pending)";
  }
  return {
    status: "done",
    action: "credit_note",
    reason: `Credit note ${intent.number} for ${creditAmount ?? reader.format(BigInt(intent.totalMinor))} ${order.currency}${moneyNote}.`,
    freshbooksId: creditId,
    freshbooksNumber: intent.number,
    recordedAmount: creditAmount,
  };
}
