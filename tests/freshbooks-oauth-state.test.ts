import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { consumeOAuthState, createOAuthState, OAuthStateError, STATE_TTL_MS } from "../app/freshbooks/oauth-state.server";
import { loader as callbackLoader } from "../app/routes/freshbooks.callback";
import { routeArgs, settle, TEST_SHOP } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

async function problemOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof OAuthStateError) return error.problem;
    throw error;
  }
  return "accepted";
}

function callback(query: Record<string, string>): Request {
  return new Request(`${TEST_SHOPIFY.appUrl}/freshbooks/callback?${new URLSearchParams(query)}`);
}

describe("OAuth state", () => {
  it("is accepted once and tells which shop started the flow", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    expect(await consumeOAuthState(prisma, state)).toBe(TEST_SHOP);
  });

  it("is refused when replayed", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    await consumeOAuthState(prisma, state);
    expect(await problemOf(() => consumeOAuthState(prisma, state))).toBe("replayed");
  });

  it("is refused when forged or when its shop was changed", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    const [nonce, , expires, signature] = state.split(".");
    const otherShop = Buffer.from("attacker.myshopify.com").toString("base64url");
    expect(await problemOf(() => consumeOAuthState(prisma, [nonce, otherShop, expires, signature].join(".")))).toBe("forged");
    expect(await problemOf(() => consumeOAuthState(prisma, `${state.slice(0, -2)}xx`))).toBe("forged");
    expect(await problemOf(() => consumeOAuthState(prisma, "not-a-state"))).toBe("malformed");
  });

  it("is refused after it expires", async () => {
    const issued = new Date("2026-11-25T10:00:00Z");
    const state = await createOAuthState(prisma, TEST_SHOP, issued);
    const later = new Date(issued.getTime() + STATE_TTL_MS + 1000);
    expect(await problemOf(() => consumeOAuthState(prisma, state, later))).toBe("expired");
  });
});

describe("FreshBooks OAuth callback", () => {
  it("shows a clear page and stores nothing for a replayed state", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    await consumeOAuthState(prisma, state);

    const response = (await settle(() => callbackLoader(routeArgs(callback({ state, code: "any-code" }))))) as Response;

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("This connection link was already used.");
    expect(html).toContain("click Connect FreshBooks again");
    expect(await prisma.freshbooksConnection.count()).toBe(0);
  });

  it("refuses a forged state without contacting FreshBooks", async () => {
    const response = (await settle(() => callbackLoader(routeArgs(callback({ state: "a.b.c.d", code: "x" }))))) as Response;
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("was not issued by this app");
    expect(await prisma.freshbooksConnection.count()).toBe(0);
  });

  it("explains a missing state", async () => {
    const response = (await settle(() => callbackLoader(routeArgs(callback({ code: "x" }))))) as Response;
    expect(response.status).toBe(400);
  });
});
