import path from "node:path";
// Exception to "nothing imports tests/": the bench runs the stack with the tests' own settings and shop.
// eslint-disable-next-line no-restricted-imports
import { TEST_ENV, TEST_SHOPIFY } from "../../tests/test-env";

/** Fixed places and credentials of the bench stack (its own ports, data directory and fake keys). */
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BENCH_DATABASE_PORT = Number(process.env.BENCH_DATABASE_PORT ?? 54370);
export const BENCH_DATA_DIR = path.join(ROOT, ".data/postgres-bench");
export const BENCH_LOG_DIR = path.join(ROOT, ".data/bench-logs");
export const BENCH_SERVER_PORT = Number(process.env.BENCH_SERVER_PORT ?? 3370);
/** The intake bench's reference intake (bench/reference-intake.ts). */
export const BENCH_REFERENCE_PORT = Number(process.env.BENCH_REFERENCE_PORT ?? 3371);
export const RESULTS_DIR = path.join(ROOT, "bench/results");
export const BENCH_SHOP = "freshbooks-sync-bench.myshopify.com";
export const SHOPIFY_SECRET = TEST_SHOPIFY.apiSecret;
export const API_VERSION = "2026-10";

/** What every child process (web server, worker) gets, on top of the bench's own settings. */
export function appEnv(overrides: Record<string, string>): Record<string, string> {
  const appUrl = `http://127.0.0.1:${BENCH_SERVER_PORT}`;
  return {
    ...TEST_ENV,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PORT: String(BENCH_SERVER_PORT),
    SHOPIFY_APP_URL: appUrl,
    FRESHBOOKS_REDIRECT_URI: `${appUrl}/freshbooks/callback`,
    ...overrides,
  };
}
