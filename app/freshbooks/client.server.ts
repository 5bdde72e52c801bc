import {
  FreshBooksAuthError,
  FreshBooksClientLimitError,
  FreshBooksRateLimitError,
  isPermissionRefusal,
  type FreshBooksError,
} from "./errors";
import { freshbooksRequest, retryGet } from "./http.server";
import type { Pacer } from "./pacer.server";
import { readClient, readClients, readCreditNote, readCreditNotes, readInvoice, readInvoices, readPayment, readPayments } from "./read";
import type {
  Client,
  ClientInput,
  CreditNote,
  CreditNoteInput,
  Identity,
  Invoice,
  InvoiceInput,
  InvoiceLineInput,
  Money,
  Payment,
  PaymentInput,
} from "./types";

/** Where the client gets its bearer token, and a fresh one after FreshBooks answered 401. */
export interface TokenSource {
  current(): Promise<string>;
  /** Called with the token that was refused; returns a valid one (refreshing at most once). */
  afterUnauthorized(refused: string): Promise<string>;
  /** FreshBooks refused a token it just issued, or a scope is missing: the error to throw instead. */
  refusedWithFreshToken?(error: FreshBooksAuthError): Promise<FreshBooksError>;
}

export interface FreshBooksClientOptions {
  apiUrl: string;
  accountId: string;
  tokens: TokenSource;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Spaces the account's requests after a 429 (pacer.server.ts); none: every request is sent at once. */
  pacer?: Pacer;
}

type Query = Record<string, string | number | string[] | undefined>;

/** 5,000 clients: far beyond a plan that would use one shared client. */
const ORGANIZATION_SEARCH_PAGES = 50;

/** `search[email]=a+b@x.com` → every key and value percent-encoded (a raw `+` would arrive as a space). */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** `GET /auth/api/v1/users/me` with a given token (used right after the code exchange). */
export async function fetchIdentity(apiUrl: string, token: string, fetchImpl?: typeof fetch, timeoutMs?: number): Promise<Identity> {
  const body = await freshbooksRequest<{ response: Identity }>({
    method: "GET",
    url: `${apiUrl}/auth/api/v1/users/me`,
    token,
    timeoutMs,
    fetch: fetchImpl,
  });
  return body.response;
}

/** How many times one call renews a token that FreshBooks calls expired (OAuth invalid_token). */
const MAX_TOKEN_RENEWALS = 3;

/** A 401 saying the token is invalid (expired or revoked), not that the login lacks access (errno 1003). */
function isExpiredToken(error: unknown): boolean {
  return error instanceof FreshBooksAuthError && error.status === 401 && error.details.some((detail) => detail.code === "invalid_token");
}

/**
 * A small typed client for the accounting calls the sync needs (not the official SDK: see the
 * docs/freshbooks-api.md §10). One instance per connected account.
 */
