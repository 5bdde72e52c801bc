import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env.server";

/**
 * Binds a FreshBooks connect flow to the browser that started it (docs/decisions/0009).
 * /freshbooks/connect, a top-level page of ours, sets this cookie to a hash of the state's nonce
 * before sending the browser to FreshBooks; the callback accepts the state only from a browser
 * that carries the matching cookie. A FreshBooks authorize link forwarded to someone else
 * therefore ends in a refusal in their browser: it has no such cookie.
 *
 * HttpOnly (no script reads it), Secure (HTTPS only; browsers treat http://localhost as secure),
 * SameSite=Lax (sent on the top-level GET that FreshBooks redirects to, not on cross-site
 * subrequests), and scoped to the callback's path, so no other request of ours carries it.
 */
export const BINDING_COOKIE = "fb_connect_binding";

function bindingValue(nonce: string): string {
  return createHash("sha256").update(`freshbooks-connect-v1:${nonce}`).digest("base64url");
}

function callbackPath(): string {
  return new URL(env.FRESHBOOKS_REDIRECT_URI).pathname;
}

/** The top-level start page's URL: on the callback's origin, so the cookie it sets reaches the callback. */
export function connectStartUrl(state: string): string {
  const url = new URL("/freshbooks/connect", env.FRESHBOOKS_REDIRECT_URI);
  url.searchParams.set("state", state);
  return url.toString();
}

export function bindingCookie(nonce: string, expiresAt: Date, now: Date = new Date()): string {
  const maxAge = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
  return `${BINDING_COOKIE}=${bindingValue(nonce)}; Path=${callbackPath()}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Lax`;
}

/** Sent with every answer of the callback: the binding is single-use, like the state. */
export function clearedBindingCookie(): string {
  return `${BINDING_COOKIE}=; Path=${callbackPath()}; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
}

function cookieValue(request: Request, name: string): string | null {
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

/** Does this browser carry the cookie set when it started the flow for this nonce? */
export function browserStartedFlow(request: Request, nonce: string): boolean {
  const given = cookieValue(request, BINDING_COOKIE);
  if (!given) return false;
  const expected = Buffer.from(bindingValue(nonce));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
