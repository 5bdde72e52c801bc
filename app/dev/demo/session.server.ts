import { getEnv } from "../../env.server";
import { embeddedAppUrl, signSessionToken } from "../shopify-signing";
import { DEMO_SHOP } from "./constants";

/** A session token for the demo shop, as the admin would give App Bridge (valid 10 minutes). */
export function demoSessionToken(): string {
  const env = getEnv();
  return signSessionToken({ shop: DEMO_SHOP, apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, ttlSeconds: 600 });
}

/** Where /demo sends the browser: the embedded page as the admin iframe would load it. */
export function demoEmbeddedUrl(path: string): string {
  return embeddedAppUrl(getEnv().SHOPIFY_APP_URL, path, DEMO_SHOP, demoSessionToken());
}
