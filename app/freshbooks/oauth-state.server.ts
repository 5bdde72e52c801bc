import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { decodeKey, env } from "../env.server";

/**
 * OAuth `state`: signed (HMAC-SHA256), bound to the shop, short-lived and single-use.
 * The signature stops forgery and tampering without a database read; the nonce row makes it
 * single-use (consumed atomically) so a replayed callback URL stores nothing.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;

export type StateProblem = "malformed" | "forged" | "expired" | "replayed";

export class OAuthStateError extends Error {
  constructor(readonly problem: StateProblem) {
    super(`OAuth state ${problem}`);
    this.name = "OAuthStateError";
  }
}

function signingKey(): Buffer {
  // A key of its own, derived from the encryption key, so the two uses never share a key.
  return createHmac("sha256", decodeKey(env.TOKEN_ENCRYPTION_KEY) ?? Buffer.alloc(32)).update("oauth-state-v1").digest();
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

/** Checks the state and uses it up; returns the shop it was issued to. */
export async function consumeOAuthState(db: PrismaClient, state: string, now: Date = new Date()): Promise<string> {
  const parts = state.split(".");
  if (parts.length !== 4) throw new OAuthStateError("malformed");
  const [nonce, shopPart, expiresPart, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(`${nonce}.${shopPart}.${expiresPart}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new OAuthStateError("forged");
  if (!/^\d+$/.test(expiresPart) || Number(expiresPart) <= now.getTime()) throw new OAuthStateError("expired");
  const shop = Buffer.from(shopPart, "base64url").toString("utf8");

  const { count } = await db.oauthState.updateMany({
    where: { nonce, shop, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw new OAuthStateError("replayed");
  return shop;
}
