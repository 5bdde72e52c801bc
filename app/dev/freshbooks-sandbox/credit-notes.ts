/**
 * Credit notes: /accounting/account/{account_id}/credit_notes/credit_notes (docs/freshbooks-api.md §7).
 * Root `credit_note` (list: `credit_notes`), `clientid` (not `customerid`), `create_date` and at
 * least one line required, lines computed like an invoice's. Unconfirmed behaviours are dialects
 * (`creditSearch`, `creditNumbers`, `creditNegativeLines`, `creditPaymentStatus`). A credit note
 * adds to its client's credit (`clientCredit`), which nothing here consumes: applying a credit to
 * an invoice through the API is unrecorded.
 */
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
import { computeTotals, parseLines } from "./invoice-lines";
import { money } from "./money";
import type { CreditNoteRecord } from "./state";

const CREDIT_TYPES = ["goodwill", "prepayment"];
const NUMBER_MAX = 30;

function creditError(errno: number, field: string, message: string, value: unknown): ClassicErrorItem {
  return { errno, field, object: "credit_note", message, value: value === undefined || value === null ? "" : String(value) };
}

export function renderCreditNote(
  note: CreditNoteRecord,
  accountId: string,
  withLines: boolean,
  paymentStatus: "paid-equals-amount" | "unpaid",
): JsonObject {
  const code = note.currencyCode;
  const paid = paymentStatus === "paid-equals-amount";
  const rendered: JsonObject = {
    id: note.id,
    creditid: note.id,
    accounting_systemid: accountId,
    clientid: note.clientid,
    credit_number: note.creditNumber,
    credit_type: note.creditType,
    currency_code: code,
    create_date: note.createDate,
    amount: money(note.amountMinor, code),
    paid: money(paid ? note.amountMinor : 0n, code),
    payment_status: paid ? "paid" : "unpaid",
    status: "created",
    display_status: "created",
    description: note.lines[0]?.description ?? "",
    notes: note.notes,
    terms: "",
    language: "en",
    vis_state: note.visState,
    updated: note.updated,
  };
  if (withLines) {
    rendered.lines = note.lines.map((line, index) => ({
      id: `${note.id}-${index + 1}`,
      creditid: note.id,
      name: line.name,
      description: line.description,
      qty: line.qty.toString(),
      unit_cost: money(line.unitCostMinor, code),
      amount: money(line.amountMinor, code),
      taxName1: line.taxName1,
      taxAmount1: line.taxAmount1,
      taxName2: line.taxName2,
      taxAmount2: line.taxAmount2,
      compounded_tax: line.compoundedTax,
    }));
  }
  return rendered;
}

function render(scope: AccountScope, note: CreditNoteRecord, query: URLSearchParams): SandboxResponse {
  return result(
    "credit_note",
    renderCreditNote(note, scope.accountId, includes(query).has("lines"), scope.context.config.dialect.creditPaymentStatus),
  );
}

export function listCreditNotes(scope: AccountScope, query: URLSearchParams): SandboxResponse {
  // `honoured`: search[clientid] and search[credit_number] (exact) filter; `ignored`: every credit note.
  const honoured = scope.context.config.dialect.creditSearch === "honoured";
  const client = query.get("search[clientid]");
  const number = query.get("search[credit_number]");
  const visState = query.get("search[vis_state]");
  const notes = [...scope.data.creditNotes.values()].filter((note) => {
    if (visState !== null ? String(note.visState) !== visState : note.visState === 1) return false;
    if (honoured && client !== null && String(note.clientid) !== client) return false;
    if (honoured && number !== null && note.creditNumber !== number) return false;
    return true;
  });
  const page = paginate(notes, query);
  if (isResponse(page)) return page;
  const withLines = includes(query).has("lines");
  return listResult("credit_notes", page, (note) =>
    renderCreditNote(note, scope.accountId, withLines, scope.context.config.dialect.creditPaymentStatus),
  );
}

export function getCreditNote(scope: AccountScope, id: string, query: URLSearchParams): SandboxResponse {
  const note = scope.data.creditNotes.get(Number(id));
  if (!note) return notFound("credit_note", "creditid", id, "Credit note");
  return render(scope, note, query);
}

