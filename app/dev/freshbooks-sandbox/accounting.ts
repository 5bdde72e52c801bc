/** Routing of /accounting/account/{account_id}/… (docs/freshbooks-api.md §3–6, §8). */
import { createClient, getClient, listClients, updateClient, type AccountScope } from "./clients";
import { findBusiness, type SandboxContext } from "./context";
import { classicError, json, type SandboxResponse } from "./http";
import { createInvoice, getInvoice, listInvoices, updateInvoice } from "./invoices";
import { createCreditNote, getCreditNote, listCreditNotes, updateCreditNote } from "./credit-notes";
import { createPayment, getPayment, listPayments, listTaxes, updatePayment } from "./payments";

export const ACCOUNTING_PATH = /^\/accounting\/account\/([^/]+)\/([a-z_]+\/[a-z_]+)(?:\/([^/]+))?\/?$/;

export const ACCOUNT_NOT_FOUND = json(404, { response: { errors: [{ message: "Account not found", errno: 404 }] } });

/**
 * A business of another identity. FreshBooks' exact status is UNCONFIRMED (the Node SDK mock
 * shows errno 1003 with HTTP 401); the sandbox answers 401 with the classic errno 1003 body.
 */
export const ACCESS_DENIED = classicError(401, {
  errno: 1003,
  message:
    "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.",
});

const METHOD_NOT_ALLOWED = classicError(405, { errno: 1004, message: "Method not allowed." });

const SCOPE_OBJECT: Record<string, string> = {
  "users/clients": "clients",
  "invoices/invoices": "invoices",
  "payments/payments": "payments",
  "taxes/taxes": "taxes",
  "credit_notes/credit_notes": "credit_notes",
};

/**
 * The scope an accounting call needs (docs/freshbooks-api.md §1: `user:<object>:read` for GET, `:write` to
 * change). Whether a write scope also grants reading is UNCONFIRMED: the sandbox says no.
 */
export function requiredScope(method: string, resource: string): string | null {
  const object = SCOPE_OBJECT[resource];
  if (!object) return null;
  return `user:${object}:${method === "GET" ? "read" : "write"}`;
}

export interface AccountingRequest {
  method: string;
  accountId: string;
  resource: string;
  id: string | undefined;
  query: URLSearchParams;
  body: string;
}

export function parseAccountingPath(path: string): { accountId: string; resource: string; id: string | undefined } | null {
  const match = ACCOUNTING_PATH.exec(path);
  if (!match?.[1] || !match[2]) return null;
  return { accountId: decodeURIComponent(match[1]), resource: match[2], id: match[3] };
}

export function routeAccounting(context: SandboxContext, request: AccountingRequest): SandboxResponse {
  const business = findBusiness(context, request.accountId);
  if (!business) return ACCOUNT_NOT_FOUND;
  if (business.foreign) return ACCESS_DENIED;
  const scope: AccountScope = { context, accountId: request.accountId, data: context.data.account(request.accountId) };
  const { method, id, query, body } = request;
  const unknown = classicError(404, { errno: 1012, message: "The requested resource was not found.", value: request.resource });
  switch (request.resource) {
    case "users/clients":
      if (id === undefined)
        return method === "GET" ? listClients(scope, query) : method === "POST" ? createClient(scope, body) : METHOD_NOT_ALLOWED;
      return method === "GET" ? getClient(scope, id, query) : method === "PUT" ? updateClient(scope, id, body) : METHOD_NOT_ALLOWED;
    case "invoices/invoices":
      if (id === undefined) {
        return method === "GET" ? listInvoices(scope, query) : method === "POST" ? createInvoice(scope, body, query) : METHOD_NOT_ALLOWED;
      }
      return method === "GET"
        ? getInvoice(scope, id, query)
        : method === "PUT"
          ? updateInvoice(scope, id, body, query)
          : METHOD_NOT_ALLOWED;
    case "payments/payments":
      if (id === undefined)
        return method === "GET" ? listPayments(scope, query) : method === "POST" ? createPayment(scope, body) : METHOD_NOT_ALLOWED;
      return method === "GET" ? getPayment(scope, id) : method === "PUT" ? updatePayment(scope, id, body) : METHOD_NOT_ALLOWED;
    case "credit_notes/credit_notes":
      if (id === undefined) {
        return method === "GET"
          ? listCreditNotes(scope, query)
          : method === "POST"
            ? createCreditNote(scope, body, query)
            : METHOD_NOT_ALLOWED;
      }
      return method === "GET"
        ? getCreditNote(scope, id, query)
        : method === "PUT"
          ? updateCreditNote(scope, id, body, query)
          : METHOD_NOT_ALLOWED;
    case "taxes/taxes":
      if (id === undefined && method === "GET") return listTaxes(scope, query);
      return METHOD_NOT_ALLOWED;
    default:
      return unknown;
  }
}
