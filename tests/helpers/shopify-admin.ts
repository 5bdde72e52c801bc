import { afterAll } from "vitest";
import { reloadEnv } from "../../app/env.server";
import { startShopifyAdminSandbox, type AddShop, type ShopifyAdminSandbox, type ShopifyAdminSandboxOptions } from "../../app/dev/shopify-admin-sandbox/server";
import { forgetThrottleState } from "../../app/shopify/admin-api.server";
import { TEST_SHOP } from "./shopify";

/**
 * The Shopify Admin sandbox for this test file, with the app pointed at it (SHOPIFY_ADMIN_API_URL):
 * the library's own Admin client sends https://<shop>/admin/… there. The test shop exists in it.
 */
export async function useShopifyAdminSandbox(options: ShopifyAdminSandboxOptions & { shop?: Partial<AddShop> } = {}): Promise<ShopifyAdminSandbox> {
  const sandbox = await startShopifyAdminSandbox(options);
  sandbox.addShop({ domain: TEST_SHOP, ...options.shop });
  process.env.SHOPIFY_ADMIN_API_URL = sandbox.url;
  reloadEnv();
  forgetThrottleState();
  afterAll(async () => {
    await sandbox.close();
    delete process.env.SHOPIFY_ADMIN_API_URL;
    reloadEnv();
  });
  return sandbox;
}
