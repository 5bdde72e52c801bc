/** Read helpers over the sandbox's data, for tests (programmatic) and /__sandbox/state (HTTP). */
import { renderClient } from "./clients";
import { clientCredit, renderCreditNote } from "./credit-notes";
import type { SandboxContext } from "./context";
import type { JsonObject } from "./http";
import { renderInvoice } from "./invoice-render";
import { money } from "./money";
import { renderPayment } from "./payments";
import type { EmailSent, RequestLogEntry, Revocation, TokenRequest } from "./state";

export interface RequestFilter {
  method?: string;
  /** The path starts with this (no query), e.g. "/auth/oauth/token". */
  pathPrefix?: string;
  path?: RegExp;
  status?: number;
}

export interface SandboxInspector {
  /** Account ids of the configured businesses, the first one being the default below. */
  accountIds(): string[];
  /** Every record, deleted ones included, rendered as FreshBooks would (invoices with lines). */
  clients(accountId?: string): JsonObject[];
  invoices(accountId?: string): JsonObject[];
  payments(accountId?: string): JsonObject[];
  /** Credit notes, with lines. */
  creditNotes(accountId?: string): JsonObject[];
  /** A client's credit from its credit notes, per currency ("12.00"), as FreshBooks' credit_balance would show it. */
  clientCredit(clientid: number, accountId?: string): Record<string, string>;
  emailsSent(accountId?: string): EmailSent[];
  readonly requests: readonly RequestLogEntry[];
  count(filter?: RequestFilter): number;
  readonly tokenRequests: readonly TokenRequest[];
  /** Every revocation request, in order (tokens are the sandbox's own fakes). */
  readonly revocations: readonly Revocation[];
  /** Refresh tokens that would still be accepted (FreshBooks keeps one per identity per app). */
  liveRefreshTokens(): string[];
  revokeAllTokens(): void;
  reset(): void;
}

export function matches(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.pathPrefix && !entry.path.startsWith(filter.pathPrefix)) return false;
  if (filter.path && !filter.path.test(entry.path)) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  return true;
}

export function createInspector(context: SandboxContext, actions: { revokeAllTokens(): void; reset(): void }): SandboxInspector {
  const account = (accountId: string | undefined) => {
    const id = accountId ?? context.config.businesses.find((business) => business.accountId !== null)?.accountId ?? "";
    return { id, data: context.data.account(id) };
  };
  return {
    accountIds: () => context.config.businesses.flatMap((business) => (business.accountId === null ? [] : [business.accountId])),
    clients(accountId) {
      const { id, data } = account(accountId);
      return [...data.clients.values()].map((client) => renderClient(client, id, new Set()));
    },
    invoices(accountId) {
      const { id, data } = account(accountId);
      return [...data.invoices.values()].map((invoice) => renderInvoice(invoice, id, true));
    },
    payments(accountId) {
      const { id, data } = account(accountId);
      return [...data.payments.values()].map((payment) => renderPayment(payment, id));
    },
    creditNotes(accountId) {
      const { id, data } = account(accountId);
      return [...data.creditNotes.values()].map((note) => renderCreditNote(note, id, true, context.config.dialect.creditPaymentStatus));
    },
    clientCredit(clientid, accountId) {
      const { data } = account(accountId);
      const credit = clientCredit({ data }, clientid);
      return Object.fromEntries([...credit.entries()].map(([code, minor]) => [code, String(money(minor, code).amount)]));
    },
    emailsSent: (accountId) => [...account(accountId).data.emailsSent],
    get requests() {
      return context.data.requests;
    },
    count: (filter = {}) => context.data.requests.filter((entry) => matches(entry, filter)).length,
    get tokenRequests() {
      return context.data.tokenRequests;
    },
    get revocations() {
      return context.data.revocations;
    },
    liveRefreshTokens: () => [...context.data.refreshTokens.values()].filter((record) => record.alive).map((record) => record.token),
    revokeAllTokens: actions.revokeAllTokens,
    reset: actions.reset,
  };
}

/** The JSON answer of GET /__sandbox/state. */
export function stateSnapshot(context: SandboxContext, inspector: SandboxInspector): unknown {
  const counts: Record<string, number> = {};
  for (const entry of context.data.requests) {
    const key = `${entry.method} ${entry.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return {
    now: context.clock.now().toISOString(),
    config: {
      clientId: context.config.clientId,
      businesses: context.config.businesses,
      clientLimit: context.config.clientLimit,
      accessTokenTtlSeconds: context.config.accessTokenTtlSeconds,
    },
    accounts: Object.fromEntries(
      inspector.accountIds().map((id) => [
        id,
        {
          clients: inspector.clients(id),
          invoices: inspector.invoices(id),
          payments: inspector.payments(id),
          creditNotes: inspector.creditNotes(id),
          emailsSent: inspector.emailsSent(id),
        },
      ]),
    ),
    requestCounts: { total: context.data.requests.length, byRoute: counts },
    requests: context.data.requests,
    tokenRequests: context.data.tokenRequests,
    revocations: context.data.revocations,
    liveRefreshTokens: inspector.liveRefreshTokens().length,
  };
}
