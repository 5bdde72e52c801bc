import type { FreshbooksConnection, PrismaClient } from "@prisma/client";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { resumeAfterReconnect } from "../models/shop.server";
import { createFreshBooksClient, fetchIdentity, type FreshBooksClient, type TokenSource } from "./client.server";
import { FreshBooksAuthError, FreshBooksReconnectRequiredError } from "./errors";
import { retryGet } from "./http.server";
import { revokeToken } from "./oauth.server";
import { pacerFor } from "./pacer.server";
import { TokenDecryptionError, type TokenCipher } from "./token-crypto.server";
import {
  markNeedsReconnect,
  openToken,
  REFRESH_MARGIN_MS,
  sealedColumns,
  storePairForIdentity,
  tokenCipher,
  tokenContext,
  tokenUnderLock,
  UNREADABLE_REASON,
  withIdentityLock,
  type VaultDeps,
} from "./token-vault.server";
import type { Business, Identity, TokenResponse } from "./types";

/**
 * One FreshBooks connection per shop: which login (identity) and business it syncs into, and
 * its state. The tokens are the identity's (see token-vault.server.ts): shops connected with
 * the same FreshBooks login share one pair.
 *
 * A new connection is `pending` until the merchant, in the app's Settings inside their admin,
 * has seen the FreshBooks login and business and confirmed them (docs/decisions/0009): nothing
 * syncs to it before. Reconnecting the same login to the same business is no new decision and
 * comes back `connected`.
 */
export { REFRESH_MARGIN_MS, type VaultDeps };

export type ConnectionStatus = "pending" | "connected" | "needs_reconnect";

export interface ConnectionSummary {
  status: ConnectionStatus;
  businessName: string | null;
  accountId: string | null;
  statusReason: string | null;
  /** The FreshBooks login that approved (shown before the merchant confirms). */
  loginEmail: string | null;
  businessChoices: { id: number; name: string }[];
}

export const PENDING_REASON = "Confirm the FreshBooks connection in Settings: orders wait until you do.";

export const NO_USABLE_BUSINESS = "This FreshBooks login has no business with an accounting account to send invoices to.";

/** Businesses the merchant can sync into: those with an accounting account. */
export function usableBusinesses(memberships: { business: Business }[]): Business[] {
  return memberships.map((membership) => membership.business).filter((business) => Boolean(business.account_id));
}

/** users/me, retried twice on a 5xx or timeout: a GET, and the code exchange cannot be redone. */
function identityFor(accessToken: string, deps: VaultDeps): Promise<Identity> {
  return retryGet(() => fetchIdentity(env.FRESHBOOKS_API_URL, accessToken, deps.fetch, env.FRESHBOOKS_TIMEOUT_MS));
}

/**
 * After the code exchange: who is this, and which businesses could it sync into? The connection
 * waits (`pending`) for the merchant to confirm the login and pick the business in Settings
 * (never silently the first), unless it is the same login and business this shop already
 * confirmed (a reconnect). None with an account: refused. The exchange already killed the
 * login's previous refresh token, so the new pair is kept whatever happens next, and a
 * connection left without a live token says so at once.
 */
