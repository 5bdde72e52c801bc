/** Invoices: /accounting/account/{account_id}/invoices/invoices (docs/freshbooks-api.md §5). */
import type { AccountScope } from "./clients";
import {
  classicError,
  easternTimestamp,
  includes,
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
import { computeTotals, parseLines, parsePercent, PERCENT_MESSAGE, type ParsedLine } from "./invoice-lines";
import { INVOICE_TEXT_FIELDS, invoiceStatus, renderInvoice } from "./invoice-render";
import { parseDecimal } from "./money";
import type { InvoiceRecord } from "./state";

/**
 * invoice_number: max length and uniqueness are UNCONFIRMED (docs/freshbooks-api.md §5, §14.3).
 * At most 30 characters (errno 1017). Uniqueness per account, deleted invoices included, follows
 * the `invoiceNumbers` dialect: `unique` refuses a used number (422, errno 1004 on field
 * invoice_number, "already exists"); `unique-other-wording` refuses it with a message that says
 * nothing about existing; `duplicates` accepts it.
 */
export const INVOICE_NUMBER_MAX = 30;
export const DUPLICATE_NUMBER_MESSAGE = "Invoice number already exists. Please use a unique invoice number.";
export const DUPLICATE_NUMBER_OTHER_WORDING = "Invalid invoice number.";
const TEXT_MAX = 4000;

function invoiceError(errno: number, field: string, message: string, value: unknown): ClassicErrorItem {
  return { errno, field, object: "invoice", message, value: value === undefined || value === null ? "" : String(value) };
}

function render(scope: AccountScope, invoice: InvoiceRecord, query: URLSearchParams): SandboxResponse {
  return result("invoice", renderInvoice(invoice, scope.accountId, includes(query).has("lines")));
}

export function listInvoices(scope: AccountScope, query: URLSearchParams): SandboxResponse {
  // Implemented filters: invoice_number (exact), customerid, invoiceid/invoice_id, v3_status,
  // date_min/date_max (create_date), vis_state. Any other search[...] is ignored (docs/freshbooks-api.md §3).
  const get = (name: string) => query.get(`search[${name}]`);
  const number = get("invoice_number");
  const customer = get("customerid");
  const invoiceId = get("invoiceid") ?? get("invoice_id");
  const v3Status = get("v3_status");
  const dateMin = get("date_min");
  const dateMax = get("date_max");
  const visState = get("vis_state");
  const invoices = [...scope.data.invoices.values()].filter((invoice) => {
    if (visState !== null ? String(invoice.visState) !== visState : invoice.visState === 1) return false;
    if (number !== null && invoice.invoiceNumber !== number) return false;
    if (customer !== null && String(invoice.customerid) !== customer) return false;
    if (invoiceId !== null && String(invoice.id) !== invoiceId) return false;
    if (v3Status !== null && invoiceStatus(invoice).v3_status !== v3Status) return false;
    if (dateMin !== null && invoice.createDate < dateMin) return false;
    if (dateMax !== null && invoice.createDate >= dateMax) return false;
    return true;
  });
  const page = paginate(invoices, query);
  if (isResponse(page)) return page;
  const withLines = includes(query).has("lines");
  return listResult("invoices", page, (invoice) => renderInvoice(invoice, scope.accountId, withLines));
}

export function getInvoice(scope: AccountScope, id: string, query: URLSearchParams): SandboxResponse {
  const invoice = scope.data.invoices.get(Number(id));
  if (!invoice) return notFound("invoice", "invoiceid", id, "Invoice");
  return render(scope, invoice, query);
}

function nextNumber(scope: AccountScope): string {
  const taken = new Set([...scope.data.invoices.values()].map((invoice) => invoice.invoiceNumber));
  let candidate: string;
  do {
    candidate = String(scope.data.nextInvoiceNumber).padStart(7, "0");
    scope.data.nextInvoiceNumber += 1;
  } while (taken.has(candidate));
  return candidate;
}

interface Draft {
  errors: ClassicErrorItem[];
  changes: Partial<InvoiceRecord>;
  lines: ParsedLine[] | null;
}

/** Validates the writable keys present in `input` (create: every required key must be there). */
function readInvoiceFields(scope: AccountScope, input: JsonObject, existing: InvoiceRecord | null): Draft {
  const errors: ClassicErrorItem[] = [];
  const changes: Partial<InvoiceRecord> = {};
  if ("customerid" in input || !existing) {
    const customer = scope.data.clients.get(Number(input.customerid));
    if (input.customerid === undefined || input.customerid === null || input.customerid === "") {
      // `clientid` is NOT an alias: invoices take `customerid` only (docs/freshbooks-api.md §11).
      errors.push(invoiceError(1001, "customerid", "Field customerid is required.", ""));
    } else if (!customer) {
      errors.push({ errno: 1012, field: "customerid", object: "client", message: "Client not found.", value: String(input.customerid) });
    } else if (customer.visState === 1) {
      // Invoicing a deleted client: UNCONFIRMED; the sandbox refuses it (errno 1011 DeletedResource).
      errors.push({ errno: 1011, field: "customerid", object: "client", message: "Client has been deleted.", value: String(customer.id) });
    } else changes.customerid = customer.id;
  }
  if ("create_date" in input || !existing) {
    // Whether FreshBooks defaults a missing create_date to today is UNCONFIRMED: required here.
    const date = input.create_date;
    if (typeof date !== "string" || !isIsoDate(date)) {
      errors.push(
        invoiceError(date === undefined ? 1001 : 1004, "create_date", "Field create_date must be a date formatted YYYY-MM-DD.", date),
      );
    } else changes.createDate = date;
  }
  if ("due_offset_days" in input) {
    const offset = input.due_offset_days;
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
      errors.push(invoiceError(1004, "due_offset_days", "Field due_offset_days must be a non-negative whole number.", offset));
    } else changes.dueOffsetDays = offset;
  }
  if ("invoice_number" in input) {
    const number = input.invoice_number;
    const clash = [...scope.data.invoices.values()].some((other) => other.invoiceNumber === number && other.id !== existing?.id);
    if (typeof number !== "string" || number.trim() === "")
      errors.push(invoiceError(1004, "invoice_number", "Invalid invoice number.", number));
    else if (number.length > INVOICE_NUMBER_MAX)
      errors.push(invoiceError(1017, "invoice_number", "The request, or a line in the request, was too long.", number));
    else if (clash && scope.context.config.dialect.invoiceNumbers !== "duplicates") {
      const wording = scope.context.config.dialect.invoiceNumbers === "unique" ? DUPLICATE_NUMBER_MESSAGE : DUPLICATE_NUMBER_OTHER_WORDING;
      errors.push(invoiceError(1004, "invoice_number", wording, number));
    } else changes.invoiceNumber = number;
  }
  if ("currency_code" in input) {
    const code = input.currency_code;
    if (typeof code !== "string" || !/^[A-Z]{3}$/.test(code))
      errors.push(invoiceError(1004, "currency_code", "Invalid currency code.", code));
    else changes.currencyCode = code;
  }
  if ("discount_value" in input) {
    const rate = parsePercent(input.discount_value);
    const value = rate === "invalid" || rate === null ? null : rate;
    if (rate === "invalid") errors.push(invoiceError(1018, "discount_value", PERCENT_MESSAGE, input.discount_value));
    else if (value && value.value > 100n * 10n ** BigInt(value.scale))
      errors.push(invoiceError(1004, "discount_value", "Discount must be between 0 and 100.", input.discount_value));
    else changes.discountValue = typeof input.discount_value === "string" && input.discount_value !== "" ? input.discount_value : "0";
  }
  const text: Record<string, string | null> = {};
  for (const name of INVOICE_TEXT_FIELDS) {
    if (!(name in input)) continue;
    const value = input[name];
    if (value !== null && typeof value !== "string") errors.push(invoiceError(1004, name, `Invalid value for field ${name}.`, value));
    else if (value !== null && value.length > TEXT_MAX)
      errors.push(invoiceError(1017, name, "The request, or a line in the request, was too long.", value));
    else text[name] = value;
  }
  changes.text = { ...(existing?.text ?? {}), ...text };
  const currency = changes.currencyCode ?? existing?.currencyCode ?? defaultCurrency(scope, changes.customerid);
  let lines: ParsedLine[] | null = null;
  if ("lines" in input || !existing) {
    const parsed = parseLines(input.lines ?? [], currency, scope.context.config.dialect.taxAmounts === "numbers");
    if (parsed.ok) lines = parsed.lines;
    else errors.push(...parsed.errors);
  }
  return { errors, changes, lines };
}

