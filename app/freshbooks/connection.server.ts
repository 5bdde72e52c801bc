import type { FreshbooksConnection, Prisma, PrismaClient } from "@prisma/client";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { resumeAfterReconnect } from "../models/shop.server";
import { createFreshBooksClient, fetchIdentity, type FreshBooksClient, type TokenSource } from "./client.server";
import { FreshBooksReconnectRequiredError } from "./errors";
import { expiresAt, refreshTokens, revokeToken } from "./oauth.server";
import { createTokenCipher, type TokenCipher } from "./token-crypto.server";
import type { Business, TokenResponse } from "./types";

/**
 * The token vault: one FreshBooks connection per shop, tokens encrypted at rest, and a
 * single-flight refresh. FreshBooks refresh tokens are single-use and only the newest one
 * lives (digest §1), so two processes refreshing at once would kill the connection: every
 * refresh runs under a row lock (SELECT … FOR UPDATE), re-checks expiry after acquiring it,
 * and commits the new pair before anyone uses it.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type ConnectionStatus = "connected" | "choose_business" | "needs_reconnect";

export interface ConnectionSummary {
  status: ConnectionStatus;
  businessName: string | null;
  accountId: string | null;
  statusReason: string | null;
  businessChoices: { id: number; name: string }[];
}

export interface VaultDeps {
  db: PrismaClient;
  now?: () => Date;
  fetch?: typeof fetch;
}

let cipher: TokenCipher | undefined;
function tokenCipher(): TokenCipher {
  cipher ??= createTokenCipher(
    env.TOKEN_ENCRYPTION_KEY,
    (env.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").map((key) => key.trim()).filter(Boolean),
  );
  return cipher;
}

/** Businesses the merchant can sync into: those with an accounting account. */
export function usableBusinesses(memberships: { business: Business }[]): Business[] {
  return memberships.map((membership) => membership.business).filter((business) => Boolean(business.account_id));
}

function tokenColumns(tokens: TokenResponse, now: Date) {
  return {
    accessTokenEnc: tokenCipher().encrypt(tokens.access_token),
    refreshTokenEnc: tokenCipher().encrypt(tokens.refresh_token),
    accessTokenExpiresAt: expiresAt(tokens, now),
    scope: tokens.scope ?? null,
  };
}

/**
 * After the code exchange: who is this, and which business? One business: connected. Several:
 * the merchant picks (never silently the first). None with an account: refused.
 */
export async function saveAuthorization(shop: string, tokens: TokenResponse, deps: VaultDeps): Promise<ConnectionSummary> {
  const now = deps.now?.() ?? new Date();
  const identity = await fetchIdentity(env.FRESHBOOKS_API_URL, tokens.access_token, deps.fetch);
  const businesses = usableBusinesses(identity.business_memberships);
  if (businesses.length === 0) {
    throw new Error("This FreshBooks login has no business with an accounting account to send invoices to.");
  }
  const only = businesses.length === 1 ? businesses[0] : undefined;
  const data = {
    identityId: identity.id,
    ...tokenColumns(tokens, now),
    status: only ? "connected" : "choose_business",
    statusReason: null,
    businessId: only?.id ?? null,
    accountId: only?.account_id ?? null,
    businessName: only?.name ?? null,
    businessChoices: businesses.map((business) => ({ id: business.id, name: business.name, accountId: business.account_id })),
    connectedAt: now,
  };
  const row = await deps.db.freshbooksConnection.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  logger.info({ shop, status: row.status, businesses: businesses.length }, "FreshBooks authorized");
  if (row.status === "connected") await resumeAfterReconnect(deps.db, shop);
  return summarize(row);
}

type Choice = { id: number; name: string; accountId: string };

export async function chooseBusiness(shop: string, businessId: number, deps: VaultDeps): Promise<ConnectionSummary | null> {
  const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
  const choice = ((row?.businessChoices ?? []) as Choice[]).find((candidate) => candidate.id === businessId);
  if (!row || !choice) return null;
  const updated = await deps.db.freshbooksConnection.update({
    where: { shop },
    data: { status: "connected", businessId: choice.id, accountId: choice.accountId, businessName: choice.name, statusReason: null },
  });
  await resumeAfterReconnect(deps.db, shop);
  return summarize(updated);
}

function summarize(row: FreshbooksConnection): ConnectionSummary {
  return {
    status: row.status as ConnectionStatus,
    businessName: row.businessName,
    accountId: row.accountId,
    statusReason: row.statusReason,
    businessChoices: ((row.businessChoices ?? []) as Choice[]).map(({ id, name }) => ({ id, name })),
  };
}

export async function connectionSummary(shop: string, db: PrismaClient): Promise<ConnectionSummary | null> {
  const row = await db.freshbooksConnection.findUnique({ where: { shop } });
  return row ? summarize(row) : null;
}

