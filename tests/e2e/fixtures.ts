import { test as base, expect, type Page } from "@playwright/test";
import { appBridgeStandIn } from "../../app/dev/app-bridge-stand-in";
import { API_VERSION_HEADER, embeddedUrl, sessionToken, TEST_SHOP, webhookHmac } from "../helpers/shopify";
import pg from "pg";
import { TEST_SHOPIFY } from "../test-env";
import {
  DESKTOP_USER_AGENT,
  E2E_ADMIN_URL,
  E2E_APP_BRIDGE_URL,
  E2E_BASE_URL,
  E2E_DATABASE_URL,
  E2E_SANDBOX_URL,
  E2E_SHOPIFY_API_URL,
} from "./e2e-env";

/**
 * A page that behaves like the app inside the Shopify admin: App Bridge is served by the
 * stand-in (Shopify's CDN is unreachable), and `openApp` loads a route the way the admin
 * iframe does (?embedded=1&shop&host&id_token).
 */
export const test = base.extend<{ openApp: (path: string, shop?: string) => Promise<void> }>({
  page: async ({ page }, use) => {
    await routeShopify(page);
    const outside = outsideRequests(page);
    await use(page);
    // Offline really offline: no page of any test asked another host for anything.
    expect(outside, "requests to hosts other than localhost").toEqual([]);
  },
  openApp: async ({ page }, use) => {
    await use(async (path, shop = TEST_SHOP) => {
      await page.goto(embeddedUrl(path, shop));
    });
  },
});

/**
 * What Shopify would serve: App Bridge (the stand-in) at E2E_APP_BRIDGE_URL, on the app's own
 * host. The admin the FreshBooks callback returns to (E2E_ADMIN_URL) is a real stand-in server on
 * this machine (tests/e2e/serve.ts). A page asking another host for anything fails its test.
 */
export async function routeShopify(page: Page): Promise<void> {
  await page.route(E2E_APP_BRIDGE_URL, async (route) => {
    const shop = new URL(page.url() || embeddedUrl("/app")).searchParams.get("shop") ?? TEST_SHOP;
    await route.fulfill({
      contentType: "text/javascript",
      body: appBridgeStandIn({
        apiKey: TEST_SHOPIFY.apiKey,
        shop,
        token: { value: sessionToken(shop) },
        scopes: { granted: ["read_orders"], optional: ["write_orders"], grantUrl: `${E2E_SHOPIFY_API_URL}/__sandbox/scopes` },
      }),
    });
  });
}

/** Requests the page made to a host other than this machine's. */
export function outsideRequests(page: Page): string[] {
  const outside: string[] = [];
  page.on("request", (request) => {
    const { protocol, hostname } = new URL(request.url());
    if ((protocol === "http:" || protocol === "https:") && !["localhost", "127.0.0.1", "[::1]"].includes(hostname))
      outside.push(request.url());
  });
  return outside;
}

export { expect };

/**
 * Clicks Connect/Reconnect: out of the iframe through /freshbooks/connect (binding cookie) to
 * FreshBooks (the sandbox approves at once), back to our callback, which sends the merchant to
 * the settings page in their admin (routed above).
 * Once per browser context: Playwright does not intercept a redirect's target a second time in
 * the same context (cf. microsoft/playwright#33882), so a test that connects twice uses two.
 */
export async function connectThroughFreshBooks(page: Page, button: "Connect FreshBooks" | "Reconnect"): Promise<void> {
  // Until the callback has sent the browser back to the admin (the page is already on a settings URL).
  const backInAdmin = page.waitForRequest((request) => request.url().startsWith(`${E2E_ADMIN_URL}/`), { timeout: 0 });
  await page.getByRole("button", { name: button, exact: true }).first().click();
  await backInAdmin;
  await page.waitForURL(/\/app\/settings\?/);
}

/** Drives the FreshBooks sandbox the e2e server uses. */
export async function sandbox(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${E2E_SANDBOX_URL}/__sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Runs SQL against the e2e server's database (test setup and checks). */
export async function sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The toasts shown on the current page; none while the page is navigating (its context is being replaced). */
export async function toasts(page: Page): Promise<string[]> {
  return page
    .evaluate(() => ((window as unknown as { __appBridgeToasts?: { message: string }[] }).__appBridgeToasts ?? []).map((t) => t.message))
    .catch((error: unknown) => {
      if (error instanceof Error && /Execution context was destroyed|navigat/i.test(error.message)) return [];
      throw error;
    });
}

/** Shopify delivering a signed webhook (e.g. "customers/data_request") to the e2e server. */
export async function deliverWebhook(
  topic: string,
  payload: object,
  shop: string = TEST_SHOP,
  webhookId = `e2e-${topic}-${Date.now()}`,
): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${E2E_BASE_URL}/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": API_VERSION_HEADER,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Hmac-Sha256": webhookHmac(body),
    },
  });
  return response.status;
}

/** Shopify delivering a signed orders/create to the e2e server. */
export function deliverOrder(order: object, shop: string = TEST_SHOP): Promise<number> {
  return deliverWebhook("orders/create", order, shop, `e2e-${(order as { id: number }).id}-${Date.now()}`);
}

/** The Settings page's data (GET) or action (POST), as the embedded page calls it. */
function settingsRequest(shop: string, form?: Record<string, string>): Promise<Response> {
  return fetch(`${E2E_BASE_URL}/app/settings?_data=routes%2Fapp.settings`, {
    method: form ? "POST" : "GET",
    headers: {
      Authorization: `Bearer ${sessionToken(shop)}`,
      "Content-Type": "application/x-www-form-urlencoded",
      // authenticate.admin answers 410 to bots, and Node's fetch says "node".
      "User-Agent": DESKTOP_USER_AGENT,
    },
    body: form ? new URLSearchParams(form) : undefined,
  });
}

/**
 * The merchant connecting FreshBooks, over HTTP: our connect action, /freshbooks/connect (binding
 * cookie), the sandbox's approval, our callback with the cookie, then confirming in Settings
 * (`confirm: false` leaves the connection pending).
 */
export async function connectFreshBooks(shop: string = TEST_SHOP, { confirm = true } = {}): Promise<void> {
  const start = await settingsRequest(shop, { intent: "connect" });
  const { connectUrl } = (await start.json()) as { connectUrl: string };
  const bind = await fetch(connectUrl, { redirect: "manual" });
  const cookie = (bind.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const approval = await fetch(bind.headers.get("location")!, { redirect: "manual" });
  const callback = await fetch(approval.headers.get("location")!, { redirect: "manual", headers: { Cookie: cookie } });
  if (callback.status !== 302) throw new Error(`FreshBooks callback answered ${callback.status}`);
  const { connection } = (await (await settingsRequest(shop)).json()) as {
    connection: { status: string; businessChoices: { id: number }[] };
  };
  if (connection.status !== "pending" || !confirm) return;
  const confirmed = await settingsRequest(shop, { intent: "confirm-connection", businessId: String(connection.businessChoices[0]!.id) });
  if (!confirmed.ok) throw new Error(`confirming the connection answered ${confirmed.status}`);
}

/** Polls the e2e database until the order has left queued/syncing; returns its status. */
export async function syncedStatus(orderId: number | string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const [row] = await sql<{ status: string }>("select status from order_sync where order_id = $1", [String(orderId)]);
    if (row && row.status !== "queued" && row.status !== "syncing") return row.status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`order ${orderId} did not finish syncing`);
}
