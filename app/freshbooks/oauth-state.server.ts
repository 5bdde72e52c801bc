import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { decodeKey, env } from "../env.server";

/**
 * OAuth `state`: signed (HMAC-SHA256), bound to the shop, short-lived and single-use.
 * The signature stops forgery and tampering without a database read; the nonce row makes it
 * single-use (consumed atomically) so a replayed callback URL stores nothing. It is also
 * started once, by the browser that gets the binding cookie (oauth-browser.server.ts,
 * docs/decisions/0009), within a minute or two of the click that issued it.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;
/** The hop from the Connect click to /freshbooks/connect is immediate; a forwarded link goes stale. */
export const START_WINDOW_MS = 2 * 60 * 1000;

export type StateProblem = "malformed" | "forged" | "expired" | "replayed" | "other_browser";

export class OAuthStateError extends Error {
  constructor(readonly problem: StateProblem) {
    super(`OAuth state ${problem}`);
    this.name = "OAuthStateError";
  }
}

function signingKey(): Buffer {
  // A key of its own, derived from the encryption key, so the two uses never share a key.
  return createHmac("sha256", decodeKey(env.TOKEN_ENCRYPTION_KEY) ?? Buffer.alloc(32))
    .update("oauth-state-v1")
    .digest();
}

function sign(payload: string): string {
  return createHmac("sha256", signingKey()).update(payload).digest("base64url");
}

export async function createOAuthState(db: PrismaClient, shop: string, now: Date = new Date()): Promise<string> {
  const nonce = randomBytes(18).toString("base64url");
  const expires = new Date(now.getTime() + STATE_TTL_MS);
  await db.oauthState.create({ data: { nonce, shop, expiresAt: expires } });
  const payload = [nonce, Buffer.from(shop).toString("base64url"), String(expires.getTime())].join(".");
  return `${payload}.${sign(payload)}`;
}

export interface VerifiedState {
  nonce: string;
  shop: string;
  expiresAt: Date;
}

/** Checks the signature and the expiry (no database read); says which nonce and shop it carries. */
export function verifyOAuthState(state: string, now: Date = new Date()): VerifiedState {
  const parts = state.split(".");
  if (parts.length !== 4) throw new OAuthStateError("malformed");
  const [nonce, shopPart, expiresPart, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(`${nonce}.${shopPart}.${expiresPart}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new OAuthStateError("forged");
  if (!/^\d+$/.test(expiresPart) || Number(expiresPart) <= now.getTime()) throw new OAuthStateError("expired");
  return { nonce, shop: Buffer.from(shopPart, "base64url").toString("utf8"), expiresAt: new Date(Number(expiresPart)) };
}

/**
 * The browser opening /freshbooks/connect with the state: allowed once, and only within
 * START_WINDOW_MS of issue, so a link copied out of the flow and sent to someone else is
 * either already used or stale by the time they open it.
 */
export async function startOAuthState(db: PrismaClient, state: string, now: Date = new Date()): Promise<VerifiedState> {
  const verified = verifyOAuthState(state, now);
  const issuedAt = verified.expiresAt.getTime() - STATE_TTL_MS;
  if (now.getTime() - issuedAt > START_WINDOW_MS) throw new OAuthStateError("expired");
  const { count } = await db.oauthState.updateMany({
    where: { nonce: verified.nonce, shop: verified.shop, startedAt: null, usedAt: null, expiresAt: { gt: now } },
    data: { startedAt: now },
  });
  if (count !== 1) throw new OAuthStateError("replayed");
  return verified;
}

/** Checks the state and uses it up; returns the shop it was issued to. Only a started state is accepted. */
export async function consumeOAuthState(db: PrismaClient, state: string, now: Date = new Date()): Promise<string> {
  const { nonce, shop } = verifyOAuthState(state, now);
  const { count } = await db.oauthState.updateMany({
    where: { nonce, shop, usedAt: null, startedAt: { not: null }, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw new OAuthStateError("replayed");
  return shop;
}
