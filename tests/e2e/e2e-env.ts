import path from "node:path";
import { TEST_ENV, TEST_SHOPIFY } from "../test-env";

/** The e2e server: the production build on port 3100, on an embedded PostgreSQL of its own. */
export const E2E_PORT = 3100;
export const E2E_DATABASE_PORT = 54331;
export const E2E_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${E2E_DATABASE_PORT}/app`;
export const E2E_BASE_URL = TEST_SHOPIFY.appUrl;
/** The FreshBooks sandbox the e2e server talks to, controlled by tests over /__sandbox/*. */
export const E2E_SANDBOX_PORT = 3190;
export const E2E_SANDBOX_URL = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;

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
};

/** authenticate.admin answers 410 to bots, and headless Chromium says "HeadlessChrome". */
export const DESKTOP_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
