/**
 * Dialects: one switch per behaviour FreshBooks does not document (docs/freshbooks-api.md §14).
 * Each value is a plausible reading of the evidence cited beside it; the default is the reading
 * the evidence supports best. Set them with `POST /__sandbox/dialect` (JSON, any subset), the CLI
 * (`--dialect rounding=bankers`), or `SandboxOptions.dialect`.
 *
 * The handlers read `rounding`, `clientLimit`, `invoiceNumbers` and `taxAmounts` (input side);
 * the rest only changes how an answer is written, so `presentInDialect` rewrites the answer at
 * the boundary.
 */
import { z } from "zod";
import { isObject, type JsonObject, type SandboxResponse } from "./http";
import { currencyDigits } from "./money";

export const dialectSchema = z.object({
  /**
   * How FreshBooks computes an invoice's total (§14.1). Two recorded invoices (Java/PHP SDK
   * fixture: 41.94; a Classic fixture: 38.55) take the percent discount before tax; per-line vs
   * per-invoice rounding and the rounding mode are unrecorded.
   */
  rounding: z.enum(["discount-first", "line-half-up", "subtotal", "bankers"]),
  /**
   * A client beyond the plan's allowance (§14.2). No error was ever recorded; live clients
   * carry an undocumented `exceeds_client_limit: 0` (Nango recordings), which suggests
   * FreshBooks may create and flag rather than refuse.
   */
  clientLimit: z.enum(["refuse", "flag"]),
  /** Whether a supplied invoice_number may repeat, and how a refusal is worded (§14.3): no evidence. */
  invoiceNumbers: z.enum(["unique", "duplicates", "unique-other-wording"]),
  /** Amounts in zero-decimal currencies (§14.4): every recording has two decimals, none is JPY-like. */
  zeroDecimal: z.enum(["plain", "two-decimals"]),
  /**
   * A refused token or a missing scope (§14.5): users/me answers in OAuth's words; the Node
   * SDK's accounting mocks answer a bad token with 401 errno 1003; FreshBooks' errors page lists
   * 1003 AccessDenied. The answer to a missing scope is unrecorded.
   */
  authErrors: z.enum(["login", "accounting"]),
  /** Tax rates as numbers (§14.6): errno 1018 says strings, FreshBooks' Postman examples send `0`. */
  taxAmounts: z.enum(["strings", "numbers"]),
  /** The paging of an empty list (§14.7): a recorded empty list said `pages: 0`. */
  emptyLists: z.enum(["pages-0", "pages-1"]),
  /**
   * Credit-note list filters (§7): no filter table for credits exists; integrators send
   * `search[clientid]`, nobody shows `search[credit_number]` working. `honoured` filters by both;
   * `ignored` returns every credit note (the caller must check).
   */
  creditSearch: z.enum(["honoured", "ignored"]),
  /** Whether a credit_number may repeat (§7): every example sends one; uniqueness is unrecorded. */
  creditNumbers: z.enum(["unique", "duplicates"]),
  /**
   * A credit-note line with a negative unit cost (a restocking fee kept by the merchant): no
   * recording either way. `accepted` computes it like any line; `refused` answers 422 errno 1025
   * InvalidNegativeValue (FreshBooks' error table has that errno).
   */
  creditNegativeLines: z.enum(["accepted", "refused"]),
  /**
   * How a goodwill credit reports its own state (§7): all 36 recorded credits say
   * `payment_status: "paid"` with `paid == amount`; the Node SDK's enum also has unpaid/partial.
   */
  creditPaymentStatus: z.enum(["paid-equals-amount", "unpaid"]),
});

export type Dialect = z.infer<typeof dialectSchema>;
export type DialectName = keyof Dialect;

export const DEFAULT_DIALECT: Readonly<Dialect> = {
  rounding: "discount-first",
  clientLimit: "refuse",
  invoiceNumbers: "unique",
  zeroDecimal: "plain",
  authErrors: "login",
  taxAmounts: "strings",
  emptyLists: "pages-0",
  creditSearch: "honoured",
  creditNumbers: "unique",
  creditNegativeLines: "accepted",
  creditPaymentStatus: "paid-equals-amount",
};

export const partialDialectSchema = dialectSchema.partial().strict();

