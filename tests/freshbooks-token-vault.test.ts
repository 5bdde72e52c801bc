import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { connectionSummary, disconnect, freshbooksFor, tokenSourceFor } from "../app/freshbooks/connection.server";
import { FreshBooksReconnectRequiredError } from "../app/freshbooks/errors";
import { reencryptAllTokens } from "../app/freshbooks/reencrypt.server";
import { createTokenCipher } from "../app/freshbooks/token-crypto.server";
import type { VaultDeps } from "../app/freshbooks/token-vault.server";
import { connectThroughOAuth, probe, refreshRequests, until, useFreshBooksSandbox } from "./helpers/freshbooks";
import { TEST_SHOP } from "./helpers/shopify";
import { v1Ciphertext } from "./helpers/token-formats";
import { TEST_ENV } from "./test-env";

const sandbox = await useFreshBooksSandbox();
// The token keys come in through the vault's dependencies (`cipher`), as a rotation test sets them:
// the app's own routes (the OAuth callback) keep sealing with the configured key, OLD_KEY below.
const deps: VaultDeps = { db: prisma, now: () => sandbox.now() };
const TWELVE_HOURS = 12 * 3600;
const OTHER_SHOP = "second-store.myshopify.com";
const status = async (shop: string) => (await connectionSummary(shop, prisma))?.status;
const taxes = async (shop: string) => probe(await freshbooksFor(shop, deps));

beforeEach(async () => {
  sandbox.state.reset();
  await prisma.freshbooksConnection.deleteMany();
});

afterEach(async () => {
  await prisma.appFlag.deleteMany();
  delete deps.cipher;
});

