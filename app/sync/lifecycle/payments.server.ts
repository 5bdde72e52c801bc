/**
 * Money in (orders/paid, order_transactions/create): every such event fills the invoice up to what
 * Shopify is known to have captured, never more than FreshBooks says is outstanding, each payment
 * written once (docs/decisions/0016-order-lifecycle.md, "Payments").
 */
import type { OrderEvent } from "@prisma/client";
import { shopifyOrderSchema } from "../../shopify/order-schema";
import { paymentType, paymentTypeForGateway } from "../mapping";
import type { MoneyReader } from "../mapping/money";
import { lifecycleOrderSchema, transactionSchema, type ShopifyTransaction } from "./schemas";
import { leadingDate, orderEvents, type StepContext, type StepOutcome } from "./context";
import { queueEvent } from "./queue.server";

const MONEY_IN = new Set(["sale", "capture"]);

/** A transaction that moved money to the merchant: a successful sale or capture, not a test. */
export function isMoneyIn(tx: ShopifyTransaction): boolean {
  return MONEY_IN.has(tx.kind.toLowerCase()) && tx.status.toLowerCase() === "success" && tx.test !== true;
}

/** Why a transaction is stored but not booked, in plain words (null: it is money in). */
export function notBookedBecause(tx: ShopifyTransaction): string | null {
  const kind = tx.kind.toLowerCase();
  const status = tx.status.toLowerCase();
  if (tx.test === true) return "A test transaction: nothing is recorded in FreshBooks.";
  if (kind === "refund") return "Money back to the customer: recorded with the refund's credit note.";
  if (!MONEY_IN.has(kind)) return `A ${kind} moves no money: nothing to record.`;
  if (status !== "success") return `The ${kind} ended "${status}": no money was captured.`;
  return null;
}

/** What Shopify captured according to an order body (paid − still outstanding), in minor units. */
function capturedByOrderBody(payload: unknown, reader: MoneyReader): bigint {
  const parsed = lifecycleOrderSchema.safeParse(payload);
  if (!parsed.success) return 0n;
  const order = parsed.data;
  const total = reader.minor(order.total_price_set?.shop_money.amount ?? order.total_price);
  if (order.total_outstanding !== null && order.total_outstanding !== undefined) {
    const captured = total - reader.minor(order.total_outstanding);
    return captured > 0n ? captured : 0n;
  }
  return order.financial_status === "paid" ? total : 0n;
}

/** Captured at create: what the invoice's own payment was based on (0 for an order placed unpaid). */
function capturedAtCreate(payload: unknown, reader: MoneyReader): bigint {
  const parsed = shopifyOrderSchema.safeParse(payload);
  if (!parsed.success) return 0n;
  const status = parsed.data.financial_status;
  if (status !== "paid" && status !== "partially_paid") return 0n;
  return capturedByOrderBody(payload, reader);
}

/**
 * What Shopify is known to have captured for the order: the largest of the evidences (each is a
 * lower bound, so their maximum never over-records), in minor units.
 */
export function knownCaptured(orderPayload: unknown, events: readonly OrderEvent[], reader: MoneyReader): bigint {
  let best = capturedAtCreate(orderPayload, reader);
  let transactions = 0n;
  for (const event of events) {
    if (event.topic === "ORDERS_PAID" || event.topic === "ORDERS_UPDATED" || event.topic === "ORDERS_CANCELLED") {
      const captured = capturedByOrderBody(event.payload, reader);
      if (captured > best) best = captured;
    } else if (event.topic === "ORDER_TRANSACTIONS_CREATE") {
      const tx = transactionSchema.safeParse(event.payload);
      if (tx.success && isMoneyIn(tx.data)) transactions += reader.minor(tx.data.amount);
    }
  }
  return transactions > best ? transactions : best;
}

/** What we have recorded as payments: the invoice's own payment plus every lifecycle payment (as posted). */
export function recordedPayments(
  order: { paymentId: number | null; recordedPayment: unknown },
  events: readonly OrderEvent[],
  reader: MoneyReader,
): bigint {
  const initial = order.paymentId !== null ? (order.recordedPayment as { amount?: string } | null)?.amount : undefined;
  let sum = initial ? reader.minor(initial) : 0n;
  for (const event of events) {
    if (event.action === "payment" && event.freshbooksId !== null && event.recordedAmount) sum += reader.minor(event.recordedAmount);
  }
  return sum;
}

interface PaymentIntent {
  amount: string;
  note: string;
  date: string;
  type: string;
}

