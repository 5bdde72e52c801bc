import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, defineConfig } from "@playwright/test";
import { DESKTOP_USER_AGENT, E2E_BASE_URL } from "./e2e-env";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Chromium: CHROMIUM_PATH when set; else Playwright's own build when it is installed; else the
 * system's (`apt-get install chromium`), since Playwright cannot download its own browser offline.
 */
function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(chromium.executablePath())) return undefined;
  const system = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
  if (system) return system;
  // Said here, before the web server starts, rather than as Playwright's "run npx playwright install".
  throw new Error(
    "The browser tests need Chromium and none was found: `apt-get install chromium` (what .ci/run does), " +
      "or set CHROMIUM_PATH to a Chromium or Chrome binary, or `npx playwright install chromium` where downloads work.",
  );
}

export default defineConfig({
  testDir: ".",
  outputDir: path.join(root, "test-results"),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Generous caps, not the expected durations: every wait in a test is for something the page
  // shows (auto-retrying assertions), so on a busy machine a test takes longer instead of failing.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [
    ["list"],
    ["html", { outputFolder: path.join(root, "playwright-report"), open: "never" }],
    ["json", { outputFile: path.join(root, "test-reports/playwright.json") }],
  ],
  use: {
    baseURL: E2E_BASE_URL,
    userAgent: DESKTOP_USER_AGENT,
    viewport: { width: 1280, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "tsx tests/e2e/serve.ts",
    cwd: root,
    url: `${E2E_BASE_URL}/`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
