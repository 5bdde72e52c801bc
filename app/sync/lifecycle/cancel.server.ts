/**
 * orders/cancelled (docs/decisions/0016-order-lifecycle.md, "Cancellation"): an invoice with
 * nothing paid and no credit note is deleted (`vis_state: 1`: out of the accounting reports,
 * restorable; FreshBooks has no void). A paid or credited one is left to the order's refunds.
 */
import { orderEvents, type StepContext, type StepOutcome } from "./context";

export async function applyCancellation(ctx: StepContext): Promise<StepOutcome> {
  const { order, fb, reader } = ctx;
  const events = await orderEvents(ctx.db, order.shop, order.orderId);
  const credited = events.some((event) => event.action === "credit_note" && event.freshbooksId !== null);
  const invoice = await fb.invoices.get(order.freshbooksInvoiceId);
  if ((invoice.vis_state ?? 0) === 1) {
    return {
      status: "done",
      action: "cancel",
      reason: `Cancelled: invoice ${invoice.invoice_number} is deleted in FreshBooks.`,
      freshbooksId: invoice.id,
    };
  }
  const paidMinor = invoice.paid ? reader.minor(invoice.paid.amount) : 0n;
  if (paidMinor > 0n || credited) {
    return {
      status: "done",
      action: "none",
      reason: `Cancelled in Shopify. Invoice ${invoice.invoice_number} is kept: ${paidMinor > 0n ? `${reader.format(paidMinor)} ${order.currency} was paid` : "it has credit notes"}; the money is handled by the order's refunds.`,
    };
  }
  await ctx.recordIntent({ delete: invoice.id }, { action: "cancel" });
  await fb.invoices.remove(invoice.id);
  return {
    status: "done",
    action: "cancel",
    reason: `Cancelled: unpaid invoice ${invoice.invoice_number} deleted in FreshBooks (it leaves the accounting reports; it can be restored there).`,
    freshbooksId: invoice.id,
  };
}
