import path from "node:path";
import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./test-env";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  root,
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    env: {
      ...TEST_ENV,
      EMBEDDED_POSTGRES_PORT: "54330",
      EMBEDDED_POSTGRES_DIR: path.join(root, ".data/postgres-test"),
    },
    globalSetup: ["tests/setup/global-database.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
