/**
 * Reading FreshBooks' successful answers at the boundary (docs/freshbooks-api.md §16): only the
 * fields we use are checked, everything else is kept as it came. An answer that does not fit is
 * a FreshBooksUnexpectedAnswer naming the field and its raw value (never a personal one).
 */
import { z } from "zod";
import { FreshBooksUnexpectedAnswer } from "./errors";
import type { Client, CreditNote, Invoice, Payment } from "./types";

const id = z.number().int().nonnegative();
/** "12.34", "3000", "-0.50": a decimal string (how many decimals a currency allows is the caller's check). */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "not a decimal amount");
const money = z.object({ amount: decimal, code: z.string() }).loose();
const text = z.string().nullish();
/** Tax rates come back as strings or, in some answers, numbers (§14.6); we keep them as strings. */
const rate = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : String(value)));

const clientSchema = z
  .object({
    id,
    vis_state: z.number().int().optional().default(0),
    email: text,
    organization: text,
    exceeds_client_limit: z.union([z.number(), z.boolean()]).optional(),
  })
  .loose();

const lineSchema = z
  .object({
    name: z.string().nullish(),
    description: z.string().nullish(),
    qty: z.union([z.number(), z.string().regex(/^\d+(\.0+)?$/, "not a whole quantity")]).transform((value) => Number(value)),
    unit_cost: money,
    taxName1: text,
    taxAmount1: rate,
    taxName2: text,
    taxAmount2: rate,
  })
  .loose();

const invoiceSchema = z
  .object({
    id,
    customerid: id,
    invoice_number: z.string(),
    amount: money,
    outstanding: money.optional(),
    paid: money.optional(),
    po_number: text,
    notes: text,
    vis_state: z.number().int().optional(),
    lines: z.array(lineSchema).optional(),
  })
  .loose();

const paymentSchema = z.object({ id, invoiceid: id, amount: money, vis_state: z.number().int().optional() }).loose();

const creditNoteSchema = z
  .object({
    id,
    clientid: id,
    credit_number: z.string(),
    amount: money,
    notes: text,
    vis_state: z.number().int().optional(),
    lines: z.array(lineSchema).optional(),
  })
  .loose();

const PERSONAL = /email|name|organization|street|phone|address|city|code$/;

function describe(issue: z.core.$ZodIssue, body: unknown): string {
  const path = issue.path.map(String);
  let value: unknown = body;
  for (const key of path) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  const where = path.slice(path[0] === "response" && path[1] === "result" ? 2 : 0).join(".") || "the answer";
  if (value === undefined) return `${where} is missing`;
  if (PERSONAL.test(path[path.length - 1] ?? "") && !/amount$/.test(path.join("."))) return `${where} is a ${typeof value}`;
  const raw = JSON.stringify(value) ?? String(value);
  return `${where} is ${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}`;
}

function read<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const detail = issue ? describe(issue, body) : "its shape is unexpected";
  throw new FreshBooksUnexpectedAnswer(`FreshBooks answered ${what} in a form we cannot read (${detail})`, 200);
}

const single = <T>(key: string, item: z.ZodType<T>) => z.object({ response: z.object({ result: z.object({ [key]: item }) }) });
const list = <T>(key: string, item: z.ZodType<T>) =>
  z.object({
    response: z.object({
      result: z.object({
        [key]: z.array(item),
        pages: z.number().int().nonnegative().optional(),
        total: z.number().int().nonnegative().optional(),
      }),
    }),
  });

export interface Listed<T> {
  items: T[];
  pages: number;
  total: number;
}

function listed<T>(key: string, item: z.ZodType<T>, body: unknown, what: string): Listed<T> {
  const result = (read(list(key, item), body, what).response.result as Record<string, unknown>) ?? {};
  const items = result[key] as T[];
  return { items, pages: (result.pages as number | undefined) ?? 1, total: (result.total as number | undefined) ?? items.length };
}

export const readClient = (body: unknown, what: string): Client =>
  (read(single("client", clientSchema), body, what).response.result as Record<string, unknown>).client as Client;
export const readClients = (body: unknown, what: string): Listed<Client> => listed("clients", clientSchema, body, what) as Listed<Client>;
export const readInvoice = (body: unknown, what: string): Invoice =>
  (read(single("invoice", invoiceSchema), body, what).response.result as Record<string, unknown>).invoice as Invoice;
export const readInvoices = (body: unknown, what: string): Listed<Invoice> =>
  listed("invoices", invoiceSchema, body, what) as Listed<Invoice>;
export const readPayment = (body: unknown, what: string): Payment =>
  (read(single("payment", paymentSchema), body, what).response.result as Record<string, unknown>).payment as Payment;
export const readPayments = (body: unknown, what: string): Listed<Payment> =>
  listed("payments", paymentSchema, body, what) as Listed<Payment>;
export const readCreditNote = (body: unknown, what: string): CreditNote =>
  (read(single("credit_note", creditNoteSchema), body, what).response.result as Record<string, unknown>).credit_note as CreditNote;
export const readCreditNotes = (body: unknown, what: string): Listed<CreditNote> =>
  listed("credit_notes", creditNoteSchema, body, what) as Listed<CreditNote>;
