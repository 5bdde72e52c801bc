/** Payments (docs/freshbooks-api.md §6) and saved taxes: /payments/payments, /taxes/taxes. */
import type { AccountScope } from "./clients";
import {
  classicError,
  easternDate,
  easternTimestamp,
  isIsoDate,
  isResponse,
  listResult,
  notFound,
  paginate,
  parseRoot,
  result,
  type ClassicErrorItem,
  type JsonObject,
  type SandboxResponse,
} from "./http";
import { outstandingMinor } from "./invoice-render";
import { currencyDigits, money, parseDecimal, toMinorUnits } from "./money";
import type { InvoiceRecord, PaymentRecord } from "./state";

export const PAYMENT_TYPES = [
  "Check",
  "Credit",
  "Cash",
  "Bank Transfer",
  "Credit Card",
  "Debit",
  "PayPal",
  "2Checkout",
  "VISA",
  "MASTERCARD",
  "DISCOVER",
  "AMEX",
  "DINERS",
  "JCB",
  "ACH",
  "Other",
];

export function renderPayment(payment: PaymentRecord, accountId: string): JsonObject {
  return {
    id: payment.id,
    logid: payment.id,
    accounting_systemid: accountId,
    invoiceid: payment.invoiceid,
    clientid: payment.clientid,
    amount: money(payment.amountMinor, payment.code),
    date: payment.date,
    type: payment.type,
    note: payment.note,
    creditid: null,
    overpaymentid: payment.overpaymentid,
    from_credit: false,
    gateway: null,
    transactionid: null,
    send_client_notification: payment.sendClientNotification,
    updated: payment.updated,
    vis_state: payment.visState,
  };
}

function paymentError(errno: number, field: string, message: string, value: unknown): ClassicErrorItem {
  return { errno, field, object: "payment", message, value: value === undefined || value === null ? "" : String(value) };
}

function recomputePaid(scope: AccountScope, invoice: InvoiceRecord): void {
  const payments = [...scope.data.payments.values()].filter((payment) => payment.invoiceid === invoice.id && payment.visState !== 1);
  invoice.paidMinor = payments.reduce((sum, payment) => sum + payment.amountMinor, 0n);
  const fullyPaid = invoice.paidMinor > 0n && invoice.paidMinor >= invoice.amountMinor;
  invoice.datePaid = fullyPaid
    ? (payments
        .map((payment) => payment.date)
        .sort()
        .at(-1) ?? null)
    : null;
  invoice.updated = easternTimestamp(scope.context.clock.now());
}

export function listPayments(scope: AccountScope, query: URLSearchParams): SandboxResponse {
  // Implemented filters: invoiceid, customerid/clientid, vis_state; others are ignored.
  const invoiceId = query.get("search[invoiceid]");
  const client = query.get("search[customerid]") ?? query.get("search[clientid]");
  const visState = query.get("search[vis_state]");
  const payments = [...scope.data.payments.values()].filter((payment) => {
    if (visState !== null ? String(payment.visState) !== visState : payment.visState === 1) return false;
    if (invoiceId !== null && String(payment.invoiceid) !== invoiceId) return false;
    if (client !== null && String(payment.clientid) !== client) return false;
    return true;
  });
  const page = paginate(payments, query);
  if (isResponse(page)) return page;
  return listResult("payments", page, (payment) => renderPayment(payment, scope.accountId));
}

export function getPayment(scope: AccountScope, id: string): SandboxResponse {
  const payment = scope.data.payments.get(Number(id));
  if (!payment) return notFound("payment", "logid", id, "Payment");
  return result("payment", renderPayment(payment, scope.accountId));
}

/**
 * Full payment ⇒ invoice paid (status 4, outstanding 0); less ⇒ partial (8). More than the
 * outstanding amount records an overpayment credit id. A payment on a draft leaves the draft
 * flag alone (FreshBooks' transition is UNCONFIRMED). Money must be a string with at most the
 * currency's minor digits, positive, in the invoice's currency (mismatch UNCONFIRMED: refused).
 */
