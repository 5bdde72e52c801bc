import { FreshBooksAuthError, FreshBooksTransientError, isMissingScope, type FreshBooksError } from "./errors";
import { freshbooksRequest } from "./http.server";
import type { Client, ClientInput, Identity, Invoice, InvoiceInput, Payment, PaymentInput, Tax } from "./types";

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
}

type Query = Record<string, string | number | string[] | undefined>;

const GET_RETRIES = 2;
const GET_RETRY_DELAY_MS = 200;
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

type Single<K extends string, T> = { response: { result: Record<K, T> } };
type List<K extends string, T> = { response: { result: Record<K, T[]> & { page: number; pages: number; total: number } } };

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
 * FreshBooks digest §10). One instance per connected account.
 */
export function createFreshBooksClient(options: FreshBooksClientOptions) {
  const base = `${options.apiUrl}/accounting/account/${encodeURIComponent(options.accountId)}`;

  async function call<T>(method: "GET" | "POST" | "PUT", path: string, query: Query = {}, body?: unknown): Promise<T> {
    const url = `${base}${path}${queryString(query)}`;
    const token = await options.tokens.current();
    const once = (bearer: string) =>
      freshbooksRequest<T>({ method, url, token: bearer, body, timeoutMs: options.timeoutMs, fetch: options.fetch });
    // A GET changes nothing, so a 5xx, network error or timeout is retried here, twice, quickly.
    // POSTs and PUTs never are: the pipeline looks before it writes again.
    const send = async (bearer: string): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(bearer);
        } catch (error) {
          if (method !== "GET" || !(error instanceof FreshBooksTransientError) || attempt >= GET_RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, GET_RETRY_DELAY_MS * 2 ** attempt));
        }
      }
    };
    const refusedForGood = async (error: unknown): Promise<never> => {
      if (error instanceof FreshBooksAuthError && options.tokens.refusedWithFreshToken) throw await options.tokens.refusedWithFreshToken(error);
      throw error;
    };
    try {
      return await send(token);
    } catch (error) {
      if (isMissingScope(error)) return refusedForGood(error);
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
        if ((error instanceof FreshBooksAuthError && error.status === 401) || isMissingScope(error)) return refusedForGood(error);
        throw error;
      }
    }
  }

  const sameEmail = (a: string | undefined, b: string) => (a ?? "").trim().toLowerCase() === b.trim().toLowerCase();

  return {
    accountId: options.accountId,
    clients: {
      /**
       * The client with exactly this email: active ones first, then deleted ones (which a default
       * search hides, digest §4) so they can be restored instead of duplicated.
       */
      async findByEmail(email: string): Promise<Client | null> {
        for (const visState of [undefined, 1]) {
          const body = await call<List<"clients", Client>>("GET", "/users/clients", {
            "search[email]": email,
            "search[vis_state]": visState,
            per_page: 100,
          });
          const match = body.response.result.clients.find((client) => sameEmail(client.email, email));
          if (match) return match;
        }
        return null;
      },
      /**
       * The client whose organization is exactly `organization` (the shop's shared client):
       * active ones first, then deleted ones. `organization_like` is a documented filter
       * (digest §4) but a substring match, and an ignored filter would return every client, so
       * the match is checked here and every page is read (bounded: this runs only when our
       * mapping of the shared client is lost).
       */
      async findByOrganization(organization: string): Promise<Client | null> {
        const wanted = organization.trim().toLowerCase();
        for (const visState of [undefined, 1]) {
          for (let page = 1; page <= ORGANIZATION_SEARCH_PAGES; page++) {
            const body = await call<List<"clients", Client>>("GET", "/users/clients", {
              "search[organization_like]": organization,
              "search[vis_state]": visState,
              page,
              per_page: 100,
            });
            const match = body.response.result.clients.find((client) => (client.organization ?? "").trim().toLowerCase() === wanted);
            if (match) return match;
            if (page >= body.response.result.pages) break;
          }
        }
        return null;
      },
      async create(client: ClientInput): Promise<Client> {
        const body = await call<Single<"client", Client>>("POST", "/users/clients", {}, { client });
        return body.response.result.client;
      },
      /** Undeletes a client (a vis_state change must be a PUT of its own, digest §3). */
      async restore(id: number): Promise<Client> {
        const body = await call<Single<"client", Client>>("PUT", `/users/clients/${id}`, {}, { client: { vis_state: 0 } });
        return body.response.result.client;
      },
    },
    invoices: {
      /**
       * Every invoice with exactly this invoice_number, verified here too (an ignored filter would
       * return every invoice). All of them, not the first: whether FreshBooks keeps numbers unique
       * is UNCONFIRMED (digest §5), and the caller must tell its own invoice from a stranger's.
       */
      async findByNumber(invoiceNumber: string): Promise<Invoice[]> {
        const body = await call<List<"invoices", Invoice>>("GET", "/invoices/invoices", {
          "search[invoice_number]": invoiceNumber,
          per_page: 100,
        });
        return body.response.result.invoices.filter((invoice) => invoice.invoice_number === invoiceNumber);
      },
      async create(invoice: InvoiceInput): Promise<Invoice> {
        const body = await call<Single<"invoice", Invoice>>("POST", "/invoices/invoices", { "include[]": ["lines"] }, { invoice });
        return body.response.result.invoice;
      },
      async get(id: number): Promise<Invoice> {
        const body = await call<Single<"invoice", Invoice>>("GET", `/invoices/invoices/${id}`, { "include[]": ["lines"] });
        return body.response.result.invoice;
      },
      async markSent(id: number): Promise<Invoice> {
        const body = await call<Single<"invoice", Invoice>>("PUT", `/invoices/invoices/${id}`, {}, { invoice: { action_mark_as_sent: true } });
        return body.response.result.invoice;
      },
      /** Emails the invoice through FreshBooks. Sends real email: never call it twice for one order. */
      async email(id: number, recipients: string[]): Promise<Invoice> {
        const body = await call<Single<"invoice", Invoice>>("PUT", `/invoices/invoices/${id}`, {}, {
          invoice: { action_email: true, email_recipients: recipients, email_include_pdf: false },
        });
        return body.response.result.invoice;
      },
    },
    payments: {
      async listByInvoice(invoiceId: number): Promise<Payment[]> {
        const body = await call<List<"payments", Payment>>("GET", "/payments/payments", {
          "search[invoiceid]": invoiceId,
          per_page: 100,
        });
        return body.response.result.payments.filter((payment) => payment.invoiceid === invoiceId);
      },
      async create(payment: PaymentInput): Promise<Payment> {
        const body = await call<Single<"payment", Payment>>("POST", "/payments/payments", {}, { payment });
        return body.response.result.payment;
      },
    },
    taxes: {
      async list(): Promise<Tax[]> {
        const body = await call<List<"taxes", Tax>>("GET", "/taxes/taxes", { per_page: 100 });
        return body.response.result.taxes;
      },
    },
  };
}

export type FreshBooksClient = ReturnType<typeof createFreshBooksClient>;
