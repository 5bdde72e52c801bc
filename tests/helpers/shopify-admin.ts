import { afterAll } from "vitest";
import {
  startShopifyAdminSandbox,
  type AddShop,
  type ShopifyAdminSandbox,
  type ShopifyAdminSandboxOptions,
} from "../../app/dev/shopify-admin-sandbox/server";
import { forgetThrottleState } from "../../app/shopify/admin-api.server";
import { useEnv } from "./env";
import { TEST_SHOP } from "./shopify";

/**
 * The Shopify Admin sandbox for this test file, with the app pointed at it (SHOPIFY_ADMIN_API_URL):
 * the library's own Admin client sends https://<shop>/admin/… there. The test shop exists in it.
 */
export async function useShopifyAdminSandbox(
  options: ShopifyAdminSandboxOptions & { shop?: Partial<AddShop> } = {},
): Promise<ShopifyAdminSandbox> {
  const sandbox = await startShopifyAdminSandbox(options);
  sandbox.addShop({ domain: TEST_SHOP, ...options.shop });
  // Read at each request by the fetch the library's Admin client is given (app/shopify/admin-fetch.server.ts).
  useEnv({ SHOPIFY_ADMIN_API_URL: sandbox.url });
  forgetThrottleState();
  afterAll(() => sandbox.close());
  return sandbox;
}