/** Every value of every switch, for the CLI's help and the tests' matrix. */
export const DIALECT_VALUES: { [K in DialectName]: readonly Dialect[K][] } = {
  rounding: dialectSchema.shape.rounding.options,
  clientLimit: dialectSchema.shape.clientLimit.options,
  invoiceNumbers: dialectSchema.shape.invoiceNumbers.options,
  zeroDecimal: dialectSchema.shape.zeroDecimal.options,
  authErrors: dialectSchema.shape.authErrors.options,
  taxAmounts: dialectSchema.shape.taxAmounts.options,
  emptyLists: dialectSchema.shape.emptyLists.options,
  creditSearch: dialectSchema.shape.creditSearch.options,
  creditNumbers: dialectSchema.shape.creditNumbers.options,
  creditNegativeLines: dialectSchema.shape.creditNegativeLines.options,
  creditPaymentStatus: dialectSchema.shape.creditPaymentStatus.options,
};

/** `rounding=bankers` → { rounding: "bankers" }; throws with the allowed values otherwise. */
export function parseDialectArg(text: string): Partial<Dialect> {
  const [name = "", value = ""] = text.split("=", 2);
  const values = name in DIALECT_VALUES ? (DIALECT_VALUES[name as DialectName] as readonly string[]) : null;
  if (!values) throw new Error(`Unknown dialect "${name}". Dialects: ${Object.keys(DIALECT_VALUES).join(", ")}`);
  if (!values.includes(value)) throw new Error(`Dialect ${name} takes one of: ${values.join(", ")} (got "${value}")`);
  return partialDialectSchema.parse({ [name]: value });
}

const OAUTH_TOKEN_ERRORS = new Set(["invalid_token", "unauthenticated"]);
/** The Node SDK's mock of an accounting endpoint refusing a token. */
export const ACCOUNTING_UNAUTHORIZED =
  "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.";
/** FreshBooks' errors page, errno 1003 AccessDenied. */
export const ACCESS_DENIED_MESSAGE = "You do not have access to perform the action requested.";

function walk(value: unknown, visit: (object: JsonObject) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (isObject(value)) {
    visit(value);
    for (const child of Object.values(value)) walk(child, visit);
  }
}

/** A deep copy: answers are built fresh per request, but a dialect must never alter stored data. */
function copy(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body)) as unknown;
}

/**
 * The answer of an accounting or identity call as the dialect writes it. Control routes, OAuth
 * and HTML pages are left alone.
 */
export function presentInDialect(dialect: Dialect, path: string, response: SandboxResponse): SandboxResponse {
  if (!path.startsWith("/accounting/") || typeof response.body === "string") return response;
  const body = response.body;
  if (dialect.authErrors === "accounting" && isObject(body) && typeof body.error === "string") {
    if (response.status === 401 && OAUTH_TOKEN_ERRORS.has(body.error)) {
      return { ...response, body: { response: { errors: [{ errno: 1003, message: ACCOUNTING_UNAUTHORIZED }] } } };
    }
    if (response.status === 403 && body.error === "insufficient_scope") {
      return { ...response, body: { response: { errors: [{ errno: 1003, message: ACCESS_DENIED_MESSAGE }] } } };
    }
  }
  if (response.status >= 300) return response;
  const changed = dialect.zeroDecimal !== "plain" || dialect.taxAmounts !== "strings" || dialect.emptyLists !== "pages-0";
  if (!changed) return response;
  const rewritten = copy(body);
  walk(rewritten, (object) => {
    if (dialect.zeroDecimal === "two-decimals" && typeof object.amount === "string" && typeof object.code === "string") {
      if (currencyDigits(object.code) === 0 && /^-?\d+$/.test(object.amount)) object.amount = `${object.amount}.00`;
    }
    if (dialect.taxAmounts === "numbers") {
      for (const key of ["taxAmount1", "taxAmount2"]) {
        const rate = object[key];
        if (typeof rate === "string" && /^\d+(\.\d+)?$/.test(rate)) object[key] = Number(rate);
      }
    }
    if (dialect.emptyLists === "pages-1" && object.pages === 0 && object.total === 0) object.pages = 1;
  });
  return { ...response, body: rewritten };
}