export function createCreditNote(scope: AccountScope, raw: string, query: URLSearchParams): SandboxResponse {
  const input = parseRoot(raw, "credit_note");
  if (isResponse(input)) return input;
  const errors: ClassicErrorItem[] = [];
  const client = typeof input.clientid === "number" ? scope.data.clients.get(input.clientid) : undefined;
  if (input.clientid === undefined) errors.push(creditError(1001, "clientid", "'clientid' is a required field.", ""));
  else if (!client)
    errors.push({ errno: 1012, field: "clientid", object: "client", message: "Client not found.", value: String(input.clientid) });
  else if (client.visState === 1)
    errors.push({ errno: 1011, field: "clientid", object: "client", message: "Client has been deleted.", value: String(client.id) });
  const date = input.create_date;
  if (typeof date !== "string" || !isIsoDate(date))
    errors.push(
      creditError(date === undefined ? 1001 : 1004, "create_date", "Field create_date must be a date formatted YYYY-MM-DD.", date),
    );
  const type = input.credit_type ?? "goodwill";
  if (typeof type !== "string" || !CREDIT_TYPES.includes(type)) errors.push(creditError(1004, "credit_type", "Invalid credit type.", type));
  const currency = input.currency_code ?? client?.fields.currency_code ?? "USD";
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency))
    errors.push(creditError(1004, "currency_code", "Invalid currency code.", currency));
  const number = input.credit_number;
  if (number !== undefined && (typeof number !== "string" || number.trim() === "" || number.length > NUMBER_MAX)) {
    errors.push(creditError(1004, "credit_number", "Invalid credit number.", number));
  } else if (typeof number === "string" && scope.context.config.dialect.creditNumbers === "unique") {
    if ([...scope.data.creditNotes.values()].some((other) => other.creditNumber === number))
      errors.push(creditError(1004, "credit_number", "Credit number already exists.", number));
  }
  const notes = input.notes ?? "";
  if (typeof notes !== "string") errors.push(creditError(1004, "notes", "Invalid value for field notes.", notes));
  const rawLines = Array.isArray(input.lines) ? input.lines : [];
  if (rawLines.length === 0) errors.push(creditError(1001, "lines", "A credit note needs at least one line.", ""));
  // Negative unit costs: parsed as their absolute value, then given back their sign (creditNegativeLines).
  const negative = rawLines.map((line) => isNegativeLine(line));
  if (negative.some(Boolean) && scope.context.config.dialect.creditNegativeLines === "refused") {
    errors.push(creditError(1025, "unit_cost", "A value in the request that was negative should not be.", ""));
  }
  const parsed = parseLines(
    rawLines.map((line, index) => (negative[index] ? flipSign(line) : line)),
    typeof currency === "string" ? currency : "USD",
    scope.context.config.dialect.taxAmounts === "numbers",
  );
  if (!parsed.ok) errors.push(...parsed.errors.map((error) => ({ ...error, object: "credit_note" })));
  if (
    errors.length > 0 ||
    !parsed.ok ||
    !client ||
    typeof date !== "string" ||
    typeof currency !== "string" ||
    typeof type !== "string" ||
    typeof notes !== "string"
  ) {
    return classicError(422, ...errors);
  }
  const now = easternTimestamp(scope.context.clock.now());
  const lines = parsed.lines.map((line, index) => {
    const sign = negative[index] ? -1n : 1n;
    return {
      ...line,
      unitCostMinor: sign * line.unitCostMinor,
      amountMinor: sign * line.amountMinor,
      lineid: scope.context.data.ids.line.take(),
      updated: now,
    };
  });
  const totals = computeTotals(lines, null, scope.context.config.dialect.rounding);
  const id = scope.context.data.ids.credit.take();
  const note: CreditNoteRecord = {
    id,
    clientid: client.id,
    creditNumber: typeof number === "string" ? number : String(id).padStart(7, "0"),
    currencyCode: currency,
    createDate: date,
    creditType: type,
    notes,
    lines,
    subtotalMinor: totals.subtotalMinor,
    taxMinor: totals.taxMinor,
    amountMinor: totals.amountMinor,
    visState: 0,
    updated: now,
  };
  scope.data.creditNotes.set(id, note);
  return render(scope, note, query);
}

function isNegativeLine(line: unknown): boolean {
  if (typeof line !== "object" || line === null) return false;
  const cost = (line as JsonObject).unit_cost;
  return (
    typeof cost === "object" &&
    cost !== null &&
    typeof (cost as JsonObject).amount === "string" &&
    String((cost as JsonObject).amount).startsWith("-")
  );
}

function flipSign(line: unknown): unknown {
  const object = line as JsonObject;
  const cost = object.unit_cost as JsonObject;
  return { ...object, unit_cost: { ...cost, amount: String(cost.amount).slice(1) } };
}

/** PUT: `vis_state` (delete 1 / restore 0), else notes. */
export function updateCreditNote(scope: AccountScope, id: string, raw: string, query: URLSearchParams): SandboxResponse {
  const note = scope.data.creditNotes.get(Number(id));
  if (!note) return notFound("credit_note", "creditid", id, "Credit note");
  const input = parseRoot(raw, "credit_note");
  if (isResponse(input)) return input;
  if ("vis_state" in input) {
    if (input.vis_state !== 0 && input.vis_state !== 1)
      return classicError(422, creditError(1004, "vis_state", "Invalid value for field vis_state.", input.vis_state));
    note.visState = input.vis_state;
  } else if (typeof input.notes === "string") note.notes = input.notes;
  note.updated = easternTimestamp(scope.context.clock.now());
  return render(scope, note, query);
}

/** A client's credit from credit notes (not deleted), per currency, in minor units: what `credit_balance` would show. */
export function clientCredit(scope: Pick<AccountScope, "data">, clientid: number): Map<string, bigint> {
  const credit = new Map<string, bigint>();
  for (const note of scope.data.creditNotes.values()) {
    if (note.clientid !== clientid || note.visState === 1) continue;
    credit.set(note.currencyCode, (credit.get(note.currencyCode) ?? 0n) + note.amountMinor);
  }
  return credit;
}
