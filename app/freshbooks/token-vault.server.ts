import type { FreshbooksConnection, PrismaClient } from "@prisma/client";
import pg from "pg";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { FreshBooksReconnectRequiredError } from "./errors";
import { expiresAt, refreshTokens } from "./oauth.server";
import { createTokenCipher, TokenDecryptionError, type TokenCipher } from "./token-crypto.server";
import type { TokenResponse } from "./types";

/**
 * The token vault. FreshBooks keeps one live refresh token per login (identity) per app, and
 * each refresh token works once (docs/freshbooks-api.md §1, §12). So the pair belongs to the identity, not to
 * the shop: every connection row of one identity holds the same pair (each encrypted for its
 * own row), every refresh is serialized per identity by an advisory lock on a connection of its
 * own, and the new pair is written to all of that identity's rows in one short write after
 * FreshBooks answered. No transaction spans the HTTP call, so nothing can roll the new pair back.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export const UNREADABLE_REASON =
  "The stored FreshBooks tokens cannot be decrypted with the configured keys (TOKEN_ENCRYPTION_KEY, TOKEN_ENCRYPTION_KEYS_PREVIOUS). Reconnect FreshBooks.";

export interface VaultDeps {
  db: PrismaClient;
  now?: () => Date;
  fetch?: typeof fetch;
  /** The token keys; by default the configured ones (TOKEN_ENCRYPTION_KEY, TOKEN_ENCRYPTION_KEYS_PREVIOUS). Tests of a rotation pass their own. */
  cipher?: TokenCipher;
}

let cached: { keys: string; cipher: TokenCipher } | undefined;

/** The cipher for the configured keys (rebuilt when they change, e.g. in a rotation test). */
export function tokenCipher(): TokenCipher {
  const previous = (env.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  const keys = [env.TOKEN_ENCRYPTION_KEY, ...previous].join(",");
  if (cached?.keys !== keys) cached = { keys, cipher: createTokenCipher(env.TOKEN_ENCRYPTION_KEY, previous) };
  return cached.cipher;
}

export type TokenColumn = "access" | "refresh";

/** The additional authenticated data binding a ciphertext to its row and column. */
export function tokenContext(shop: string, column: TokenColumn): string {
  return `freshbooks_connection|${shop}|${column}`;
}

type SealedRow = Pick<FreshbooksConnection, "shop" | "accessTokenEnc" | "refreshTokenEnc">;
type FlagReader = Pick<PrismaClient, "appFlag">;

/** Recorded by `npm run tokens:reencrypt` once every row is in format v2: v1 is refused from then on. */
export const V1_RETIRED_FLAG = "token_v1_retired";

export const V1_RETIRED_MESSAGE = "token is in the v1 format, which tokens:reencrypt retired (not bound to its row)";

/**
 * Decrypts one token column. A v1 value (no AAD: it would decrypt in any row, e.g. restored from
 * an old backup or copied from another shop) is read only until re-encryption retired the format.
 * The flag is looked up only when a v1 value shows up, so current rows cost no query.
 */
export async function openToken(db: FlagReader, row: SealedRow, column: TokenColumn, cipher: TokenCipher = tokenCipher()): Promise<string> {
  const sealed = column === "access" ? row.accessTokenEnc : row.refreshTokenEnc;
  if (cipher.isV1(sealed) && (await isV1Retired(db))) throw new TokenDecryptionError(V1_RETIRED_MESSAGE);
  return cipher.decrypt(sealed, tokenContext(row.shop, column));
}

export async function isV1Retired(db: FlagReader): Promise<boolean> {
  return (await db.appFlag.findUnique({ where: { name: V1_RETIRED_FLAG } })) !== null;
}

export function sealedColumns(shop: string, tokens: TokenResponse, now: Date, cipher: TokenCipher = tokenCipher()) {
  return {
    accessTokenEnc: cipher.encrypt(tokens.access_token, tokenContext(shop, "access")),
    refreshTokenEnc: cipher.encrypt(tokens.refresh_token, tokenContext(shop, "refresh")),
    accessTokenExpiresAt: expiresAt(tokens, now),
    scope: tokens.scope ?? null,
  };
}

/**
 * Serializes everything that uses or replaces an identity's refresh token: a session advisory
 * lock on a connection opened for it. Not the Prisma pool (the work needs that pool) and not
 * the shared lock pool of app/db/advisory-lock.server.ts either: a sync job already holds one of
 * those for its client lock while it asks for a token, and waiters filling that pool would then
 * wait for each other. Refreshes are rare (every 12 hours), so a connection each is cheap; if
 * the process dies, the connection closes and Postgres releases the lock.
 */
export async function withIdentityLock<T>(identityId: number, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  client.on("error", () => {}); // a dropped connection releases the lock; the query that needed it fails
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [`freshbooks-identity|${identityId}`]);
    return await work();
  } finally {
    await client.end().catch(() => {}); // ending the session releases the lock
  }
}

