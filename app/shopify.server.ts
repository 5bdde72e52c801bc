import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { resumeShop } from "./models/shop.server";
import { installAdminApiFetch } from "./shopify/admin-fetch.server";

/**
 * The one Admin API / webhook version of the app. `shopify.app.toml` pins the same value
 * (`[webhooks] api_version`), so webhook payloads and API calls share one shape; a test
 * checks that the two agree.
 */
export const API_VERSION = ApiVersion.October26;

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES.split(",").map((scope) => scope.trim()),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  // Token exchange: Shopify-managed install, no OAuth redirects inside the admin.
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    // A new offline session: a first install or a reinstall. Syncing resumes with queued orders.
    afterAuth: async ({ session }) => {
      await resumeShop(prisma, session.shop);
    },
  },
  logger: {
    level: env.LOG_LEVEL === "debug" || env.LOG_LEVEL === "trace" ? LogSeverity.Debug : LogSeverity.Warning,
    log: (severity, message) => {
      const line = { source: "shopify-app" };
      if (severity === LogSeverity.Error) logger.error(line, message);
      else if (severity === LogSeverity.Warning) logger.warn(line, message);
      else logger.debug(line, message);
    },
  },
});

// After the library's adapter set its fetch (at import): Admin API calls go through ours, which
// sends them to the Shopify Admin sandbox in development and tests (app/shopify/admin-fetch.server.ts).
installAdminApiFetch();

export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
