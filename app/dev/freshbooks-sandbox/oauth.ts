/** OAuth 2.0 (docs/freshbooks-api.md §1): authorize page, token endpoint, revocation, bearer checks. */
import type { IncomingHttpHeaders } from "node:http";
import { opaqueToken, type SandboxContext } from "./context";
import { html, isObject, json, oauthError, type SandboxResponse } from "./http";
import type { AccessTokenRecord } from "./state";

const CODE_TTL_MS = 5 * 60 * 1000;
export const DEFAULT_SCOPE = "user:profile:read";

const INVALID_CLIENT =
  "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.";
const INVALID_GRANT =
  "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

function errorPage(message: string): SandboxResponse {
  const safe = message.replace(/[<>&"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return html(
    400,
    `<!doctype html><html><head><title>FreshBooks sandbox: authorization error</title></head><body><h1>An error has occurred</h1><p id="error">${safe}</p></body></html>`,
  );
}

function redirectUriAllowed(context: SandboxContext, uri: string): boolean {
  const { redirectUris } = context.config;
  return redirectUris.length === 0 || redirectUris.includes(uri);
}

/**
 * GET /oauth/authorize. FreshBooks authorizes the *identity*, not a business, so the sandbox
 * approves at once (302 back with code and state) however many businesses exist; the app picks
 * the business after /users/me. Redirect URIs with a query string are refused (docs/freshbooks-api.md §1: "no
 * query string", carry context in `state`).
 */
export function authorize(context: SandboxContext, query: URLSearchParams): SandboxResponse {
  const clientId = query.get("client_id");
  const redirectUri = query.get("redirect_uri");
  if (clientId !== context.config.clientId) return errorPage(INVALID_CLIENT);
  if (!redirectUri) return errorPage("Missing required parameter: redirect_uri.");
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return errorPage("The redirect uri included is not valid.");
  }
  if (target.search !== "" || !redirectUriAllowed(context, redirectUri)) {
    return errorPage("The redirect uri included is not valid.");
  }
  const state = query.get("state");
  if (state !== null) target.searchParams.set("state", state);
  if (query.get("response_type") !== "code") {
    target.searchParams.set("error", "unsupported_response_type");
    target.searchParams.set("error_description", "The authorization server does not support this response type.");
  } else {
    const code = opaqueToken(24);
    context.data.codes.set(code, {
      code,
      clientId,
      redirectUri,
      scope: query.get("scope")?.trim() || DEFAULT_SCOPE,
      expiresAtMs: context.clock.nowMs() + CODE_TTL_MS,
      used: false,
    });
    target.searchParams.set("code", code);
  }
  const location = target.toString();
  return html(302, `<!doctype html><html><body>Authorized. <a href="${location.replace(/"/g, "&quot;")}">Continue</a></body></html>`, {
    location,
  });
}

/** Token and revoke bodies arrive as JSON (Node SDK) or form-urlencoded (Python SDK). */
export function parseOAuthBody(raw: string, contentType: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if ((contentType ?? "").includes("json") || raw.trimStart().startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isObject(parsed)) {
        for (const [key, value] of Object.entries(parsed)) {
          if (typeof value === "string" || typeof value === "number") fields[key] = String(value);
        }
      }
    } catch {
      return fields;
    }
    return fields;
  }
  for (const [key, value] of new URLSearchParams(raw)) fields[key] = value;
  return fields;
}

function missing(name: string): SandboxResponse {
  return oauthError(400, "invalid_request", `Missing required parameter: ${name}.`);
}

/** POST /auth/oauth/token: authorization_code and refresh_token grants. */
export function token(context: SandboxContext, body: Record<string, string>): SandboxResponse {
  const grantType = body.grant_type;
  if (!grantType) return missing("grant_type");
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
  }
  if (body.client_id !== context.config.clientId || body.client_secret !== context.config.clientSecret) {
    return oauthError(401, "invalid_client", INVALID_CLIENT);
  }
  // Both SDKs send redirect_uri on refresh too; whether FreshBooks requires it there is
  // UNCONFIRMED, so the sandbox requires it (the stricter reading).
  const redirectUri = body.redirect_uri;
  if (!redirectUri) return missing("redirect_uri");
  if (grantType === "authorization_code") {
    if (!body.code) return missing("code");
    const code = context.data.codes.get(body.code);
    const valid =
      code &&
      !code.used &&
      code.expiresAtMs > context.clock.nowMs() &&
      code.clientId === body.client_id &&
      code.redirectUri === redirectUri;
    if (code) code.used = true;
    if (!code || !valid) return oauthError(400, "invalid_grant", INVALID_GRANT);
    return issuePair(context, redirectUri, code.scope);
  }
  if (!body.refresh_token) return missing("refresh_token");
  const refresh = context.data.refreshTokens.get(body.refresh_token);
  // UNCONFIRMED: FreshBooks' answer to a reused/revoked refresh token; the sandbox answers
  // 400 invalid_grant (the OAuth 2.0 RFC 6749 §5.2 code for it).
  if (!refresh || !refresh.alive || refresh.clientId !== body.client_id || !redirectUriAllowed(context, redirectUri)) {
    return oauthError(400, "invalid_grant", INVALID_GRANT);
  }
  refresh.alive = false;
  return issuePair(context, redirectUri, refresh.scope);
}

