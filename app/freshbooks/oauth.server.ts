import { env } from "../env.server";
import { FreshBooksAuthError, FreshBooksReconnectRequiredError, FreshBooksValidationError } from "./errors";
import { freshbooksRequest } from "./http.server";
import type { TokenResponse } from "./types";

/** What the sync needs, and nothing more (docs/freshbooks-api.md §1, "Scopes"). */
export const FRESHBOOKS_SCOPES = [
  "user:profile:read",
  "user:clients:read",
  "user:clients:write",
  "user:invoices:read",
  "user:invoices:write",
  "user:payments:read",
  "user:payments:write",
  "user:taxes:read",
  // Refunds become credit notes (docs/decisions/0016-order-lifecycle.md).
  "user:credit_notes:read",
  "user:credit_notes:write",
] as const;

export interface OAuthDeps {
  fetch?: typeof fetch;
}

export function authorizeUrl(state: string): string {
  const url = new URL("/oauth/authorize", env.FRESHBOOKS_AUTH_URL);
  url.searchParams.set("client_id", env.FRESHBOOKS_CLIENT_ID);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", env.FRESHBOOKS_REDIRECT_URI);
  url.searchParams.set("scope", FRESHBOOKS_SCOPES.join(" "));
  url.searchParams.set("state", state);
  return url.toString();
}

function tokenRequest(body: Record<string, string>, deps: OAuthDeps): Promise<TokenResponse> {
  return freshbooksRequest<TokenResponse>({
    method: "POST",
    url: `${env.FRESHBOOKS_API_URL}/auth/oauth/token`,
    body: {
      client_id: env.FRESHBOOKS_CLIENT_ID,
      client_secret: env.FRESHBOOKS_CLIENT_SECRET,
      redirect_uri: env.FRESHBOOKS_REDIRECT_URI,
      ...body,
    },
    timeoutMs: env.FRESHBOOKS_TIMEOUT_MS,
    fetch: deps.fetch,
  });
}

export function exchangeCode(code: string, deps: OAuthDeps = {}): Promise<TokenResponse> {
  return tokenRequest({ grant_type: "authorization_code", code }, deps);
}

/**
 * Trades the (single-use) refresh token for a new pair. A refusal means the token was revoked,
 * already used, or superseded by a newer authorization: only reconnecting can fix that.
 */
export async function refreshTokens(refreshToken: string, deps: OAuthDeps = {}): Promise<TokenResponse> {
  try {
    return await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }, deps);
  } catch (error) {
    if (error instanceof FreshBooksValidationError || error instanceof FreshBooksAuthError) {
      throw new FreshBooksReconnectRequiredError(`FreshBooks refused to renew access: ${error.message}`, error.status, error.details);
    }
    throw error;
  }
}

/** Revokes the refresh token (and with it the connection) at FreshBooks. */
export async function revokeToken(refreshToken: string, deps: OAuthDeps = {}): Promise<void> {
  await freshbooksRequest<unknown>({
    method: "POST",
    url: `${env.FRESHBOOKS_API_URL}/auth/oauth/revoke`,
    body: { client_id: env.FRESHBOOKS_CLIENT_ID, client_secret: env.FRESHBOOKS_CLIENT_SECRET, token: refreshToken },
    timeoutMs: env.FRESHBOOKS_TIMEOUT_MS,
    fetch: deps.fetch,
  });
}

/** The token's expiry: `created_at` (epoch seconds, when given) + `expires_in`. */
export function expiresAt(tokens: TokenResponse, now: Date): Date {
  const issued = typeof tokens.created_at === "number" ? tokens.created_at * 1000 : now.getTime();
  return new Date(issued + tokens.expires_in * 1000);
}