export async function saveAuthorization(shop: string, tokens: TokenResponse, deps: VaultDeps): Promise<ConnectionSummary> {
  const now = deps.now?.() ?? new Date();
  let identity: Identity;
  try {
    identity = await identityFor(tokens.access_token, deps);
  } catch (error) {
    // Which login approved is unknown; if it was this shop's, its stored refresh token is dead.
    const reason = error instanceof Error ? error.message : String(error);
    await markNeedsReconnect(deps.db, shop, `Reconnecting FreshBooks did not finish (${reason}). Click Reconnect to try again.`);
    throw error;
  }
  const businesses = usableBusinesses(identity.business_memberships);
  return withIdentityLock(identity.id, async () => {
    if (businesses.length === 0) {
      await storePairForIdentity(deps.db, identity.id, tokens, now, deps.cipher);
      await deps.db.freshbooksConnection.updateMany({
        where: { shop, identityId: identity.id },
        data: { status: "needs_reconnect", statusReason: NO_USABLE_BUSINESS },
      });
      throw new Error(NO_USABLE_BUSINESS);
    }
    const before = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
    // Confirmed earlier by this shop's merchant: the same login, and that business is still there.
    const confirmed =
      before && before.status !== "pending" && before.identityId === identity.id
        ? businesses.find((business) => business.id === before.businessId)
        : undefined;
    const data = {
      identityId: identity.id,
      ...sealedColumns(shop, tokens, now, deps.cipher),
      status: confirmed ? "connected" : "pending",
      statusReason: confirmed ? null : PENDING_REASON,
      businessId: confirmed?.id ?? null,
      accountId: confirmed?.account_id ?? null,
      businessName: confirmed?.name ?? null,
      businessChoices: businesses.map((business) => ({ id: business.id, name: business.name, accountId: business.account_id })),
      loginEmail: identity.email ?? null,
      connectedAt: now,
    };
    const row = await deps.db.freshbooksConnection.upsert({ where: { shop }, create: { shop, ...data }, update: data });
    const shops = await storePairForIdentity(deps.db, identity.id, tokens, now, deps.cipher);
    logger.info({ shop, status: row.status, businesses: businesses.length, sharedWith: shops.length - 1 }, "FreshBooks authorized");
    if (row.status === "connected") await resumeAfterReconnect(deps.db, shop);
    await reviveSharingShops(deps.db, identity.id, shop);
    return summarize(row);
  });
}

/** Other shops of the same login that waited for a reconnect work again with the new pair. */
async function reviveSharingShops(db: PrismaClient, identityId: number, except: string): Promise<void> {
  const waiting = await db.freshbooksConnection.findMany({
    where: { identityId, status: "needs_reconnect", accountId: { not: null }, shop: { not: except } },
    select: { shop: true },
  });
  for (const { shop } of waiting) {
    await db.freshbooksConnection.update({ where: { shop }, data: { status: "connected", statusReason: null } });
    const requeued = await resumeAfterReconnect(db, shop);
    logger.info({ shop, requeued }, "FreshBooks reconnected through another shop of the same login");
  }
}

type Choice = { id: number; name: string; accountId: string };

/**
 * The merchant, in Settings (authenticated admin), confirms the pending connection: this login,
 * this business. Only a business FreshBooks offered this login; only while pending. The orders
 * that waited sync now.
 */
export async function confirmConnection(shop: string, businessId: number, deps: VaultDeps): Promise<ConnectionSummary | null> {
  const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
  const choice = ((row?.businessChoices ?? []) as Choice[]).find((candidate) => candidate.id === businessId);
  if (!row || row.status !== "pending" || !choice) return null;
  // Conditional on still being pending with the same login: a reconnect in between wins.
  const { count } = await deps.db.freshbooksConnection.updateMany({
    where: { shop, status: "pending", identityId: row.identityId },
    data: { status: "connected", businessId: choice.id, accountId: choice.accountId, businessName: choice.name, statusReason: null },
  });
  if (count !== 1) return null;
  logger.info({ shop }, "FreshBooks connection confirmed");
  await resumeAfterReconnect(deps.db, shop);
  return connectionSummary(shop, deps.db);
}

function summarize(row: FreshbooksConnection): ConnectionSummary {
  return {
    // Rows written before the confirmation step said "choose_business": they wait the same way.
    status: (row.status === "choose_business" ? "pending" : row.status) as ConnectionStatus,
    businessName: row.businessName,
    accountId: row.accountId,
    statusReason: row.statusReason,
    loginEmail: row.loginEmail,
    businessChoices: ((row.businessChoices ?? []) as Choice[]).map(({ id, name }) => ({ id, name })),
  };
}

export async function connectionSummary(shop: string, db: PrismaClient): Promise<ConnectionSummary | null> {
  const row = await db.freshbooksConnection.findUnique({ where: { shop } });
  return row ? summarize(row) : null;
}

/**
 * Forgets the shop's connection; queued orders wait for a new one. Under the identity's lock, so
 * the token revoked is the current one (not one a concurrent refresh is replacing). The token is
 * revoked only when no other shop uses this login: revoking would disconnect those too.
 */