export async function applyPayment(ctx: StepContext): Promise<StepOutcome> {
  const { event, order, reader, fb } = ctx;
  let tx: ShopifyTransaction | null = null;
  if (event.topic === "ORDER_TRANSACTIONS_CREATE") {
    tx = transactionSchema.parse(event.payload);
    if (tx.kind.toLowerCase() === "refund" && tx.status.toLowerCase() === "success" && tx.test !== true) return reopenRefunds(ctx, tx);
    const why = notBookedBecause(tx);
    if (why) return { status: "ignored", action: "none", reason: why };
  }
  const invoiceId = order.freshbooksInvoiceId;
  // An intent without a recorded payment: the POST may have happened (a killed worker, a lost
  // answer). Look for it by its note before anything else.
  if (event.intentAt && event.freshbooksId === null && event.intent) {
    const intent = event.intent as unknown as PaymentIntent;
    const found = (await fb.payments.listByInvoice(invoiceId)).find(
      (payment) => (payment.note ?? "") === intent.note && payment.vis_state !== 1,
    );
    if (found) return paid(found.id, intent.amount, tx, order.currency, "found after an interrupted attempt");
  }
  const events = await orderEvents(ctx.db, order.shop, order.orderId);
  const target = knownCaptured(order.payload, events, reader);
  const recorded = recordedPayments(order, events, reader);
  const missing = target - recorded;
  if (missing <= 0n) {
    return {
      status: "done",
      action: "none",
      reason: `Already recorded in FreshBooks (${reader.format(recorded)} ${order.currency} paid on invoice ${order.invoiceNumber ?? invoiceId}).`,
    };
  }
  const invoice = await fb.invoices.get(invoiceId);
  const outstanding = invoice.outstanding
    ? reader.minor(invoice.outstanding.amount)
    : reader.minor(invoice.amount.amount) - (invoice.paid ? reader.minor(invoice.paid.amount) : 0n);
  const amount = missing < outstanding ? missing : outstanding;
  if (amount <= 0n) {
    return {
      status: "done",
      action: "none",
      reason: `Nothing recorded: FreshBooks invoice ${invoice.invoice_number} has nothing outstanding.`,
    };
  }
  const orderBody = lifecycleOrderSchema.safeParse(event.payload);
  const intent: PaymentIntent = tx
    ? {
        amount: reader.format(amount),
        note: `Shopify transaction ${tx.id} (${tx.kind}${tx.gateway ? ` via ${tx.gateway}` : ""}), order ${order.orderName}`,
        date: leadingDate(tx.processed_at ?? tx.created_at, ctx.now()),
        type: paymentTypeForGateway(tx.gateway ?? ""),
      }
    : {
        amount: reader.format(amount),
        note: `Shopify order ${order.orderName} paid (${orderBody.success ? (orderBody.data.updated_at ?? "") : ""})`,
        date: leadingDate(orderBody.success ? orderBody.data.updated_at : null, ctx.now()),
        type: paymentType(((event.payload as { payment_gateway_names?: unknown }).payment_gateway_names as string[] | undefined) ?? []),
      };
  await ctx.recordIntent({ ...intent }, { action: "payment" });
  const payment = await fb.payments.create({
    invoiceid: invoiceId,
    amount: reader.money(amount),
    date: intent.date,
    type: intent.type,
    note: intent.note,
    send_client_notification: false,
  });
  const capped = amount < missing ? ` (FreshBooks had only ${reader.format(outstanding)} outstanding)` : "";
  return paid(payment.id, payment.amount.amount, tx, order.currency, capped);
}

function paid(id: number, amount: string, tx: ShopifyTransaction | null, currency: string, note: string): StepOutcome {
  const via = tx?.gateway ? ` (${tx.gateway})` : "";
  return {
    status: "done",
    action: "payment",
    reason: `Payment of ${amount} ${currency}${via} recorded${note ? ` ${note}` : ""}.`,
    freshbooksId: id,
    recordedAmount: amount,
  };
}

/**
 * A refund transaction that succeeded after its refund was recorded (the refund's money was
 * pending): the refund's event runs again, after this one in the order's queue, and records the
 * money going back (its credit note is found by number, never made twice).
 */
async function reopenRefunds(ctx: StepContext, tx: ShopifyTransaction): Promise<StepOutcome> {
  const { event, order } = ctx;
  const refunds = (await orderEvents(ctx.db, order.shop, order.orderId)).filter((other) => {
    if (other.topic !== "REFUNDS_CREATE" || other.status !== "done" || other.action !== "credit_note") return false;
    const intent = other.intent as { paymentEdits?: unknown } | null;
    const transactions = (other.payload as { transactions?: { id?: unknown }[] }).transactions ?? [];
    return !intent?.paymentEdits && transactions.some((candidate) => String(candidate.id) === tx.id);
  });
  for (const refund of refunds) {
    await ctx.db.orderEvent.updateMany({
      where: { id: refund.id, shop: event.shop, status: "done" },
      data: { status: "queued", statusReason: "The refund's money went back: recording it.", updatedAt: ctx.now() },
    });
    await queueEvent(ctx.db, event.shop, refund.id);
  }
  return {
    status: "done",
    action: "none",
    reason:
      refunds.length > 0
        ? "Money back to the customer: recorded with the refund's credit note."
        : "Money back to the customer: recorded with the refund's credit note (when it arrives).",
  };
}
