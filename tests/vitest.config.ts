import path from "node:path";
import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./test-env";

const root = path.resolve(import.meta.dirname, "..");
// A second vitest run at the same time (another terminal) needs its own server: TEST_DATABASE_PORT=54340.
const databasePort = process.env.TEST_DATABASE_PORT ?? "54330";

export default defineConfig({
  root,
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    // The benchmarks' smoke runs start whole stacks: their own step (npm run test:bench-smoke).
    exclude: ["tests/e2e/**", "node_modules/**", ...(process.env.BENCH_SMOKE ? [] : ["tests/bench-smoke.test.ts"])],
    env: {
      ...TEST_ENV,
      // Fast clocks for retries and timeouts, so failure paths run in milliseconds.
      SYNC_RETRY_BASE_MS: "100",
      FRESHBOOKS_TIMEOUT_MS: "1000",
      // A webhook waits its turn at the database as long as the work takes on a busy machine;
      // giving up after WEBHOOK_WAIT_MS has its own test (tests/webhooks.burst.test.ts).
      WEBHOOK_WAIT_MS: "60000",
      // Every delivery asks whether the shop is installed (tests change sessions between deliveries); the cache has its own test.
      INSTALLATION_CACHE_TTL_MS: "0",
      EMBEDDED_POSTGRES_PORT: databasePort,
      EMBEDDED_POSTGRES_DIR: path.join(root, `.data/postgres-test-${databasePort}`),
    },
    // The extension tester imports the extension's module itself: transformed by Vite, so the
    // extensions' TSX (Preact) loads as the Shopify CLI would bundle it.
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
    globalSetup: ["tests/setup/global-database.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    maxWorkers: 2,
    // Generous caps only: a test's own deadline comes from its work (waitForSync fails when no
    // order moves), so a busy machine makes the suite slower, never red.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default", "json"],
    outputFile: { json: path.join(root, process.env.BENCH_SMOKE ? "test-reports/vitest-bench-smoke.json" : "test-reports/vitest.json") },
  },
});
