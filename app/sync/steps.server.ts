import { FreshBooksRateLimitError, FreshBooksReconnectRequiredError } from "../freshbooks/errors";
import { ensureClient, recoverClient, type ClientRequest } from "./clients.server";
import { ensureInvoice, isClientGone } from "./invoice.server";
import { ensurePayment } from "./payment.server";
import { step, type StepContext } from "./steps";
import { tieOut } from "./tie-out.server";

/**
 * The steps of one attempt, in order: client → invoice → payment → email. Each is idempotent
 * (safe to run again after a crash at any point), records what it did on the order through the
 * claim (`ctx.where`), and returns what it recorded; none changes the context it is given.
 */

function clientRequest(ctx: StepContext): ClientRequest {
  return {
    shop: ctx.row.shop,
    accountId: ctx.fb.accountId,
    customer: ctx.mapped.customer,
    settings: ctx.settings,
    currency: ctx.mapped.currency,
  };
}

/** The order's FreshBooks client: from our mapping, or found by an exact search, or created. */
export async function clientStep(ctx: StepContext): Promise<{ customerid: number }> {
  return { customerid: await ensureClient(ctx.db, ctx.fb, clientRequest(ctx)) };
}

/** The invoice as recorded on the order. */
export interface RecordedInvoice {
  id: number;
  /** FreshBooks' own total (after the tie-out). */
  total: string;
  /** This attempt created it (it has no payments yet). */
  createdNow: boolean;
  /** What FreshBooks said is outstanding, when it has just said so. */
  outstanding?: string;
}

/**
 * The order's invoice: the one recorded (same FreshBooks account), or created at most once
 * (ensureInvoice) and tied out to Shopify's total. The client a merchant deleted in FreshBooks
 * is restored (or resolved again) within this step, as the client step.
 */
export async function invoiceStep(ctx: StepContext, client: { customerid: number }): Promise<RecordedInvoice> {
  const { row } = ctx;
  const recordedId = row.freshbooksAccountId === ctx.fb.accountId ? row.freshbooksInvoiceId : null;
  if (recordedId !== null) return { id: recordedId, total: row.freshbooksTotal ?? "0", createdNow: false };
  let ensured;
  try {
    ensured = await ensureInvoice(ctx, client.customerid);
  } catch (error) {
    // The merchant deleted the client in FreshBooks: restore it (or resolve it again) and go on.
    if (!isClientGone(error)) throw error;
    const customerid = await step("client", () => recoverClient(ctx.db, ctx.fb, clientRequest(ctx), client.customerid));
    // The row read again carries the intent the first call recorded: the second call looks before it posts.
    const recorded = await ctx.db.orderSync.findUniqueOrThrow({ where: ctx.where });
    ensured = await ensureInvoice({ ...ctx, row: recorded }, customerid);
  }
  // FreshBooks' own total, corrected when it differs from Shopify's by rounding (§15).
  const invoice = await tieOut(ctx.fb, ensured.invoice, ctx.mapped);
  const total = invoice.amount.amount;
  await ctx.db.orderSync.update({
    where: ctx.where,
    // A completed step: the next step's transient failures are counted from zero.
    data: {
      freshbooksInvoiceId: invoice.id,
      freshbooksTotal: total,
      freshbooksClientId: invoice.customerid,
      invoiceNumber: invoice.invoice_number,
      transientFailures: 0,
    },
  });
  return { id: invoice.id, total, createdNow: ensured.created, outstanding: invoice.outstanding?.amount };
}

/** Whether the step has anything to do for this order (settings, what is recorded). */
export function paymentWanted(ctx: StepContext): boolean {
  return ctx.settings.recordPayments && ctx.row.paymentId === null;
}

/** Records Shopify's captured amount as a FreshBooks payment (capped by what is outstanding); `note` says why less. */
export async function paymentStep(ctx: StepContext, invoice: RecordedInvoice): Promise<{ note?: string }> {
  // An invoice this attempt has just created has no payments yet: no need to list them.
  const recorded = await ensurePayment(ctx.fb, ctx.mapped, invoice.id, invoice.total, {
    createdNow: invoice.createdNow,
    outstanding: invoice.outstanding,
  });
  if (recorded.payment) {
    const { amount, date, type } = recorded.payment;
    await ctx.db.orderSync.update({
      where: ctx.where,
      data: {
        paymentId: recorded.payment.id,
        recordedPayment: { amount: amount.amount, code: amount.code, date, type },
        transientFailures: 0,
      },
    });
  }
  return { note: recorded.note };
}

/** The customer's address when the settings email invoices and no email was requested yet. */
export function emailRecipient(ctx: StepContext): string | null {
  const recipient = ctx.mapped.customer?.email;
  return ctx.settings.emailInvoices && recipient && ctx.row.emailRequestedAt === null ? recipient : null;
}

/** Asks FreshBooks to email the invoice, at most once; `error` is FreshBooks' refusal (the order is still synced). */
export async function emailStep(ctx: StepContext, invoiceId: number, recipient: string): Promise<{ error?: string }> {
  // At most once: the request is recorded before it is made (a repeat would email twice).
  await ctx.db.orderSync.update({ where: ctx.where, data: { emailRequestedAt: ctx.now() } });
  try {
    await ctx.fb.invoices.email(invoiceId, [recipient]);
    return {};
  } catch (error) {
    // Refused before FreshBooks did anything (rate limit, access gone): asking again cannot
    // email twice, so the request is un-recorded and the step retried like any other.
    if (error instanceof FreshBooksRateLimitError || error instanceof FreshBooksReconnectRequiredError) {
      await ctx.db.orderSync.update({ where: ctx.where, data: { emailRequestedAt: null } });
      throw error;
    }
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
