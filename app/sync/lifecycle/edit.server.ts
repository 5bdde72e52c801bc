/**
 * orders/updated as an edit (docs/decisions/0016-order-lifecycle.md, "Edits"): the edited order is
 * the body's current lines (`current_quantity`) and `current_total_price`. While the invoice is
 * unpaid, not emailed and not credited, and the order has no refund, its lines are replaced with
 * the edited order's (same mapping). Otherwise a lower total becomes a credit note for the
 * difference, a higher one is shown as a difference to settle in FreshBooks.
 */
import { mapOrder } from "../mapping";
import { shopifyOrderSchema } from "../../shopify/order-schema";
import { difference } from "../mapping/money";
import { tieOut } from "../tie-out.server";
import { leadingDate, orderEvents, type StepContext, type StepOutcome } from "./context";
import { lifecycleOrderSchema } from "./schemas";

/** The order as edited: each line at its current quantity (removed lines gone), Shopify's current total. */
export function editedOrder(payload: unknown): unknown {
  if (!payload || typeof payload !== "object") return payload;
  const body = payload as Record<string, unknown>;
  const items = Array.isArray(body.line_items) ? (body.line_items as Record<string, unknown>[]) : [];
  const current = items
    .map((item) => (typeof item.current_quantity === "number" ? { ...item, quantity: item.current_quantity } : item))
    .filter((item) => item.quantity !== 0);
  return {
    ...body,
    line_items: current,
    ...(typeof body.current_total_price === "string" ? { total_price: body.current_total_price } : {}),
    ...(body.current_total_price_set ? { total_price_set: body.current_total_price_set } : {}),
  };
}

export async function applyEdit(ctx: StepContext): Promise<StepOutcome> {
  const { event, order, reader, fb, settings } = ctx;
  const body = lifecycleOrderSchema.parse(event.payload);
  if ((body.refunds?.length ?? 0) > 0) {
    return { status: "ignored", action: "none", reason: "An update after a refund: refunds are recorded as credit notes, not as edits." };
  }
  if (body.cancelled_at)
    return { status: "ignored", action: "none", reason: "An update of a cancelled order: handled by the cancellation." };
  // Bodies older than one already applied are ignored (Shopify sends them in no order).
  const events = await orderEvents(ctx.db, order.shop, order.orderId);
  const newer = events.some(
    (other) =>
      other.topic === "ORDERS_UPDATED" &&
      other.id !== event.id &&
      other.action === "edit" &&
      other.status === "done" &&
      String((other.payload as { updated_at?: unknown }).updated_at ?? "") > String(body.updated_at ?? ""),
  );
  if (newer) return { status: "ignored", action: "none", reason: "An older version of the order than one already applied." };
  const parsed = shopifyOrderSchema.safeParse(editedOrder(event.payload));
  if (!parsed.success) return { status: "ignored", action: "none", reason: "The updated order could not be read as an order." };
  const mapping = mapOrder(parsed.data, {
    invoicePrefix: settings.invoicePrefix,
    dueOffsetDays: settings.dueOffsetDays,
    shopDomain: order.shop,
    sendDespiteFilter: true,
  });
  if (!mapping.ok) return { status: "ignored", action: "none", reason: mapping.reason };
  const mapped = mapping.order;
  const invoice = await fb.invoices.get(order.freshbooksInvoiceId);
  const invoiceMinor = reader.minor(invoice.amount.amount);
  const editedMinor = reader.minor(mapped.shopifyTotal.amount);
  if (invoiceMinor === editedMinor) return { status: "done", action: "none", reason: "No change to the invoice's total." };
  const credited = events.some((other) => other.action === "credit_note" && other.freshbooksId !== null);
  const paidMinor = invoice.paid ? reader.minor(invoice.paid.amount) : 0n;
  const editable = paidMinor === 0n && order.emailRequestedAt === null && !credited;
  if (editable) {
    await ctx.recordIntent({ lines: mapped.invoice.lines.length, total: mapped.shopifyTotal.amount }, { action: "edit" });
    const replaced = await fb.invoices.replaceLines(invoice.id, mapped.invoice.lines);
    const tied = await tieOut(fb, replaced, mapped);
    await ctx.db.orderSync.updateMany({
      where: { shop: order.shop, orderId: order.orderId },
      data: {
        freshbooksTotal: tied.amount.amount,
        totalPrice: mapped.shopifyTotal.amount,
        difference: tied.amount.amount === mapped.shopifyTotal.amount ? null : difference(tied.amount.amount, mapped.shopifyTotal.amount),
      },
    });
    return {
      status: "done",
      action: "edit",
      reason: `Invoice ${invoice.invoice_number} updated to the edited order: ${invoice.amount.amount} → ${tied.amount.amount} ${order.currency}.`,
      freshbooksId: invoice.id,
      recordedAmount: tied.amount.amount,
    };
  }
  const why = paidMinor > 0n ? "it is paid" : order.emailRequestedAt ? "it was emailed" : "it has credit notes";
  if (editedMinor > invoiceMinor) {
    return {
      status: "done",
      action: "none",
      reason: `Edited in Shopify (+${reader.format(editedMinor - invoiceMinor)} ${order.currency}). Invoice ${invoice.invoice_number} is not changed because ${why}: invoice the difference in FreshBooks.`,
    };
  }
  // A lower total after payment or sending: a credit note for the difference.
  const seq = events.reduce((max, other) => Math.max(max, other.creditSeq ?? 0), 0) + 1;
  const number = event.freshbooksNumber ?? `${order.invoiceNumber ?? `INV-${invoice.id}`}-R${seq}`;
  const lowered = invoiceMinor - editedMinor;
  const clientid = order.freshbooksClientId ?? invoice.customerid;
  // Looked up only when an earlier attempt recorded the intent (it may have posted and died).
  const freshIntent = !event.intentAt;
  if (freshIntent)
    await ctx.recordIntent({ number, amount: reader.format(lowered) }, { action: "credit_note", creditSeq: seq, freshbooksNumber: number });
  const [found] = freshIntent ? [] : await fb.creditNotes.findByNumber(number, clientid);
  const note =
    found ??
    (await fb.creditNotes.create({
      clientid,
      credit_number: number,
      create_date: leadingDate(body.updated_at, ctx.now()),
      currency_code: order.currency,
      credit_type: "goodwill",
      notes: `Shopify order ${order.orderName} edited after the invoice was ${why === "it is paid" ? "paid" : "sent"}`,
      lines: [
        {
          type: 0,
          name: "Order edit",
          description: `Order ${order.orderName} edited in Shopify`,
          qty: 1,
          unit_cost: reader.money(lowered),
        },
      ],
    }));
  return {
    status: "done",
    action: "credit_note",
    reason: `Edited in Shopify (−${reader.format(lowered)} ${order.currency}); invoice ${invoice.invoice_number} is not changed because ${why}: credit note ${number} for the difference.`,
    freshbooksId: note.id,
    freshbooksNumber: number,
    recordedAmount: note.amount.amount,
  };
}