describe("two stores connected with the same FreshBooks login", () => {
  it("share one token pair: both keep working through refreshes, one refresh each time", async () => {
    await connectThroughOAuth(TEST_SHOP);
    await connectThroughOAuth(OTHER_SHOP); // at FreshBooks, this killed the first store's refresh token

    for (let round = 1; round <= 2; round++) {
      sandbox.advanceClock(TWELVE_HOURS + 60);
      await expect(taxes(TEST_SHOP)).resolves.toBeInstanceOf(Array);
      await expect(taxes(OTHER_SHOP)).resolves.toBeInstanceOf(Array);
      expect(refreshRequests(sandbox)).toBe(round);
    }
    expect([await status(TEST_SHOP), await status(OTHER_SHOP)]).toEqual(["connected", "connected"]);
    expect(sandbox.state.liveRefreshTokens()).toHaveLength(1);
  });

  it("disconnecting one store leaves the other connected; the last one revokes the live token", async () => {
    await connectThroughOAuth(TEST_SHOP);
    await connectThroughOAuth(OTHER_SHOP);

    await disconnect(TEST_SHOP, deps);
    expect(sandbox.state.revocations).toEqual([]);
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(taxes(OTHER_SHOP)).resolves.toBeInstanceOf(Array);

    await disconnect(OTHER_SHOP, deps);
    expect(sandbox.state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);
  });

  it("a refused refresh asks both stores to reconnect, and reconnecting either brings both back", async () => {
    await connectThroughOAuth(TEST_SHOP);
    await connectThroughOAuth(OTHER_SHOP);
    sandbox.state.revokeAllTokens();
    sandbox.advanceClock(TWELVE_HOURS + 60);

    await expect(taxes(TEST_SHOP)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
    expect([await status(TEST_SHOP), await status(OTHER_SHOP)]).toEqual(["needs_reconnect", "needs_reconnect"]);

    await connectThroughOAuth(TEST_SHOP);
    expect(await status(OTHER_SHOP)).toBe("connected");
    await expect(taxes(OTHER_SHOP)).resolves.toBeInstanceOf(Array);
  });
});

const openTransactions = () =>
  prisma.$queryRaw<{ pid: number }[]>`
    select pid from pg_stat_activity
    where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`;

describe("refreshing", () => {
  it("keeps no transaction open while FreshBooks answers, so a slow answer cannot roll the new pair back", async () => {
    await connectThroughOAuth();
    // FreshBooks rotates the pair at once but its answer takes 900 ms (the timeout is 1 s).
    sandbox.faults.setLatency(900, "^/auth/oauth/token$", true);
    sandbox.advanceClock(TWELVE_HOURS + 60);

    const call = taxes(TEST_SHOP);
    await until(() => refreshRequests(sandbox) === 1);
    const open = await openTransactions();
    // A database restart, a pooler or idle_in_transaction_session_timeout ends open transactions.
    await prisma.$queryRaw`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`;
    await expect(call).resolves.toBeInstanceOf(Array);

    expect(open).toEqual([]);
    sandbox.faults.clear();
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(taxes(TEST_SHOP)).resolves.toBeInstanceOf(Array);
    expect(await status(TEST_SHOP)).toBe("connected");
  });

  it("disconnecting during a refresh waits for it, then revokes the token that is live", async () => {
    await connectThroughOAuth();
    sandbox.faults.setLatency(600, "^/auth/oauth/token$", true);
    sandbox.advanceClock(TWELVE_HOURS + 60);

    const call = taxes(TEST_SHOP).catch(() => null);
    await until(() => refreshRequests(sandbox) === 1);
    await disconnect(TEST_SHOP, deps);
    await call;

    expect(await connectionSummary(TEST_SHOP, prisma)).toBeNull();
    expect(sandbox.state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);
  });
});

const OLD_KEY = TEST_ENV.TOKEN_ENCRYPTION_KEY;
const NEW_KEY = randomBytes(32).toString("hex");

/** What a deployment does by changing TOKEN_ENCRYPTION_KEY / TOKEN_ENCRYPTION_KEYS_PREVIOUS, for the vault calls below. */
function rotateKeys(current: string, previous?: string): void {
  deps.cipher = createTokenCipher(current, previous ? [previous] : []);
}

describe("key rotation", () => {
  it("tokens:reencrypt rewrites every row (v1 rows too) with the current key, so the old key can go", async () => {
    await connectThroughOAuth(TEST_SHOP);
    await connectThroughOAuth(OTHER_SHOP);
    const access = await tokenSourceFor(TEST_SHOP, deps).current();
    const [refresh] = sandbox.state.liveRefreshTokens();
    await prisma.freshbooksConnection.update({
      where: { shop: TEST_SHOP },
      data: { accessTokenEnc: v1Ciphertext(OLD_KEY, access), refreshTokenEnc: v1Ciphertext(OLD_KEY, refresh!) },
    });

    rotateKeys(NEW_KEY, OLD_KEY);
    expect(await reencryptAllTokens(prisma, deps.cipher)).toEqual({ rewritten: 2, alreadyCurrent: 0, unreadable: [] });
    expect(await reencryptAllTokens(prisma, deps.cipher)).toEqual({ rewritten: 0, alreadyCurrent: 2, unreadable: [] });

    rotateKeys(NEW_KEY);
    for (const row of await prisma.freshbooksConnection.findMany()) expect(row.accessTokenEnc.startsWith("v2.")).toBe(true);
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(taxes(TEST_SHOP)).resolves.toBeInstanceOf(Array);
    await expect(taxes(OTHER_SHOP)).resolves.toBeInstanceOf(Array);
  });

  it("after tokens:reencrypt, a v1 token (not bound to its row, e.g. from an old backup) is refused and asks for a reconnect", async () => {
    await connectThroughOAuth(TEST_SHOP);
    const access = await tokenSourceFor(TEST_SHOP, deps).current();
    const [refresh] = sandbox.state.liveRefreshTokens();
    const restoreV1Row = () =>
      prisma.freshbooksConnection.update({
        where: { shop: TEST_SHOP },
        data: { accessTokenEnc: v1Ciphertext(OLD_KEY, access), refreshTokenEnc: v1Ciphertext(OLD_KEY, refresh!) },
      });
    await restoreV1Row();
    await expect(taxes(TEST_SHOP)).resolves.toBeInstanceOf(Array); // before: still read (and rewritten)

    expect(await reencryptAllTokens(prisma, deps.cipher)).toEqual({ rewritten: 0, alreadyCurrent: 1, unreadable: [] });
    await restoreV1Row(); // same key, same token: only the format is old

    await expect(taxes(TEST_SHOP)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({
      status: "needs_reconnect",
      statusReason: expect.stringMatching(/cannot be decrypted/),
    });
    expect(await reencryptAllTokens(prisma, deps.cipher)).toEqual({ rewritten: 0, alreadyCurrent: 0, unreadable: [TEST_SHOP] });
    await connectThroughOAuth(TEST_SHOP);
    await expect(taxes(TEST_SHOP)).resolves.toBeInstanceOf(Array);
  });

  it("a token no configured key decrypts asks for a reconnect instead of failing every attempt", async () => {
    await connectThroughOAuth();
    rotateKeys(NEW_KEY); // the old key was dropped before the rows were re-encrypted

    await expect(taxes(TEST_SHOP)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
    const summary = await connectionSummary(TEST_SHOP, prisma);
    expect(summary).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/cannot be decrypted/) });
    expect(await reencryptAllTokens(prisma, deps.cipher)).toEqual({ rewritten: 0, alreadyCurrent: 0, unreadable: [TEST_SHOP] });
  });

  it("a ciphertext copied into another shop's row does not decrypt there", async () => {
    await connectThroughOAuth(TEST_SHOP);
    await connectThroughOAuth(OTHER_SHOP);
    const mine = await prisma.freshbooksConnection.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    await prisma.freshbooksConnection.update({ where: { shop: OTHER_SHOP }, data: { accessTokenEnc: mine.accessTokenEnc } });

    await expect(taxes(OTHER_SHOP)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
    expect(await status(OTHER_SHOP)).toBe("needs_reconnect");
    expect(await status(TEST_SHOP)).toBe("connected");
  });
});