export function createPayment(scope: AccountScope, raw: string): SandboxResponse {
  const input = parseRoot(raw, "payment");
  if (isResponse(input)) return input;
  const invoice = scope.data.invoices.get(Number(input.invoiceid));
  if (input.invoiceid === undefined) return classicError(422, paymentError(1001, "invoiceid", "Field invoiceid is required.", ""));
  if (!invoice || invoice.visState === 1) return notFound("invoice", "invoiceid", String(input.invoiceid), "Invoice");
  const errors: ClassicErrorItem[] = [];
  const amount = input.amount;
  let amountMinor: bigint | null = null;
  if (typeof amount !== "object" || amount === null || !("amount" in amount) || typeof amount.amount !== "string") {
    errors.push(paymentError(1001, "amount", "Field amount is required as {amount: string, code}.", ""));
  } else {
    const decimal = parseDecimal(amount.amount);
    amountMinor = decimal ? toMinorUnits(decimal, currencyDigits(invoice.currencyCode)) : null;
    if (amountMinor === null || amountMinor <= 0n) errors.push(paymentError(1004, "amount", "Invalid payment amount.", amount.amount));
    if ("code" in amount && amount.code !== invoice.currencyCode) {
      errors.push(paymentError(1004, "amount", `Currency code must match the invoice currency ${invoice.currencyCode}.`, amount.code));
    }
  }
  const date = input.date ?? easternDate(scope.context.clock.now());
  if (typeof date !== "string" || !isIsoDate(date))
    errors.push(paymentError(1004, "date", "Field date must be formatted YYYY-MM-DD.", date));
  const type = input.type ?? "Other";
  if (typeof type !== "string" || !PAYMENT_TYPES.includes(type)) errors.push(paymentError(1004, "type", "Invalid payment type.", type));
  const note = input.note ?? "";
  if (typeof note !== "string") errors.push(paymentError(1004, "note", "Invalid value for field note.", note));
  if (errors.length > 0 || amountMinor === null || typeof date !== "string" || typeof type !== "string" || typeof note !== "string") {
    return classicError(422, ...errors);
  }
  const id = scope.context.data.ids.payment.take();
  const payment: PaymentRecord = {
    id,
    invoiceid: invoice.id,
    clientid: invoice.customerid,
    amountMinor,
    code: invoice.currencyCode,
    date,
    type,
    note,
    sendClientNotification: input.send_client_notification === true,
    overpaymentid: amountMinor > outstandingMinor(invoice) ? scope.context.data.ids.payment.take() : null,
    visState: 0,
    updated: easternTimestamp(scope.context.clock.now()),
  };
  scope.data.payments.set(id, payment);
  recomputePaid(scope, invoice);
  return result("payment", renderPayment(payment, scope.accountId));
}

/**
 * PUT: `vis_state` alone (delete/restore, recomputing the invoice), else amount/note/type/date. A
 * new amount (a refund recorded by editing the payment, docs/freshbooks-api.md §17) is checked
 * like a created one, except that 0.00 is accepted (Classic allowed it; UNCONFIRMED today).
 */
export function updatePayment(scope: AccountScope, id: string, raw: string): SandboxResponse {
  const payment = scope.data.payments.get(Number(id));
  if (!payment) return notFound("payment", "logid", id, "Payment");
  const input = parseRoot(raw, "payment");
  if (isResponse(input)) return input;
  if ("vis_state" in input) {
    if (input.vis_state !== 0 && input.vis_state !== 1)
      return classicError(422, paymentError(1004, "vis_state", "Invalid value for field vis_state.", input.vis_state));
    payment.visState = input.vis_state;
  } else {
    if ("amount" in input) {
      const amount = input.amount;
      const text =
        typeof amount === "object" && amount !== null && "amount" in amount && typeof amount.amount === "string" ? amount.amount : null;
      const decimal = text === null ? null : parseDecimal(text);
      const minor = decimal ? toMinorUnits(decimal, currencyDigits(payment.code)) : null;
      if (minor === null || minor < 0n) return classicError(422, paymentError(1004, "amount", "Invalid payment amount.", text));
      if (typeof amount === "object" && amount !== null && "code" in amount && amount.code !== payment.code) {
        return classicError(
          422,
          paymentError(1004, "amount", `Currency code must match the invoice currency ${payment.code}.`, amount.code),
        );
      }
      payment.amountMinor = minor;
    }
    if (typeof input.note === "string") payment.note = input.note;
    if (typeof input.type === "string" && PAYMENT_TYPES.includes(input.type)) payment.type = input.type;
    if (typeof input.date === "string" && isIsoDate(input.date)) payment.date = input.date;
  }
  payment.updated = easternTimestamp(scope.context.clock.now());
  const invoice = scope.data.invoices.get(payment.invoiceid);
  if (invoice) recomputePaid(scope, invoice);
  return result("payment", renderPayment(payment, scope.accountId));
}

export function listTaxes(scope: AccountScope, query: URLSearchParams): SandboxResponse {
  const name = query.get("search[name]");
  const taxes = scope.data.taxes.filter((tax) => name === null || tax.name === name);
  const page = paginate(taxes, query);
  if (isResponse(page)) return page;
  const updated = "2024-01-02 10:00:00";
  return listResult("taxes", page, (tax) => ({ ...tax, id: tax.taxid, accounting_systemid: scope.accountId, updated }));
}
