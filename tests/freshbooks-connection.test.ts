import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { createFreshBooksClient } from "../app/freshbooks/client.server";
import { confirmConnection, connectionSummary, disconnect, freshbooksFor, tokenSourceFor } from "../app/freshbooks/connection.server";
import {
  FreshBooksRateLimitError,
  FreshBooksReconnectRequiredError,
  FreshBooksTransientError,
  FreshBooksValidationError,
} from "../app/freshbooks/errors";
import { connectThroughOAuth, probe, PROBE_PATH, useFreshBooksSandbox } from "./helpers/freshbooks";
import { TEST_SHOP } from "./helpers/shopify";

const sandbox = await useFreshBooksSandbox();
const deps = { db: prisma, now: () => sandbox.now() };
const TWELVE_HOURS = 12 * 3600;

function refreshRequests(): number {
  return sandbox.state.tokenRequests.filter((request) => request.grantType === "refresh_token").length;
}

beforeEach(async () => {
  sandbox.state.reset();
  await prisma.freshbooksConnection.deleteMany();
});

describe("connecting FreshBooks", () => {
  it("connects a login with one business and returns the merchant to the app's settings in their admin", async () => {
    const response = await connectThroughOAuth();

    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(
      "https://admin.shopify.com/store/freshbooks-sync-test/apps/test-api-key/app/settings?freshbooks_connected=1",
    );
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "connected", businessName: "Demo Business" });
  });

  it("stores the tokens encrypted, never in the clear", async () => {
    await connectThroughOAuth();
    const row = await prisma.freshbooksConnection.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    const token = await tokenSourceFor(TEST_SHOP, deps).current();
    expect(row.accessTokenEnc).not.toContain(token);
    expect(row.accessTokenEnc.startsWith("v2.")).toBe(true);
    expect(row.refreshTokenEnc.startsWith("v2.")).toBe(true);
  });

  it("asks which business when the login has several, and uses the one picked", async () => {
    sandbox.configure({ businesses: [{ name: "Fruity Loops" }, { name: "Other business" }] });
    await connectThroughOAuth();

    const pending = await connectionSummary(TEST_SHOP, prisma);
    expect(pending?.status).toBe("pending");
    expect(pending?.businessChoices.map((choice) => choice.name)).toEqual(["Fruity Loops", "Other business"]);
    await expect(freshbooksFor(TEST_SHOP, deps)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);

    const other = pending!.businessChoices[1]!;
    expect(await confirmConnection(TEST_SHOP, 999_999, deps)).toBeNull();
    expect(await confirmConnection(TEST_SHOP, other.id, deps)).toMatchObject({ status: "connected", businessName: "Other business" });
    const client = await freshbooksFor(TEST_SHOP, deps);
    await client.clients.create({ email: "buyer@example.com" });
    const [secondAccount] = sandbox.state.accountIds().slice(1);
    expect(sandbox.state.clients(secondAccount).map((c) => c.email)).toEqual(["buyer@example.com"]);
  });
});

describe("keeping the connection alive", () => {
  it("refreshes once for 10 parallel calls after the token expired, and every call succeeds", async () => {
    await connectThroughOAuth();
    sandbox.advanceClock(TWELVE_HOURS + 60);

    const results = await Promise.all(Array.from({ length: 10 }, async () => probe(await freshbooksFor(TEST_SHOP, deps))));

    expect(results).toHaveLength(10);
    expect(refreshRequests()).toBe(1);
    expect((await connectionSummary(TEST_SHOP, prisma))?.status).toBe("connected");
  });

  it("refreshes after a 401 on a token we believed valid, then retries the call once", async () => {
    await connectThroughOAuth();
    sandbox.faults.expireAccessTokens();

    const client = await freshbooksFor(TEST_SHOP, deps);
    const created = await client.clients.create({ email: "after-401@example.com" });

    expect(created.email).toBe("after-401@example.com");
    expect(refreshRequests()).toBe(1);
    expect(sandbox.state.clients().filter((c) => c.email === "after-401@example.com")).toHaveLength(1);
  });

  it("marks the connection 'needs reconnect' when FreshBooks refuses the refresh token", async () => {
    await connectThroughOAuth();
    sandbox.state.revokeAllTokens();
    sandbox.advanceClock(TWELVE_HOURS + 60);

    const client = await freshbooksFor(TEST_SHOP, deps);
    await expect(probe(client)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);

    const summary = await connectionSummary(TEST_SHOP, prisma);
    expect(summary?.status).toBe("needs_reconnect");
    expect(summary?.statusReason).toMatch(/FreshBooks refused to renew access/);
    await expect(freshbooksFor(TEST_SHOP, deps)).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
  });

  it("reconnecting brings a connection broken by a refused refresh back", async () => {
    await connectThroughOAuth();
    sandbox.state.revokeAllTokens();
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(probe(await freshbooksFor(TEST_SHOP, deps))).rejects.toBeInstanceOf(FreshBooksReconnectRequiredError);
    expect((await connectionSummary(TEST_SHOP, prisma))?.status).toBe("needs_reconnect");

    await connectThroughOAuth();
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "connected", statusReason: null });
    await expect(probe(await freshbooksFor(TEST_SHOP, deps))).resolves.toBeInstanceOf(Array);
  });

  it("disconnecting revokes the current refresh token at FreshBooks and forgets it", async () => {
    await connectThroughOAuth();
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await probe(await freshbooksFor(TEST_SHOP, deps)); // rotated: the first refresh token is dead
    await disconnect(TEST_SHOP, deps);
    expect(await connectionSummary(TEST_SHOP, prisma)).toBeNull();
    expect(sandbox.state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);
  });

  it("gives up on a slow token endpoint after FRESHBOOKS_TIMEOUT_MS (1 s in tests), not the 15 s default", async () => {
    sandbox.faults.setLatency(1500, "^/auth/oauth/token$");
    const response = await connectThroughOAuth();
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/did not answer within 1 s/);
  });
});

