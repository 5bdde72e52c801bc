import { env } from "../env.server";

/** A page of this app inside the merchant's Shopify admin (where the OAuth callback returns them). */
export function adminAppUrl(shop: string, path: string): string {
  const store = shop.replace(/\.myshopify\.com$/, "");
  return `${env.SHOPIFY_ADMIN_URL.replace(/\/$/, "")}/store/${encodeURIComponent(store)}/apps/${encodeURIComponent(env.SHOPIFY_API_KEY)}${path}`;
}
