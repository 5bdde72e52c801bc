import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { confirmConnection, connectionSummary, disconnect, freshbooksFor, NO_USABLE_BUSINESS } from "../app/freshbooks/connection.server";
import { connectThroughOAuth, probe, refreshRequests, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const sandbox = await useFreshBooksSandbox();
useWorker();
const deps = { db: prisma, now: () => sandbox.now() };
const OTHER_SHOP = "second-store.myshopify.com";
const TWELVE_HOURS = 12 * 3600;

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

describe("FreshBooks refusing a token it has just issued", () => {
  it("marks the connection 'needs reconnect' once, and reconnecting syncs the orders that waited", async () => {
    // The login lost access to the business: errno 1003 AccessDenied, as a 401 (docs/freshbooks-api.md §8).
    sandbox.configure({ businesses: [{ name: "Demo Business", foreign: true }] });
    const first = usOrder(1001);
    await deliverOrder(first);
    expect((await waitForSync([first.id]))[0]?.status).toBe("needs_reconnect");

    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({
      status: "needs_reconnect",
      statusReason: expect.stringMatching(/refused this app's access even with a freshly renewed token/),
    });
    const second = usOrder(1002);
    await deliverOrder(second);
    expect((await waitForSync([second.id]))[0]?.status).toBe("needs_reconnect");
    expect(refreshRequests(sandbox)).toBe(1);

    sandbox.configure({ businesses: [{ name: "Demo Business" }] });
    await connectThroughOAuth();
    const rows = await waitForSync([first.id, second.id]);
    expect(rows.map((row) => row.status)).toEqual(["synced", "synced"]);
    expect(sandbox.state.invoices()).toHaveLength(2);
  });
});

describe("a new connection waits for the merchant to confirm it in Settings", () => {
  it("syncs nothing while pending, shows the login, and syncs the orders that waited once confirmed", async () => {
    await disconnect(TEST_SHOP, deps);
    await connectThroughOAuth(TEST_SHOP, { confirm: false });

    const pending = await connectionSummary(TEST_SHOP, prisma);
    expect(pending).toMatchObject({
      status: "pending",
      loginEmail: "owner@example.com",
      businessName: null,
      businessChoices: [{ name: "Demo Business" }],
    });
    const order = usOrder(1101);
    await deliverOrder(order);
    expect((await waitForSync([order.id]))[0]).toMatchObject({
      status: "needs_reconnect",
      statusReason: expect.stringMatching(/Confirm the FreshBooks connection in Settings/),
    });
    expect(sandbox.state.invoices()).toHaveLength(0);
    expect(sandbox.state.clients()).toHaveLength(0);

    expect(await confirmConnection(TEST_SHOP, 999_999, deps)).toBeNull(); // not a business FreshBooks offered
    expect(await confirmConnection(TEST_SHOP, pending!.businessChoices[0]!.id, deps)).toMatchObject({
      status: "connected",
      businessName: "Demo Business",
    });
    expect((await waitForSync([order.id]))[0]?.status).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
    // Once connected there is nothing left to confirm.
    expect(await confirmConnection(TEST_SHOP, pending!.businessChoices[0]!.id, deps)).toBeNull();
  });

  it("reconnecting the same login to the same business needs no new confirmation", async () => {
    sandbox.state.revokeAllTokens();
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(probe(await freshbooksFor(TEST_SHOP, deps))).rejects.toThrow();
    expect((await connectionSummary(TEST_SHOP, prisma))?.status).toBe("needs_reconnect");

    await connectThroughOAuth(TEST_SHOP, { confirm: false });
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({ status: "connected", businessName: "Demo Business" });
  });

  it("a login another store approved but never confirmed does not stop disconnecting from revoking it", async () => {
    await connectThroughOAuth(OTHER_SHOP, { confirm: false });
    expect((await connectionSummary(OTHER_SHOP, prisma))?.status).toBe("pending");

    await disconnect(TEST_SHOP, deps);
    expect(sandbox.state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);
  });
});

describe("disconnecting", () => {
  it("revokes the current refresh token, and orders that arrive afterwards wait, then sync on connect", async () => {
    sandbox.faults.expireAccessTokens(); // the next call refreshes: the live refresh token is no longer the first one
    await probe(await freshbooksFor(TEST_SHOP, deps));
    expect(refreshRequests(sandbox)).toBe(1);

    await disconnect(TEST_SHOP, deps);
    expect(sandbox.state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);

    const order = usOrder(1003);
    await deliverOrder(order);
    const [waiting] = await waitForSync([order.id]);
    expect(waiting).toMatchObject({ status: "needs_reconnect", statusReason: expect.stringMatching(/not connected/) });

    await connectThroughOAuth();
    expect((await waitForSync([order.id]))[0]?.status).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
  });
});

describe("a reconnect that fails after the code exchange", () => {
  it("users/me failing: the connection says at once that it needs reconnecting", async () => {
    sandbox.faults.enqueue({ path: "^/auth/api/v1/users/me$", times: 3, fault: { kind: "status", status: 503 } });
    const response = await connectThroughOAuth();

    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/Connect FreshBooks again/);
    expect(await connectionSummary(TEST_SHOP, prisma)).toMatchObject({
      status: "needs_reconnect",
      statusReason: expect.stringMatching(/Reconnecting FreshBooks did not finish/),
    });
  });

  it("no usable business: the new token pair is kept, so another store on that login keeps working", async () => {
    await connectThroughOAuth(OTHER_SHOP);
    sandbox.configure({ businesses: [{ name: "Client portal", accountId: null }] });
    const response = await connectThroughOAuth(TEST_SHOP);

    expect(response.status).toBe(502);
    expect(await response.text()).toContain(NO_USABLE_BUSINESS);
    expect((await connectionSummary(TEST_SHOP, prisma))?.status).toBe("needs_reconnect");

    sandbox.configure({ businesses: [{ name: "Demo Business" }] });
    sandbox.advanceClock(TWELVE_HOURS + 60);
    await expect(probe(await freshbooksFor(OTHER_SHOP, deps))).resolves.toBeInstanceOf(Array);
    expect((await connectionSummary(OTHER_SHOP, prisma))?.status).toBe("connected");
  });

  it("refuses a first connection to a login whose only business has no accounting account", async () => {
    await prisma.freshbooksConnection.deleteMany();
    sandbox.configure({ businesses: [{ name: "Client portal", accountId: null }] });
    const response = await connectThroughOAuth();

    expect(response.status).toBe(502);
    expect(await response.text()).toContain(NO_USABLE_BUSINESS);
    expect(await connectionSummary(TEST_SHOP, prisma)).toBeNull();
  });
});