function defaultCurrency(scope: AccountScope, customerid: number | undefined): string {
  const client = customerid === undefined ? undefined : scope.data.clients.get(customerid);
  return client?.fields.currency_code || "USD";
}

function applyLinesAndTotals(scope: AccountScope, invoice: InvoiceRecord, lines: ParsedLine[] | null): void {
  const updated = easternTimestamp(scope.context.clock.now());
  if (lines) invoice.lines = lines.map((line) => ({ ...line, lineid: scope.context.data.ids.line.take(), updated }));
  const totals = computeTotals(invoice.lines, parseDecimal(invoice.discountValue), scope.context.config.dialect.rounding);
  Object.assign(invoice, totals);
  invoice.updated = updated;
}

export function createInvoice(scope: AccountScope, raw: string, query: URLSearchParams): SandboxResponse {
  const input = parseRoot(raw, "invoice");
  if (isResponse(input)) return input;
  const draft = readInvoiceFields(scope, input, null);
  if (draft.errors.length > 0) return classicError(422, ...draft.errors);
  const client = scope.data.clients.get(draft.changes.customerid ?? 0);
  const fromClient = (name: string) => client?.fields[name] ?? null;
  const now = scope.context.clock.now();
  const id = scope.context.data.ids.invoice.take();
  const invoice: InvoiceRecord = {
    id,
    customerid: draft.changes.customerid ?? 0,
    invoiceNumber: draft.changes.invoiceNumber ?? nextNumber(scope),
    createDate: draft.changes.createDate ?? "",
    dueOffsetDays: draft.changes.dueOffsetDays ?? 0,
    currencyCode: draft.changes.currencyCode ?? defaultCurrency(scope, draft.changes.customerid),
    text: {
      fname: fromClient("fname"),
      lname: fromClient("lname"),
      organization: fromClient("organization"),
      street: fromClient("p_street"),
      city: fromClient("p_city"),
      province: fromClient("p_province"),
      code: fromClient("p_code"),
      country: fromClient("p_country"),
      ...draft.changes.text,
    },
    discountValue: draft.changes.discountValue ?? "0",
    lines: [],
    subtotalMinor: 0n,
    taxMinor: 0n,
    discountMinor: 0n,
    amountMinor: 0n,
    paidMinor: 0n,
    sent: false,
    datePaid: null,
    visState: 0,
    createdAt: easternTimestamp(now),
    updated: easternTimestamp(now),
    uuid: `00000000-0000-4000-a000-${String(id).padStart(12, "0")}`,
  };
  applyLinesAndTotals(scope, invoice, draft.lines);
  scope.data.invoices.set(id, invoice);
  return render(scope, invoice, query);
}

