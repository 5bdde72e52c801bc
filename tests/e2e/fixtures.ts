import { test as base, expect, type Page } from "@playwright/test";
import { appBridgeStandIn } from "../../app/dev/app-bridge-stand-in";
import { embeddedUrl, sessionToken, TEST_SHOP } from "../helpers/shopify";
import { TEST_SHOPIFY } from "../test-env";

/**
 * A page that behaves like the app inside the Shopify admin: App Bridge is served by the
 * stand-in (Shopify's CDN is unreachable), and `openApp` loads a route the way the admin
 * iframe does (?embedded=1&shop&host&id_token).
 */
export const test = base.extend<{ openApp: (path: string, shop?: string) => Promise<void> }>({
  page: async ({ page }, use) => {
    await page.route("https://cdn.shopify.com/**", async (route) => {
      if (route.request().url().includes("/shopifycloud/app-bridge.js")) {
        const shop = new URL(page.url() || embeddedUrl("/app")).searchParams.get("shop") ?? TEST_SHOP;
        await route.fulfill({
          contentType: "text/javascript",
          body: appBridgeStandIn({ apiKey: TEST_SHOPIFY.apiKey, shop, token: { value: sessionToken(shop) } }),
        });
      } else {
        await route.abort();
      }
    });
    await use(page);
  },
  openApp: async ({ page }, use) => {
    await use(async (path, shop = TEST_SHOP) => {
      await page.goto(embeddedUrl(path, shop));
    });
  },
});

export { expect };

export async function toasts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ((window as unknown as { __appBridgeToasts?: { message: string }[] }).__appBridgeToasts ?? []).map((t) => t.message),
  );
}
