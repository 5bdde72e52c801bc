import type { FreshBooksClient } from "../freshbooks/client.server";
import type { Payment } from "../freshbooks/types";
import { MoneyReader, sameAmount } from "./mapping/money";
import { freshbooksMinor } from "./tie-out.server";
import type { MappedOrder } from "./mapping";

export interface RecordedPayment {
  payment: Payment | null;
  /** Set when less than Shopify's captured amount was recorded, saying why. */
  note?: string;
}

/**
 * Records what Shopify captured, but never more than the invoice still has outstanding: paying a
 * smaller invoice in full would leave an overpayment credit in FreshBooks (docs/freshbooks-api.md §6) that the
 * merchant never asked for. The amount is a function of the invoice, so a retry after a lost
 * answer finds the payment it made (same amount) instead of recording it twice. When FreshBooks
 * has just said what is outstanding (`invoice.outstanding`), that is the cap (§15).
 */
export async function ensurePayment(
  fb: FreshBooksClient,
  mapped: MappedOrder,
  invoiceId: number,
  invoiceTotal: string,
  invoice: { createdNow: boolean; outstanding?: string },
): Promise<RecordedPayment> {
  const wanted = mapped.payment;
  if (!wanted) return { payment: null };
  const reader = new MoneyReader(mapped.currency);
  // Looked up unless the invoice was created in this very attempt (nobody can have paid it yet;
  // an attempt after a lost payment answer finds the invoice already made, so it does look).
  const listed = invoice.createdNow ? [] : await fb.payments.listByInvoice(invoiceId);
  const existing = listed.filter((payment) => (payment.vis_state ?? 0) !== 1);
  const capturedMinor = reader.minor(wanted.amount.amount);
  const totalMinor = freshbooksMinor(reader, { amount: invoiceTotal, code: mapped.currency }, "the invoice total");
  const capped = capturedMinor > totalMinor ? totalMinor : capturedMinor;
  const note =
    capped < capturedMinor
      ? `recorded a payment of ${reader.format(capped)} ${mapped.currency}, not the ${wanted.amount.amount} Shopify captured, because the FreshBooks invoice is only ${invoiceTotal}`
      : undefined;
  const same = existing.find((payment) => sameAmount(payment.amount.amount, reader.format(capped)));
  if (same) return { payment: same, note };
  const paidMinor = existing.reduce((sum, payment) => sum + freshbooksMinor(reader, payment.amount, "a payment"), 0n);
  const said =
    invoice.outstanding === undefined
      ? null
      : freshbooksMinor(reader, { amount: invoice.outstanding, code: mapped.currency }, "the amount outstanding");
  const computed = totalMinor - paidMinor;
  const outstanding = said !== null && said < computed ? said : computed;
  const amount = capped > outstanding ? outstanding : capped;
  if (amount <= 0n) {
    return {
      payment: null,
      note: `no payment was recorded: the FreshBooks invoice has nothing outstanding (${reader.format(paidMinor)} already paid)`,
    };
  }
  const payment = await fb.payments.create({ ...wanted, amount: reader.money(amount), invoiceid: invoiceId });
  const partial =
    amount < capped ? `recorded a payment of ${reader.format(amount)} ${mapped.currency}: the rest of the invoice was already paid` : note;
  return { payment, note: partial };
}