/**
 * PUT with the update-phase rule (docs/freshbooks-api.md §3): `vis_state` wins and drops everything else; then an
 * `action_*` runs alone; otherwise regular data (`lines` replaces the whole set; `status` is
 * read-only after creation and ignored).
 */
export function updateInvoice(scope: AccountScope, id: string, raw: string, query: URLSearchParams): SandboxResponse {
  const invoice = scope.data.invoices.get(Number(id));
  if (!invoice) return notFound("invoice", "invoiceid", id, "Invoice");
  const input = parseRoot(raw, "invoice");
  if (isResponse(input)) return input;
  const now = scope.context.clock.now();
  if ("vis_state" in input) {
    const visState = input.vis_state;
    if (visState !== 0 && visState !== 1 && visState !== 2)
      return classicError(422, invoiceError(1004, "vis_state", "Invalid value for field vis_state.", visState));
    invoice.visState = visState;
    invoice.updated = easternTimestamp(now);
    return render(scope, invoice, query);
  }
  if (input.action_email === true) {
    const client = scope.data.clients.get(invoice.customerid);
    const given = Array.isArray(input.email_recipients)
      ? input.email_recipients.filter((item): item is string => typeof item === "string")
      : [];
    const recipients = given.length > 0 ? given : client?.fields.email ? [client.fields.email] : [];
    if (recipients.length === 0)
      return classicError(422, invoiceError(1001, "email_recipients", "Field email_recipients is required.", ""));
    const custom = input.invoice_customized_email;
    scope.data.emailsSent.push({
      invoiceid: invoice.id,
      recipients,
      subject:
        typeof custom === "object" && custom !== null && "subject" in custom && typeof custom.subject === "string" ? custom.subject : null,
      body: typeof custom === "object" && custom !== null && "body" in custom && typeof custom.body === "string" ? custom.body : null,
      includePdf: input.email_include_pdf === true,
      at: easternTimestamp(now),
    });
    invoice.sent = true;
    invoice.updated = easternTimestamp(now);
    return render(scope, invoice, query);
  }
  if (input.action_mark_as_sent === true) {
    invoice.sent = true;
    invoice.updated = easternTimestamp(now);
    return render(scope, invoice, query);
  }
  const draft = readInvoiceFields(scope, input, invoice);
  if (draft.errors.length > 0) return classicError(422, ...draft.errors);
  Object.assign(invoice, draft.changes);
  applyLinesAndTotals(scope, invoice, draft.lines);
  return render(scope, invoice, query);
}
