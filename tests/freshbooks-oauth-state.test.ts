import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { connectStartUrl } from "../app/freshbooks/oauth-browser.server";
import {
  consumeOAuthState,
  createOAuthState,
  OAuthStateError,
  START_WINDOW_MS,
  startOAuthState,
  STATE_TTL_MS,
} from "../app/freshbooks/oauth-state.server";
import { loader as callbackLoader } from "../app/routes/freshbooks.callback";
import { loader as connectLoader } from "../app/routes/freshbooks.connect";
import { approveAtFreshBooks, callback as browserCallback, startConnect, useFreshBooksSandbox } from "./helpers/freshbooks";
import { routeArgs, settle, TEST_SHOP } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

const sandbox = await useFreshBooksSandbox();

beforeEach(async () => {
  sandbox.state.reset();
  await prisma.freshbooksConnection.deleteMany();
});

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
    await startOAuthState(prisma, state);
    expect(await consumeOAuthState(prisma, state)).toBe(TEST_SHOP);
  });

  it("is refused when replayed", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    await startOAuthState(prisma, state);
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

describe("starting the flow at /freshbooks/connect", () => {
  it("binds the browser with an HttpOnly, Secure, SameSite=Lax cookie scoped to the callback, then goes to FreshBooks", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    const response = (await settle(() => connectLoader(routeArgs(new Request(connectStartUrl(state)))))) as Response;

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${sandbox.url}/oauth/authorize`);
    expect(location.searchParams.get("state")).toBe(state);
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^fb_connect_binding=[\w-]{43}; /);
    expect(cookie).toContain("Path=/freshbooks/callback");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Lax");
    // A hash of the nonce, not the nonce itself.
    expect(cookie).not.toContain(state.split(".")[0]);
  });

  it("opens each state once, and only right after the click that issued it", async () => {
    const state = await createOAuthState(prisma, TEST_SHOP);
    await startOAuthState(prisma, state);
    expect(await problemOf(() => startOAuthState(prisma, state))).toBe("replayed");

    const issued = new Date("2026-11-25T10:00:00Z");
    const old = await createOAuthState(prisma, TEST_SHOP, issued);
    expect(await problemOf(() => startOAuthState(prisma, old, new Date(issued.getTime() + START_WINDOW_MS + 1000)))).toBe("expired");

    const page = (await settle(() => connectLoader(routeArgs(new Request(connectStartUrl(state)))))) as Response;
    expect(page.status).toBe(400);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(await page.text()).toContain("This connection link was already opened.");
  });
});

describe("the browser binding (login CSRF)", () => {
  it("refuses an approval brought back by a browser that did not start the flow, and stores nothing", async () => {
    // The attacker starts a connect for their store and sends FreshBooks' authorize link to a victim.
    const attacker = await startConnect("attacker.myshopify.com");
    const callbackUrl = await approveAtFreshBooks(attacker.authorizeUrl); // the victim approves

    // The victim's browser: no binding cookie, or the cookie of a connect of its own.
    const victimOwn = await startConnect(TEST_SHOP);
    for (const cookie of [null, victimOwn.cookie]) {
      const response = await browserCallback(callbackUrl, cookie);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("did not come back to the browser that clicked Connect FreshBooks, so nothing was connected");
    }

    expect(await prisma.freshbooksConnection.count()).toBe(0);
    expect(sandbox.state.tokenRequests).toHaveLength(0); // the code was never even exchanged
  });

  it("accepts the same approval in the browser that started it, and clears the cookie", async () => {
    const flow = await startConnect(TEST_SHOP);
    const response = await browserCallback(await approveAtFreshBooks(flow.authorizeUrl), flow.cookie);

    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toMatch(/^fb_connect_binding=; Path=\/freshbooks\/callback; Max-Age=0/);
    expect(await prisma.freshbooksConnection.count({ where: { shop: TEST_SHOP } })).toBe(1);
  });
});

describe("FreshBooks OAuth callback", () => {
  it("shows a clear page and stores nothing for a replayed state", async () => {
    const flow = await startConnect(TEST_SHOP);
    await consumeOAuthState(prisma, flow.state);
    const state = flow.state;

    const response = (await settle(() =>
      callbackLoader(routeArgs(new Request(callback({ state, code: "any-code" }), { headers: { Cookie: flow.cookie } }))),
    )) as Response;

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
