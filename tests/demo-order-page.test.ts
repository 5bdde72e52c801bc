import { Window } from "happy-dom";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { DEMO_SHOP } from "../app/dev/demo/constants";
import { loader as orderStateLoader } from "../app/routes/api.extension.orders.$orderId";
// The page's functions, not the route files: the demo's routes may move (out of the app's build).
import { demoOrderBlockScript as demoOrderBlock, demoOrderPage } from "../app/dev/demo/order-page.server";
import { demoSessionToken } from "../app/dev/demo/session.server";
import { setEnv } from "./helpers/env";
import { resetSyncTables } from "./helpers/sync";
import { routeArgs, seedOfflineSession, settle } from "./helpers/shopify";
import { TEST_SHOPIFY } from "./test-env";

/**
 * The demo's order page: the real order block bundle, run in a DOM with the page's own stand-in
 * for the `shopify` global, fetching the real backend with the demo's session token.
 */
let restoreEnv = () => {};
beforeEach(async () => {
  restoreEnv = setEnv({ DEMO_MODE: "true", NODE_ENV: "development" });
  await resetSyncTables();
  await seedOfflineSession(process.env.DATABASE_URL!, DEMO_SHOP);
});
afterEach(() => restoreEnv());

const page = (query: string) => settle(() => demoOrderPage(new URL(`${TEST_SHOPIFY.appUrl}/demo/order${query}`))) as Promise<Response>;

async function seedFailed() {
  return prisma.orderSync.create({
    data: {
      shop: DEMO_SHOP,
      orderId: "7001",
      orderName: "#1042",
      totalPrice: "120.00",
      currency: "USD",
      status: "failed",
      statusReason: "FreshBooks refused the invoice: the currency EUR is not enabled in your FreshBooks account.",
      payload: { line_items: [{ title: "Linen shirt", quantity: 2, price: "60.00" }] },
    },
  });
}

describe("the demo's order page", () => {
  it("shows the order with the FreshBooks block's frame beside it", async () => {
    await seedFailed();
    const response = await page("");
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain("#1042");
    expect(body).toContain("Linen shirt");
    expect(body).toContain('src="/demo/order?order=7001&#38;frame=block"');
  });

  it("runs the real block bundle in the frame: it loads the order's state from the backend and shows the reason and Retry", async () => {
    await seedFailed();
    const frame = await (await page("?order=7001&frame=block")).text();
    const script = await (await demoOrderBlock()).text();
    const setup = /<script>([\s\S]*?)<\/script>/.exec(frame)?.[1] ?? "";
    expect(script).toContain('shopify.extend("admin.order-details.block.render"');

    const window = new Window({ url: `${TEST_SHOPIFY.appUrl}/demo/order?order=7001&frame=block` });
    const requests: string[] = [];
    // The frame's fetches, answered by the app's own routes (as the demo's web server would).
    (window as unknown as { fetch: typeof fetch }).fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input), TEST_SHOPIFY.appUrl);
      requests.push(url.pathname);
      if (url.pathname === "/demo/session-token") return new Response(demoSessionToken());
      const orderId = decodeURIComponent(url.pathname.replace("/api/extension/orders/", ""));
      return (await settle(() => orderStateLoader(routeArgs(new Request(url, init as RequestInit), { orderId })))) as Response;
    };
    try {
      window.eval(setup);
      window.eval(script);
      await expect
        // A cap, not an expectation: the page's requests go through the real server on a busy machine.
        .poll(() => window.document.body.textContent ?? "", { timeout: 60_000 })
        .toContain("FreshBooks refused the invoice: the currency EUR is not enabled in your FreshBooks account.");
      expect(window.document.querySelector("s-badge")?.textContent).toBe("Failed");
      expect([...window.document.querySelectorAll("s-button")].map((b) => b.textContent)).toContain("Retry");
      expect(requests).toEqual(["/demo/session-token", `/api/extension/orders/${encodeURIComponent("gid://shopify/Order/7001")}`]);
    } finally {
      await window.happyDOM.close();
    }
  });

  it("is a 404 without demo mode", async () => {
    setEnv({ DEMO_MODE: undefined, NODE_ENV: "development" });
    expect((await page("")).status).toBe(404);
    expect(((await settle(() => demoOrderBlock())) as Response).status).toBe(404);
  });
});
