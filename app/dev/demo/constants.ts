/**
 * Fixed identities of the offline demo. Fake and public on purpose: nothing here reaches a real
 * service, and the same values on every run let a second run reuse the first run's data (the
 * encryption key must stay the same to read the stored FreshBooks tokens).
 */
export const DEMO_SHOP = "freshbooks-sync-demo.myshopify.com";

export const DEMO_SHOPIFY = {
  apiKey: "demo-api-key",
  apiSecret: "demo-api-secret-not-for-production",
  scopes: "read_orders",
} as const;

export const DEMO_FRESHBOOKS = {
  clientId: "demo-freshbooks-client",
  clientSecret: "demo-freshbooks-secret",
} as const;

export const DEMO_TOKEN_ENCRYPTION_KEY = "64656d6f2d6f6e6c792d6b65792d6e6f742d666f722d70726f64756374696f6e";

/** The webhook API version header (same as API_VERSION in app/shopify.server.ts). */
export const DEMO_WEBHOOK_API_VERSION = "2026-10";

/** Paths of the demo-only pages (app/dev/demo/routes.server.ts, served by the demo's own web server). */
export const DEMO_PATHS = {
  entry: "/demo",
  appBridge: "/demo/app-bridge.js",
  sessionToken: "/demo/session-token",
  /** The order page stand-in with the FreshBooks block (app/dev/demo/order-page.server.ts). */
  orderPage: "/demo/order",
  orderBlockScript: "/demo/order-block.js",
  /** The demo's stand-in of the Shopify admin (SHOPIFY_ADMIN_URL): /demo/admin/store/<store>/apps/<key>/<path>. */
  admin: "/demo/admin",
} as const;
