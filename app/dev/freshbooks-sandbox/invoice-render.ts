/** How an invoice looks in a FreshBooks response (docs/freshbooks-api.md §5, live Nango recording). */
import { addDays, type JsonObject } from "./http";
import { formatDecimal, money, parseDecimal } from "./money";
import type { InvoiceRecord, LineRecord } from "./state";

export const INVOICE_TEXT_FIELDS = [
  "po_number",
  "notes",
  "terms",
  "language",
  "discount_description",
  "fname",
  "lname",
  "organization",
  "street",
  "street2",
  "city",
  "province",
  "code",
  "country",
  "address",
  "vat_name",
  "vat_number",
] as const;

export interface InvoiceStatus {
  status: number;
  v3_status: string;
  display_status: string;
  payment_status: string;
}

/** Status follows payments first (4 paid, 8 partial), then the draft/sent lifecycle (1, 2). */
export function invoiceStatus(invoice: InvoiceRecord): InvoiceStatus {
  const display = invoice.sent ? "sent" : "draft";
  if (invoice.paidMinor > 0n && invoice.paidMinor >= invoice.amountMinor) {
    return { status: 4, v3_status: "paid", display_status: display, payment_status: "paid" };
  }
  if (invoice.paidMinor > 0n) return { status: 8, v3_status: "partial", display_status: display, payment_status: "partial" };
  return invoice.sent
    ? { status: 2, v3_status: "sent", display_status: "sent", payment_status: "unpaid" }
    : { status: 1, v3_status: "draft", display_status: "draft", payment_status: "unpaid" };
}

export function outstandingMinor(invoice: InvoiceRecord): bigint {
  const rest = invoice.amountMinor - invoice.paidMinor;
  return rest > 0n ? rest : 0n;
}

function renderLine(line: LineRecord, invoice: InvoiceRecord): JsonObject {
  const code = invoice.currencyCode;
  return {
    lineid: line.lineid,
    invoiceid: invoice.id,
    type: line.type,
    name: line.name,
    description: line.description,
    qty: line.qty.toString(),
    unit_cost: money(line.unitCostMinor, code),
    amount: money(line.amountMinor, code),
    taxName1: line.taxName1,
    taxAmount1: line.taxAmount1,
    taxName2: line.taxName2,
    taxAmount2: line.taxAmount2,
    taxNumber1: null,
    taxNumber2: null,
    compounded_tax: line.compoundedTax,
    updated: line.updated,
  };
}

export function renderInvoice(invoice: InvoiceRecord, accountId: string, withLines: boolean): JsonObject {
  const code = invoice.currencyCode;
  const discountRate = parseDecimal(invoice.discountValue);
  const text = Object.fromEntries(INVOICE_TEXT_FIELDS.map((name) => [name, invoice.text[name] ?? null]));
  const rendered: JsonObject = {
    ...text,
    id: invoice.id,
    invoiceid: invoice.id,
    accountid: accountId,
    accounting_systemid: accountId,
    customerid: invoice.customerid,
    invoice_number: invoice.invoiceNumber,
    create_date: invoice.createDate,
    due_date: addDays(invoice.createDate, invoice.dueOffsetDays),
    due_offset_days: invoice.dueOffsetDays,
    created_at: invoice.createdAt,
    updated: invoice.updated,
    currency_code: code,
    language: invoice.text.language ?? "en",
    amount: money(invoice.amountMinor, code),
    outstanding: money(outstandingMinor(invoice), code),
    paid: money(invoice.paidMinor, code),
    discount_value: invoice.discountValue,
    discount_total: money(invoice.discountMinor, code),
    discount: {
      amount: money(invoice.discountMinor, code),
      rate: discountRate ? formatDecimal(discountRate) : "0",
      type: "percent",
    },
    ...invoiceStatus(invoice),
    date_paid: invoice.datePaid,
    uuid: invoice.uuid,
    vis_state: invoice.visState,
  };
  if (withLines) rendered.lines = invoice.lines.map((line) => renderLine(line, invoice));
  return rendered;
}
