import { MisdirectedWebhook } from "./intake.server";

/**
 * The HMAC covers the body only: the shop header can be changed by whoever replays a signed
 * body. Bodies that name their shop (`shop_domain` of the privacy webhooks, `myshopify_domain`
 * of app/uninstalled) must name the shop the delivery claims, or nothing is done.
 */
export function assertBodyNamesShop(payload: unknown, field: "shop_domain" | "myshopify_domain", shop: string): void {
  const named = payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>)[field] : undefined;
  if (typeof named !== "string" || named.trim().toLowerCase() !== shop.trim().toLowerCase()) {
    throw new MisdirectedWebhook(`The body's ${field} is not the shop this delivery is for`);
  }
}