/** Revokes at FreshBooks where possible, then forgets the tokens. Queued orders wait for a new connection. */
export async function disconnect(shop: string, deps: VaultDeps): Promise<void> {
  const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
  if (!row) return;
  try {
    await revokeToken(tokenCipher().decrypt(row.refreshTokenEnc), { fetch: deps.fetch });
  } catch (error) {
    logger.warn({ shop, reason: error instanceof Error ? error.message : String(error) }, "FreshBooks revoke failed; deleting locally");
  }
  await deps.db.freshbooksConnection.deleteMany({ where: { shop } });
}

type LockedRow = { access_token_enc: string; refresh_token_enc: string; access_token_expires_at: Date; status: string };

async function markNeedsReconnect(shop: string, reason: string, db: PrismaClient): Promise<void> {
  await db.freshbooksConnection.updateMany({ where: { shop }, data: { status: "needs_reconnect", statusReason: reason } });
  logger.warn({ shop, reason }, "FreshBooks connection needs reconnecting");
}

/**
 * Returns a usable access token, refreshing under the row lock when it expires within the
 * margin or when `refused` (a token FreshBooks just answered 401 to) is still the stored one.
 */
type LockOutcome = { kind: "token"; token: string } | { kind: "reconnect"; reason: string | null };

async function tokenUnderLock(shop: string, refused: string | null, deps: VaultDeps): Promise<string> {
  const outcome = await deps.db.$transaction(
    async (tx: Prisma.TransactionClient): Promise<LockOutcome> => {
      const rows = await tx.$queryRaw<LockedRow[]>`
        select access_token_enc, refresh_token_enc, access_token_expires_at, status
        from freshbooks_connection where shop = ${shop} for update`;
      const row = rows[0];
      if (!row || row.status !== "connected") return { kind: "reconnect", reason: row ? "FreshBooks needs to be reconnected" : null };
      const now = deps.now?.() ?? new Date();
      const stored = tokenCipher().decrypt(row.access_token_enc);
      const fresh = row.access_token_expires_at.getTime() - now.getTime() > REFRESH_MARGIN_MS;
      // Someone else refreshed while we waited for the lock, or the token is simply still good.
      if (fresh && (refused === null || stored !== refused)) return { kind: "token", token: stored };

      try {
        const tokens = await refreshTokens(tokenCipher().decrypt(row.refresh_token_enc), { fetch: deps.fetch });
        await tx.freshbooksConnection.update({ where: { shop }, data: tokenColumns(tokens, now) });
        logger.info({ shop }, "FreshBooks access token refreshed");
        return { kind: "token", token: tokens.access_token };
      } catch (error) {
        if (error instanceof FreshBooksReconnectRequiredError) return { kind: "reconnect", reason: error.message };
        throw error;
      }
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  if (outcome.kind === "token") return outcome.token;
  if (outcome.reason === null) throw new FreshBooksReconnectRequiredError("FreshBooks is not connected", null);
  await markNeedsReconnect(shop, outcome.reason, deps.db);
  throw new FreshBooksReconnectRequiredError(outcome.reason, null);
}

/** The token source for one shop's FreshBooks calls. */
export function tokenSourceFor(shop: string, deps: VaultDeps): TokenSource {
  return {
    async current() {
      const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
      if (!row) throw new FreshBooksReconnectRequiredError("FreshBooks is not connected", null);
      if (row.status !== "connected") throw new FreshBooksReconnectRequiredError(row.statusReason ?? "FreshBooks needs to be reconnected", null);
      const now = deps.now?.() ?? new Date();
      if (row.accessTokenExpiresAt.getTime() - now.getTime() <= REFRESH_MARGIN_MS) return tokenUnderLock(shop, null, deps);
      if (tokenCipher().isStale(row.accessTokenEnc) || tokenCipher().isStale(row.refreshTokenEnc)) {
        await reencrypt(row, deps.db);
      }
      return tokenCipher().decrypt(row.accessTokenEnc);
    },
    afterUnauthorized(refused) {
      return tokenUnderLock(shop, refused, deps);
    },
  };
}

/** Key rotation: values written with a previous key are rewritten with the current one on use. */
async function reencrypt(row: FreshbooksConnection, db: PrismaClient): Promise<void> {
  const cipherNow = tokenCipher();
  await db.freshbooksConnection.updateMany({
    where: { shop: row.shop, accessTokenEnc: row.accessTokenEnc, refreshTokenEnc: row.refreshTokenEnc },
    data: {
      accessTokenEnc: cipherNow.encrypt(cipherNow.decrypt(row.accessTokenEnc)),
      refreshTokenEnc: cipherNow.encrypt(cipherNow.decrypt(row.refreshTokenEnc)),
    },
  });
}

/** A FreshBooks API client for a connected shop. */
export async function freshbooksFor(shop: string, deps: VaultDeps): Promise<FreshBooksClient> {
  const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
  if (!row || row.status !== "connected" || !row.accountId) {
    throw new FreshBooksReconnectRequiredError(row?.statusReason ?? "FreshBooks is not connected", null);
  }
  return createFreshBooksClient({
    apiUrl: env.FRESHBOOKS_API_URL,
    accountId: row.accountId,
    tokens: tokenSourceFor(shop, deps),
    fetch: deps.fetch,
    timeoutMs: env.FRESHBOOKS_TIMEOUT_MS,
  });
}