export function createFreshBooksClient(options: FreshBooksClientOptions) {
  const base = `${options.apiUrl}/accounting/account/${encodeURIComponent(options.accountId)}`;

  /** `ownForbidden`: a 403 is thrown as it is, for the caller to tell a plan limit from a permission. */
  async function call<T>(
    method: "GET" | "POST" | "PUT",
    path: string,
    query: Query = {},
    body?: unknown,
    ownForbidden = false,
  ): Promise<T> {
    const url = `${base}${path}${queryString(query)}`;
    const token = await options.tokens.current();
    const once = async (bearer: string) => {
      await options.pacer?.before();
      try {
        return await freshbooksRequest<T>({ method, url, token: bearer, body, timeoutMs: options.timeoutMs, fetch: options.fetch });
      } catch (error) {
        if (error instanceof FreshBooksRateLimitError) await options.pacer?.limited(error.retryAfterSeconds);
        throw error;
      }
    };
    // A GET changes nothing, so a 5xx, network error or timeout is retried here, twice, quickly.
    // POSTs and PUTs never are: the pipeline looks before it writes again.
    const send = (bearer: string): Promise<T> => (method === "GET" ? retryGet(() => once(bearer)) : once(bearer));
    const refusedForGood = async (error: unknown): Promise<never> => {
      if (error instanceof FreshBooksAuthError && options.tokens.refusedWithFreshToken)
        throw await options.tokens.refusedWithFreshToken(error);
      throw error;
    };
    try {
      return await send(token);
    } catch (error) {
      if (isPermissionRefusal(error)) return ownForbidden ? Promise.reject(error) : refusedForGood(error);
      // A 401 means the request was not processed, so repeating it once, with a refreshed
      // token, is safe even for a POST.
      if (!(error instanceof FreshBooksAuthError && error.status === 401)) throw error;
    }
    // A token that expired again before it was used (a slow machine, a refresh by another
    // worker) is renewed again, a few times; any other refusal of a fresh token is for good.
    let refused = token;
    for (let renewal = 1; ; renewal++) {
      const renewed = await options.tokens.afterUnauthorized(refused);
      try {
        return await send(renewed);
      } catch (error) {
        if (renewal < MAX_TOKEN_RENEWALS && isExpiredToken(error)) {
          refused = renewed;
          continue;
        }
        if (error instanceof FreshBooksAuthError && error.status === 401) return refusedForGood(error);
        if (isPermissionRefusal(error)) return ownForbidden ? Promise.reject(error) : refusedForGood(error);
        throw error;
      }
    }
  }

  /** Whether the clients that count against users/me's client allowance for this account fill it. */
  async function clientLimitReached(): Promise<boolean> {
    const me = await fetchIdentity(options.apiUrl, await options.tokens.current(), options.fetch, options.timeoutMs);
    const limit = me.permissions?.[options.accountId]?.["client.limit"];
    if (typeof limit !== "number" || limit < 0) return false;
    // Active and archived clients count; deleted ones do not (docs/freshbooks-api.md §4) — a default list.
    const { total } = readClients(await call("GET", "/users/clients", { per_page: 1 }), "the client count");
    return total >= limit;
  }

  const sameEmail = (a: string | undefined, b: string) => (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

  return {
    accountId: options.accountId,
    clients: {
      /**
       * The client with exactly this email: active ones first, then deleted ones (which a default
       * search hides, docs/freshbooks-api.md §4) so they can be restored instead of duplicated.
       */
      async findByEmail(email: string): Promise<Client | null> {
        for (const visState of [undefined, 1]) {
          const body = await call<unknown>("GET", "/users/clients", {
            "search[email]": email,
            "search[vis_state]": visState,
            per_page: 100,
          });
          const match = readClients(body, "the client search").items.find((client) => sameEmail(client.email ?? undefined, email));
          if (match) return match;
        }
        return null;
      },
      /**
       * One page (100) of the business's clients: the default list (active and archived), or the
       * deleted ones (`visState` 1, which the default list hides), optionally only those updated
       * on or after a day (`search[updated_min]`, day-granular, docs/freshbooks-api.md §3–4).
       */
      async list(query: { page: number; visState?: 1; updatedMin?: string }): Promise<{ items: Client[]; pages: number }> {
        const body = await call<unknown>("GET", "/users/clients", {
          "search[vis_state]": query.visState,
          "search[updated_min]": query.updatedMin,
          page: query.page,
          per_page: 100,
        });
        const { items, pages } = readClients(body, "the client list");
        return { items, pages };
      },
      /**
       * The client whose organization is exactly `organization` (the shop's shared client):
       * active ones first, then deleted ones. `organization_like` is a documented filter
       * (docs/freshbooks-api.md §4) but a substring match, and an ignored filter would return every client, so
       * the match is checked here and every page is read (bounded: this runs only when our
       * mapping of the shared client is lost).
       */
      async findByOrganization(organization: string): Promise<Client | null> {
        const wanted = organization.trim().toLowerCase();
        for (const visState of [undefined, 1]) {
          for (let page = 1; page <= ORGANIZATION_SEARCH_PAGES; page++) {
            const body = await call<unknown>("GET", "/users/clients", {
              "search[organization_like]": organization,
              "search[vis_state]": visState,
              page,
              per_page: 100,
            });
            const found = readClients(body, "the client search");
            const match = found.items.find((client) => (client.organization ?? "").trim().toLowerCase() === wanted);
            if (match) return match;
            // An empty list may say pages: 0 (docs/freshbooks-api.md §14.7).
            if (page >= found.pages || found.items.length === 0) break;
          }
        }
        return null;
      },
      /**
       * Creates a client. A 403 errno 1003 is the plan's client limit only when users/me's
       * `client.limit` is reached (docs/freshbooks-api.md §14.2); otherwise it is a missing
       * permission, handled like any other (the connection waits for a reconnect).
       */
      async create(client: ClientInput): Promise<Client> {
        let body: unknown;
        try {
          body = await call<unknown>("POST", "/users/clients", {}, { client }, true);
        } catch (error) {
          if (!isPermissionRefusal(error)) throw error;
          const reached = await clientLimitReached();
          if (reached) {
            const { message, status, details } = error as FreshBooksAuthError;
            throw new FreshBooksClientLimitError(message, status, details);
          }
          if (error instanceof FreshBooksAuthError && options.tokens.refusedWithFreshToken)
            throw await options.tokens.refusedWithFreshToken(error);
          throw error;
        }
        return readClient(body, "the new client");
      },
      /** Undeletes a client (a vis_state change must be a PUT of its own, docs/freshbooks-api.md §3). */
      async restore(id: number): Promise<Client> {
        return readClient(await call<unknown>("PUT", `/users/clients/${id}`, {}, { client: { vis_state: 0 } }), "the restored client");
      },
    },
    invoices: {
      /**
       * Every invoice with exactly this invoice_number, verified here too (an ignored filter would
       * return every invoice). All of them, not the first: whether FreshBooks keeps numbers unique
       * is UNCONFIRMED (docs/freshbooks-api.md §5), and the caller must tell its own invoice from a stranger's.
       */
      async findByNumber(invoiceNumber: string): Promise<Invoice[]> {
        const body = await call<unknown>("GET", "/invoices/invoices", {
          "search[invoice_number]": invoiceNumber,
          per_page: 100,
        });
        return readInvoices(body, "the invoice search").items.filter((invoice) => invoice.invoice_number === invoiceNumber);
      },
      async create(invoice: InvoiceInput): Promise<Invoice> {
        return readInvoice(await call<unknown>("POST", "/invoices/invoices", { "include[]": ["lines"] }, { invoice }), "the new invoice");
      },
      async get(id: number): Promise<Invoice> {
        return readInvoice(await call<unknown>("GET", `/invoices/invoices/${id}`, { "include[]": ["lines"] }), "the invoice");
      },
      /** Replaces every line of the invoice (a PUT with `lines` keeps only those sent, docs/freshbooks-api.md §3). */
      async replaceLines(id: number, lines: InvoiceLineInput[]): Promise<Invoice> {
        return readInvoice(
          await call<unknown>("PUT", `/invoices/invoices/${id}`, { "include[]": ["lines"] }, { invoice: { lines } }),
          "the corrected invoice",
        );
      },
      /** Deletes the invoice (`vis_state: 1`, alone in its PUT): it leaves the accounting reports, restorable (§17). */
      async remove(id: number): Promise<Invoice> {
        return readInvoice(
          await call<unknown>("PUT", `/invoices/invoices/${id}`, {}, { invoice: { vis_state: 1 } }),
          "the deleted invoice",
        );
      },
      /** Emails the invoice through FreshBooks. Sends real email: never call it twice for one order. */
      async email(id: number, recipients: string[]): Promise<Invoice> {
        const body = await call<unknown>(
          "PUT",
          `/invoices/invoices/${id}`,
          {},
          {
            invoice: { action_email: true, email_recipients: recipients, email_include_pdf: false },
          },
        );
        return readInvoice(body, "the emailed invoice");
      },
    },
    payments: {
      async listByInvoice(invoiceId: number): Promise<Payment[]> {
        const body = await call<unknown>("GET", "/payments/payments", {
          "search[invoiceid]": invoiceId,
          per_page: 100,
        });
        return readPayments(body, "the payment search").items.filter((payment) => payment.invoiceid === invoiceId);
      },
      async create(payment: PaymentInput): Promise<Payment> {
        return readPayment(await call<unknown>("POST", "/payments/payments", {}, { payment }), "the new payment");
      },
      /** Sets a payment's amount (absolute, so a repeat changes nothing): a refund's money going back (docs/freshbooks-api.md §17). */
      async setAmount(id: number, amount: Money): Promise<Payment> {
        return readPayment(await call<unknown>("PUT", `/payments/payments/${id}`, {}, { payment: { amount } }), "the edited payment");
      },
    },
    creditNotes: {
      /**
       * Every credit note of this client with exactly this number. Whether FreshBooks honours the
       * filters is UNCONFIRMED (docs/freshbooks-api.md §7): the number is checked here and every page read.
       */
      async findByNumber(creditNumber: string, clientid: number): Promise<CreditNote[]> {
        const found: CreditNote[] = [];
        for (let page = 1; page <= 50; page++) {
          const body = await call<unknown>("GET", "/credit_notes/credit_notes", {
            "search[clientid]": clientid,
            "search[credit_number]": creditNumber,
            page,
            per_page: 100,
          });
          const listed = readCreditNotes(body, "the credit note search");
          found.push(...listed.items.filter((note) => note.credit_number === creditNumber && (note.vis_state ?? 0) !== 1));
          if (page >= listed.pages || listed.items.length === 0) break;
        }
        return found;
      },
      async create(creditNote: CreditNoteInput): Promise<CreditNote> {
        return readCreditNote(
          await call<unknown>("POST", "/credit_notes/credit_notes", { "include[]": ["lines"] }, { credit_note: creditNote }),
          "the new credit note",
        );
      },
    },
  };
}

export type FreshBooksClient = ReturnType<typeof createFreshBooksClient>;