/** One refresh token alive per identity per app: a new pair kills every older refresh token. */
function issuePair(context: SandboxContext, redirectUri: string, scope: string): SandboxResponse {
  const { data, config, clock } = context;
  for (const refresh of data.refreshTokens.values()) {
    if (refresh.clientId === config.clientId) refresh.alive = false;
  }
  const refreshToken = opaqueToken();
  const accessToken = opaqueToken();
  const createdAtMs = clock.nowMs();
  data.refreshTokens.set(refreshToken, { token: refreshToken, clientId: config.clientId, redirectUri, scope, alive: true });
  data.accessTokens.set(accessToken, {
    token: accessToken,
    clientId: config.clientId,
    refreshToken,
    scope,
    createdAtMs,
    expiresAtMs: createdAtMs + config.accessTokenTtlSeconds * 1000,
    revoked: false,
  });
  return json(200, {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: config.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    scope,
    created_at: Math.floor(createdAtMs / 1000),
  });
}

/**
 * POST /auth/oauth/revoke {client_id, client_secret, token}: revokes a refresh token and the
 * access tokens issued with it (an access token given instead is revoked alone). FreshBooks'
 * answer is UNCONFIRMED (docs/freshbooks-api.md §1); the sandbox takes the stricter reading: 200 {} only for a
 * token that still works, 400 invalid_grant for an unknown, used or revoked one (RFC 7009 would
 * answer 200, which would hide a client revoking the wrong token). Every request is recorded.
 */
export function revoke(context: SandboxContext, body: Record<string, string>): SandboxResponse {
  if (body.client_id !== context.config.clientId || body.client_secret !== context.config.clientSecret) {
    return oauthError(401, "invalid_client", INVALID_CLIENT);
  }
  if (!body.token) return missing("token");
  const token = body.token;
  const time = context.clock.now().toISOString();
  const refresh = context.data.refreshTokens.get(token);
  const access = context.data.accessTokens.get(token);
  const wasLive = refresh ? refresh.alive : access ? !access.revoked && access.expiresAtMs > context.clock.nowMs() : false;
  const kind = refresh ? "refresh" : access ? "access" : "unknown";
  if (!wasLive) {
    context.data.revocations.push({ token, kind, wasLive, status: 400, time });
    return oauthError(400, "invalid_grant", INVALID_GRANT);
  }
  if (refresh) {
    refresh.alive = false;
    for (const issued of context.data.accessTokens.values()) {
      if (issued.refreshToken === refresh.token) issued.revoked = true;
    }
  }
  if (access) access.revoked = true;
  context.data.revocations.push({ token, kind, wasLive, status: 200, time });
  return json(200, {});
}

export const UNAUTHENTICATED = oauthError(401, "unauthenticated", "This action requires authentication to continue.");

export const INVALID_TOKEN = json(401, {
  error: "invalid_token",
  error_description: "The access token is invalid",
  state: "unauthorized",
});

/** Checks `Authorization: Bearer …`: missing/unknown ⇒ unauthenticated; expired/revoked ⇒ invalid_token. */
export function authenticate(context: SandboxContext, headers: IncomingHttpHeaders): AccessTokenRecord | SandboxResponse {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  const record = match?.[1] ? context.data.accessTokens.get(match[1]) : undefined;
  if (!record) return UNAUTHENTICATED;
  if (record.revoked || record.expiresAtMs <= context.clock.nowMs()) return INVALID_TOKEN;
  return record;
}

/**
 * A call the token's scopes do not cover. FreshBooks' answer is UNCONFIRMED (docs/freshbooks-api.md §1: 403 per
 * a secondary source); the sandbox refuses with 403 and OAuth's insufficient_scope (RFC 6750 §3.1).
 */
export function requireScope(record: AccessTokenRecord, scope: string | null, withheld: readonly string[] = []): SandboxResponse | null {
  if (scope === null || (record.scope.split(/\s+/).includes(scope) && !withheld.includes(scope))) return null;
  return oauthError(403, "insufficient_scope", `The access token does not grant ${scope}, which this request requires.`);
}

export function expireAllAccessTokens(context: SandboxContext): number {
  const now = context.clock.nowMs();
  let count = 0;
  for (const record of context.data.accessTokens.values()) {
    if (record.expiresAtMs > now) {
      record.expiresAtMs = now;
      count += 1;
    }
  }
  return count;
}

export function revokeAllTokens(context: SandboxContext): void {
  for (const refresh of context.data.refreshTokens.values()) refresh.alive = false;
  for (const access of context.data.accessTokens.values()) access.revoked = true;
}