export async function disconnect(shop: string, deps: VaultDeps): Promise<void> {
  for (;;) {
    const before = await deps.db.freshbooksConnection.findUnique({ where: { shop }, select: { identityId: true } });
    if (!before) return;
    const done = await withIdentityLock(before.identityId, async () => {
      const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
      if (!row) return true;
      if (row.identityId !== before.identityId) return false;
      // A pending connection of another store does not keep the grant alive: nobody confirmed it.
      const sharing = await deps.db.freshbooksConnection.count({
        where: { identityId: row.identityId, shop: { not: shop }, status: { not: "pending" } },
      });
      if (sharing === 0) await revokeQuietly(row, deps);
      await deps.db.freshbooksConnection.deleteMany({ where: { shop } });
      logger.info({ shop, revoked: sharing === 0 }, "FreshBooks disconnected");
      return true;
    });
    if (done) return;
  }
}

async function revokeQuietly(row: FreshbooksConnection, deps: VaultDeps): Promise<void> {
  try {
    await revokeToken(await openToken(deps.db, row, "refresh", deps.cipher), { fetch: deps.fetch });
  } catch (error) {
    const reason =
      error instanceof TokenDecryptionError
        ? "the stored token cannot be decrypted"
        : error instanceof Error
          ? error.message
          : String(error);
    logger.warn({ shop: row.shop, reason }, "FreshBooks revoke failed; deleting locally");
  }
}

const REFUSED_AFTER_REFRESH = "FreshBooks refused this app's access even with a freshly renewed token";

/** The token source for one shop's FreshBooks calls. */
export function tokenSourceFor(shop: string, deps: VaultDeps): TokenSource {
  return {
    async current() {
      const row = await deps.db.freshbooksConnection.findUnique({ where: { shop } });
      if (!row) throw new FreshBooksReconnectRequiredError("FreshBooks is not connected", null);
      if (row.status !== "connected")
        throw new FreshBooksReconnectRequiredError(row.statusReason ?? "FreshBooks needs to be reconnected", null);
      const now = deps.now?.() ?? new Date();
      if (row.accessTokenExpiresAt.getTime() - now.getTime() <= REFRESH_MARGIN_MS) return tokenUnderLock(shop, null, deps);
      let token: string;
      try {
        token = await openToken(deps.db, row, "access", deps.cipher);
      } catch (error) {
        if (!(error instanceof TokenDecryptionError)) throw error;
        await markNeedsReconnect(deps.db, shop, UNREADABLE_REASON);
        throw new FreshBooksReconnectRequiredError(UNREADABLE_REASON, null);
      }
      const cipher = deps.cipher ?? tokenCipher();
      if (cipher.isStale(row.accessTokenEnc) || cipher.isStale(row.refreshTokenEnc)) await reencryptRow(deps.db, row, cipher);
      return token;
    },
    afterUnauthorized(refused) {
      return tokenUnderLock(shop, refused, deps);
    },
    /**
     * FreshBooks still says no to a token it has just issued (e.g. errno 1003 AccessDenied as a
     * 401, docs/freshbooks-api.md §8), or lacks a scope: refreshing again cannot help, so the connection waits
     * for the merchant (Reconnect banner) instead of every order burning another refresh.
     */
    async refusedWithFreshToken(error: FreshBooksAuthError) {
      const reason =
        error.status === 403
          ? `FreshBooks did not grant this app a permission it needs (${error.message})`
          : `${REFUSED_AFTER_REFRESH} (${error.message})`;
      await markNeedsReconnect(deps.db, shop, reason);
      return new FreshBooksReconnectRequiredError(reason, error.status, error.details);
    },
  };
}

/** Key rotation on use: values written with a previous key or format are rewritten with the current one. */
export async function reencryptRow(db: PrismaClient, row: FreshbooksConnection, cipher: TokenCipher = tokenCipher()): Promise<boolean> {
  const access = await openToken(db, row, "access", cipher);
  const refresh = await openToken(db, row, "refresh", cipher);
  const updated = await db.freshbooksConnection.updateMany({
    where: { shop: row.shop, accessTokenEnc: row.accessTokenEnc, refreshTokenEnc: row.refreshTokenEnc },
    data: {
      accessTokenEnc: cipher.encrypt(access, tokenContext(row.shop, "access")),
      refreshTokenEnc: cipher.encrypt(refresh, tokenContext(row.shop, "refresh")),
    },
  });
  return updated.count === 1;
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
    pacer: pacerFor(deps.db, shop, row.accountId),
  });
}
