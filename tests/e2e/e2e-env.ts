import path from "node:path";
import { TEST_ENV, TEST_SHOPIFY } from "../test-env";

/**
 * The e2e server: the production build on port 3100, on an embedded PostgreSQL of its own, or,
 * when DATABASE_URL is set (as for vitest), on that server in a database of its own (`app_e2e`,
 * dropped and created afresh by each run).
 */
export const E2E_PORT = 3100;
export const E2E_DATABASE_PORT = 54331;
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;

function onDatabase(url: string, database: string): string {
  const target = new URL(url);
  target.pathname = `/${database}`;
  return target.toString();
}

/** The maintenance database of the server the suite runs on (for DROP/CREATE DATABASE). */
export const E2E_EXTERNAL_ADMIN_URL = EXTERNAL_DATABASE_URL ? onDatabase(EXTERNAL_DATABASE_URL, "postgres") : undefined;
export const E2E_DATABASE_NAME = EXTERNAL_DATABASE_URL ? "app_e2e" : "app";
export const E2E_DATABASE_URL = EXTERNAL_DATABASE_URL
  ? onDatabase(EXTERNAL_DATABASE_URL, E2E_DATABASE_NAME)
  : `postgresql://postgres:postgres@127.0.0.1:${E2E_DATABASE_PORT}/app`;
export const E2E_BASE_URL = TEST_SHOPIFY.appUrl;
/** The FreshBooks sandbox the e2e server talks to, controlled by tests over /__sandbox/*. */
export const E2E_SANDBOX_PORT = 3190;
export const E2E_SANDBOX_URL = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
/**
 * Where the pages load App Bridge from and where the FreshBooks callback sends the merchant
 * back to the admin: addresses on the app's own host, answered by the browser fixture (the
 * stand-in script; the admin's redirect into the embedded page), so no request leaves the machine.
 */
export const E2E_APP_BRIDGE_URL = `${TEST_SHOPIFY.appUrl}/__e2e/app-bridge.js`;
export const E2E_ADMIN_PORT = 3191;
export const E2E_ADMIN_URL = `http://localhost:${E2E_ADMIN_PORT}/admin`;
/** The Shopify Admin API sandbox (app/dev/shopify-admin-sandbox): the sweep and the import read orders there. */
export const E2E_SHOPIFY_API_PORT = 3192;
export const E2E_SHOPIFY_API_URL = `http://127.0.0.1:${E2E_SHOPIFY_API_PORT}`;

export const E2E_SERVER_ENV = {
  ...TEST_ENV,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  PORT: String(E2E_PORT),
  EMBEDDED_POSTGRES_PORT: String(E2E_DATABASE_PORT),
  EMBEDDED_POSTGRES_DIR: path.resolve(import.meta.dirname, "../../.data/postgres-e2e"),
  RUN_WORKER_IN_WEB: "true",
  FRESHBOOKS_API_URL: E2E_SANDBOX_URL,
  FRESHBOOKS_AUTH_URL: E2E_SANDBOX_URL,
  APP_BRIDGE_URL: E2E_APP_BRIDGE_URL,
  SHOPIFY_ADMIN_URL: E2E_ADMIN_URL,
  SHOPIFY_ADMIN_API_URL: E2E_SHOPIFY_API_URL,
};

/** authenticate.admin answers 410 to bots, and headless Chromium says "HeadlessChrome". */
export const DESKTOP_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