describe("the FreshBooks client", () => {
  it("retries a GET twice on a 5xx or timeout, but never a POST", async () => {
    await connectThroughOAuth();
    const client = await freshbooksFor(TEST_SHOP, deps);
    sandbox.faults.enqueue({ method: "GET", path: PROBE_PATH, times: 2, fault: { kind: "status", status: 502 } });
    await expect(probe(client)).resolves.toBeInstanceOf(Array);
    expect(sandbox.state.count({ method: "GET", path: new RegExp(`${PROBE_PATH}$`) })).toBe(3);

    sandbox.faults.enqueue({ method: "POST", path: "/users/clients$", fault: { kind: "status", status: 502 } });
    await expect(client.clients.create({ email: "once@example.com" })).rejects.toBeInstanceOf(FreshBooksTransientError);
    expect(sandbox.state.count({ method: "POST", path: /\/users\/clients$/ })).toBe(1);
  });

  it("percent-encodes search values, so '+' and '&' in an email find the right client", async () => {
    await connectThroughOAuth();
    const client = await freshbooksFor(TEST_SHOP, deps);
    await client.clients.create({ email: "ada@example.com", fname: "Plain" });
    await client.clients.create({ email: "ada+shop&co@example.com", fname: "Plus" });

    const found = await client.clients.findByEmail("ada+shop&co@example.com");

    expect(found?.fname).toBe("Plus");
    expect(await client.clients.findByEmail("nobody@example.com")).toBeNull();
  });

  it("finds a deleted client so it can be restored instead of duplicated", async () => {
    await connectThroughOAuth();
    const client = await freshbooksFor(TEST_SHOP, deps);
    const created = await client.clients.create({ email: "returning@example.com" });
    const accountId = sandbox.state.accountIds()[0]!;
    await fetch(`${sandbox.url}/accounting/account/${accountId}/users/clients/${created.id}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${await tokenSourceFor(TEST_SHOP, deps).current()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ client: { vis_state: 1 } }),
    });

    const found = await client.clients.findByEmail("returning@example.com");
    expect(found).toMatchObject({ id: created.id, vis_state: 1 });
    expect((await client.clients.restore(created.id)).vis_state).toBe(0);
  });

  it("turns FreshBooks' refusals and failures into typed errors", async () => {
    await connectThroughOAuth();
    const accountId = sandbox.state.accountIds()[0]!;
    const client = createFreshBooksClient({ apiUrl: sandbox.url, accountId, tokens: tokenSourceFor(TEST_SHOP, deps), timeoutMs: 500 });

    await expect(client.clients.create({})).rejects.toMatchObject({
      constructor: FreshBooksValidationError,
      details: [expect.objectContaining({ errno: 7012 })],
    });
    sandbox.faults.enqueue({ path: PROBE_PATH, fault: { kind: "status", status: 429, retryAfter: 3 } });
    await expect(probe(client)).rejects.toMatchObject({ constructor: FreshBooksRateLimitError, retryAfterSeconds: 3 });
    sandbox.faults.enqueue({ path: PROBE_PATH, times: 3, fault: { kind: "status", status: 503, body: "html" } });
    await expect(probe(client)).rejects.toBeInstanceOf(FreshBooksTransientError);
    sandbox.faults.enqueue({ path: PROBE_PATH, fault: { kind: "errors-in-200" } });
    await expect(probe(client)).rejects.toBeInstanceOf(FreshBooksValidationError);
    sandbox.faults.enqueue({ path: PROBE_PATH, times: 3, fault: { kind: "timeout" } });
    await expect(probe(client)).rejects.toMatchObject({
      constructor: FreshBooksTransientError,
      message: "FreshBooks did not answer within 1 s",
    });
    sandbox.faults.setErrorFormat("new");
    await expect(client.clients.create({})).rejects.toMatchObject({
      constructor: FreshBooksValidationError,
      details: [expect.objectContaining({ errno: 7012 })],
    });
  });
});