const WRITE_ATTEMPTS = 3;

/**
 * Stores a pair FreshBooks just issued in every row of its identity: the old refresh token is
 * dead for all of them. Retried: losing this write would leave the login with no live token.
 */
export async function storePairForIdentity(
  db: PrismaClient,
  identityId: number,
  tokens: TokenResponse,
  now: Date,
  cipher: TokenCipher = tokenCipher(),
): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const rows = await tx.freshbooksConnection.findMany({ where: { identityId }, select: { shop: true } });
        for (const { shop } of rows) {
          await tx.freshbooksConnection.update({ where: { shop }, data: sealedColumns(shop, tokens, now, cipher) });
        }
        return rows.map((row) => row.shop);
      });
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS) {
        logger.error(
          { identityId, reason: error instanceof Error ? error.message : String(error) },
          "FreshBooks tokens could not be stored",
        );
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export async function markNeedsReconnect(db: PrismaClient, shop: string, reason: string): Promise<void> {
  await db.freshbooksConnection.updateMany({ where: { shop }, data: { status: "needs_reconnect", statusReason: reason } });
  logger.warn({ shop, reason }, "FreshBooks connection needs reconnecting");
}

type LockOutcome = { kind: "token"; token: string } | { kind: "reconnect"; reason: string } | { kind: "identity_changed" };

/**
 * Returns a usable access token, refreshing when it expires within the margin or when `refused`
 * (a token FreshBooks just answered 401 to) is still the stored one. The lock is taken first,
 * then the row is read again: another process may have refreshed while we waited.
 */
export async function tokenUnderLock(shop: string, refused: string | null, deps: VaultDeps): Promise<string> {
  for (;;) {
    const before = await deps.db.freshbooksConnection.findUnique({ where: { shop }, select: { identityId: true } });
    if (!before) throw new FreshBooksReconnectRequiredError("FreshBooks is not connected", null);
    const outcome = await withIdentityLock(before.identityId, () => refreshLocked(shop, before.identityId, refused, deps));
    if (outcome.kind === "token") return outcome.token;
    if (outcome.kind === "reconnect") throw new FreshBooksReconnectRequiredError(outcome.reason, null);
    // Reconnected with another FreshBooks login while we waited: lock that identity instead.
  }
}

async function refreshLocked(shop: string, identityId: number, refused: string | null, deps: VaultDeps): Promise<LockOutcome> {
  const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
  if (!row) return { kind: "reconnect", reason: "FreshBooks is not connected" };
  if (row.identityId !== identityId) return { kind: "identity_changed" };
  if (row.status !== "connected") return { kind: "reconnect", reason: row.statusReason ?? "FreshBooks needs to be reconnected" };
  const now = deps.now?.() ?? new Date();
  let stored: string;
  let refreshToken: string;
  try {
    stored = await openToken(deps.db, row, "access", deps.cipher);
    refreshToken = await openToken(deps.db, row, "refresh", deps.cipher);
  } catch (error) {
    if (!(error instanceof TokenDecryptionError)) throw error;
    await markNeedsReconnect(deps.db, shop, UNREADABLE_REASON);
    return { kind: "reconnect", reason: UNREADABLE_REASON };
  }
  const fresh = row.accessTokenExpiresAt.getTime() - now.getTime() > REFRESH_MARGIN_MS;
  if (fresh && (refused === null || stored !== refused)) return { kind: "token", token: stored };

  let tokens: TokenResponse;
  try {
    tokens = await refreshTokens(refreshToken, { fetch: deps.fetch });
  } catch (error) {
    if (!(error instanceof FreshBooksReconnectRequiredError)) throw error;
    // The login's only refresh token is dead: every shop sharing it needs the reconnect.
    const shops = await deps.db.freshbooksConnection.findMany({ where: { identityId, status: "connected" }, select: { shop: true } });
    for (const other of shops) await markNeedsReconnect(deps.db, other.shop, error.message);
    return { kind: "reconnect", reason: error.message };
  }
  const shops = await storePairForIdentity(deps.db, identityId, tokens, now, deps.cipher);
  logger.info({ shop, sharedWith: shops.length - 1 }, "FreshBooks access token refreshed");
  return { kind: "token", token: tokens.access_token };
}
