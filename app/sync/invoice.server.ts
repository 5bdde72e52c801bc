import type { Prisma } from "@prisma/client";
import { FreshBooksError, FreshBooksNotFoundError, FreshBooksRateLimitError, FreshBooksValidationError } from "../freshbooks/errors";
import type { Invoice } from "../freshbooks/types";
import { SyncRefusal } from "./error-policy";
import { numberCouldExist } from "./invoice-number.server";
import type { StepContext } from "./steps";

export function numberTakenReason(invoiceNumber: string): string {
  return `FreshBooks already has invoice ${invoiceNumber} for another client; change the invoice number prefix in Settings and retry.`;
}

/**
 * Provably our invoice for this order: on the client we resolved, with the order name as its
 * reference, and (when FreshBooks returns the notes) our Shopify order id in them. Another store
 * on the same FreshBooks business, or the merchant's own invoice, can have the same number.
 */
function isOurs(invoice: Invoice, customerid: number, input: StepContext): boolean {
  if (invoice.customerid !== customerid) return false;
  if ((invoice.po_number ?? "") !== (input.mapped.invoice.po_number ?? "")) return false;
  return typeof invoice.notes !== "string" || invoice.notes === "" || invoice.notes.includes(`(order ID ${input.row.orderId})`);
}

/**
 * FreshBooks refused the POST on its invoice number, in whatever words (docs/freshbooks-api.md
 * §14.3): the number may be in use, so the caller looks it up before deciding.
 */
function refusedOnNumber(error: unknown): boolean {
  return error instanceof FreshBooksValidationError && error.details.some((detail) => detail.field === "invoice_number");
}

/** FreshBooks refused the invoice because its client is deleted (errno 1011) or unknown (1012). */
export function isClientGone(error: unknown): boolean {
  if (!(error instanceof FreshBooksValidationError || error instanceof FreshBooksNotFoundError)) return false;
  return (error as FreshBooksError).details.some(
    (detail) =>
      detail.field === "customerid" && (detail.errno === 1011 || detail.errno === 1012 || /deleted|not found/i.test(detail.message)),
  );
}

/**
 * Which number to create the invoice with. Once an intent is recorded we keep its number (a
 * crashed attempt may have created the invoice, and the merchant may have seen it), unless that
 * number turns out to be a stranger's, in which case our POST never created it and the current
 * settings' number is used (the merchant changed the prefix, as the failure told them to).
 * Returns our invoice when an earlier attempt created it.
 */
/** The number of an intent an earlier call recorded for this FreshBooks account, if any. */
function recordedNumber({ row, fb }: StepContext): string | null {
  return row.invoiceIntentAt && row.freshbooksAccountId === fb.accountId ? row.invoiceNumber : null;
}

async function chooseNumber(input: StepContext, customerid: number): Promise<{ existing: Invoice } | { number: string }> {
  const { row, fb } = input;
  const current = input.mapped.invoice.invoice_number ?? "";
  const recorded = recordedNumber(input);
  if (!recorded) {
    if (!(await numberCouldExist(input.db, row.shop, fb.accountId, input.settings.invoicePrefix))) return { number: current };
    const found = await fb.invoices.findByNumber(current);
    const ours = found.find((invoice) => isOurs(invoice, customerid, input));
    if (ours) return { existing: ours };
    if (found.length > 0) throw new SyncRefusal(numberTakenReason(current), "invoice_number_taken");
    return { number: current };
  }
  const found = await fb.invoices.findByNumber(recorded);
  const ours = found.find((invoice) => isOurs(invoice, customerid, input));
  if (ours) return { existing: ours };
  if (found.length === 0) return { number: recorded };
  if (current === recorded) throw new SyncRefusal(numberTakenReason(recorded), "invoice_number_taken");
  const others = await fb.invoices.findByNumber(current);
  const oursToo = others.find((invoice) => isOurs(invoice, customerid, input));
  if (oursToo) return { existing: oursToo };
  if (others.length > 0) throw new SyncRefusal(numberTakenReason(current), "invoice_number_taken");
  return { number: current };
}

/**
 * The order's invoice, created at most once: the intent (number, client, payload) is recorded
 * before the POST, and a later attempt looks the recorded number up before creating anything.
 */
export async function ensureInvoice(input: StepContext, customerid: number): Promise<{ invoice: Invoice; created: boolean }> {
  const earlierIntent = recordedNumber(input) !== null;
  const choice = await chooseNumber(input, customerid);
  if ("existing" in choice) return { invoice: choice.existing, created: false };
  const invoiceInput = { ...input.mapped.invoice, invoice_number: choice.number, customerid };
  await input.db.orderSync.update({
    where: input.where,
    data: {
      invoiceIntentAt: input.now(),
      invoiceNumber: choice.number,
      freshbooksAccountId: input.fb.accountId,
      freshbooksClientId: customerid,
      mappedInvoice: invoiceInput as unknown as Prisma.InputJsonValue,
    },
  });
  // A second call in this attempt (after the client was restored) is given the row read again:
  // it carries this intent, so that call looks the number up before it posts.
  try {
    return { invoice: await input.fb.invoices.create(invoiceInput), created: true };
  } catch (error) {
    // A 429 is FreshBooks refusing before doing anything: an intent recorded by this very call
    // leaves nothing to look up next time (the number stays; an older intent stays too).
    if (error instanceof FreshBooksRateLimitError && !earlierIntent) {
      await input.db.orderSync.update({ where: input.where, data: { invoiceIntentAt: null } });
    }
    if (!refusedOnNumber(error)) throw error;
    const found = await input.fb.invoices.findByNumber(choice.number);
    const ours = found.find((invoice) => isOurs(invoice, customerid, input));
    if (ours) return { invoice: ours, created: false };
    if (found.length > 0) throw new SyncRefusal(numberTakenReason(choice.number), "invoice_number_taken");
    throw error;
  }
}
