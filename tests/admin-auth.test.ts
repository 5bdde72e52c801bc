import { describe, expect, it } from "vitest";
import { loader as syncLogLoader } from "../app/routes/app._index";
import { TEST_SHOPIFY } from "./test-env";
import { embeddedUrl, routeArgs, seedOfflineSession, sessionToken, settle, TEST_SHOP } from "./helpers/shopify";

describe("embedded admin authentication", () => {
  it("serves the sync log to the admin iframe with a valid session token", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    const result = await syncLogLoader(routeArgs(new Request(embeddedUrl("/app"))));
    expect(result).toMatchObject({ connection: null, hasOrders: false, page: { rows: [] } });
  });

  it("serves a client-side data request carrying the token as a Bearer header", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!);
    const request = new Request(`${TEST_SHOPIFY.appUrl}/app?_data=routes/app._index`, {
      headers: { Authorization: `Bearer ${sessionToken()}` },
    });
    const result = await syncLogLoader(routeArgs(request));
    expect(result).toMatchObject({ connection: null, hasOrders: false, page: { rows: [] } });
  });

  it("answers a forged Bearer token with 401 and the retry header App Bridge understands", async () => {
    const request = new Request(`${TEST_SHOPIFY.appUrl}/app?_data=routes/app._index`, {
      headers: { Authorization: `Bearer ${sessionToken(TEST_SHOP, {}, "wrong-secret")}` },
    });
    const response = (await settle(() => syncLogLoader(routeArgs(request)))) as Response;
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  });

  it("sends a document request without id_token to the session-token bounce page", async () => {
    const url = new URL(embeddedUrl("/app"));
    url.searchParams.delete("id_token");
    const response = (await settle(() => syncLogLoader(routeArgs(new Request(url))))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("/auth/session-token");
  });

  it("sends a request with no shop at all to the login page", async () => {
    const response = (await settle(() => syncLogLoader(routeArgs(new Request(`${TEST_SHOPIFY.appUrl}/app`))))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("/auth/login");
  });

  it("refuses an expired session token", async () => {
    const expired = sessionToken(TEST_SHOP, { exp: Math.floor(Date.now() / 1000) - 120 });
    const request = new Request(`${TEST_SHOPIFY.appUrl}/app`, { headers: { Authorization: `Bearer ${expired}` } });
    const response = (await settle(() => syncLogLoader(routeArgs(request)))) as Response;
    expect(response.status).toBe(401);
  });
});
