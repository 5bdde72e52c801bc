import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import pg from "pg";
import { DEMO_SHOP } from "../../app/dev/demo/constants";
import { expect, outsideRequests, test, toasts } from "./fixtures";

/**
 * `npm run demo` in a real browser: it never leaves the demo (Connect and Reconnect come back
 * to its Settings page with a toast; a reload stays; http://localhost:<port>/ leads to /demo),
 * and its pages ask no host but this machine for anything (no CDN font, no App Bridge script
 * from Shopify). Ports and data of its own; reuses the build (`npm run build` first).
 */
const ports = { web: 3277, sandbox: 4277, database: 54377 };
const base = `http://localhost:${ports.web}`;
let demo: ChildProcess | undefined;
let output = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  demo = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "app/dev/demo/main.ts",
      "--no-build",
      "--reset",
      "--orders",
      "3",
      "--rate",
      "120",
      "--fault-rate",
      "0",
      "--port",
      String(ports.web),
      "--sandbox-port",
      String(ports.sandbox),
      "--db-port",
      String(ports.database),
      "--data-dir",
      path.resolve(".data/demo-e2e"),
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => (demo?.exitCode === null ? /Open the app/.test(output) : output), { timeout: 240_000 }).toBe(true);
});

test.afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    demo.kill("SIGINT");
    await once(demo, "exit");
  }
});

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${ports.database}/app` });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

test("the demo's home page leads to the app; a reload of any page stays in the demo; nothing is asked of another host", async ({
  page,
}) => {
  const outside = outsideRequests(page);
  await page.goto(`${base}/`);
  await page.getByRole("link", { name: "Open the app" }).click();
  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();

  // Into Settings by the app's own navigation (the address loses the session token), then F5.
  await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("id_token")).toBeNull();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(base);

  // A page whose session token has expired (the address kept from yesterday) opens too.
  await page.goto(`${base}/app?embedded=1&shop=${DEMO_SHOP}&id_token=eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x`);
  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();

  // The icon is answered (never a 404 in the logs).
  expect((await page.request.get(`${base}/favicon.ico`)).headers()["content-type"]).toBe("image/svg+xml");
  expect(outside).toEqual([]);
});

test("Connect and Reconnect come back to the demo's Settings page with a Connected toast", async ({ page }) => {
  const outside = outsideRequests(page);
  const leftTheDemo: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && !frame.url().startsWith(base) && !frame.url().startsWith(`http://127.0.0.1:${ports.sandbox}`))
      leftTheDemo.push(frame.url());
  });
  await sql(`delete from freshbooks_connection where shop = '${DEMO_SHOP}'`);
  await page.goto(`${base}/demo?page=settings`);
  await expect(page.getByText("Not connected")).toBeVisible();

  await page.getByRole("button", { name: "Connect FreshBooks", exact: true }).click();
  await page.getByRole("button", { name: "Confirm and start syncing" }).click();
  await expect.poll(() => toasts(page)).toContain("Connected to Demo Business");
  expect(new URL(page.url()).pathname).toBe("/app/settings");

  // FreshBooks stopped accepting the app's access: Reconnect, back with the toast.
  await sql(
    `update freshbooks_connection set status = 'needs_reconnect', status_reason = 'FreshBooks refused to renew access' where shop = '${DEMO_SHOP}'`,
  );
  await page.reload();
  await page.getByRole("button", { name: "Reconnect", exact: true }).first().click();
  await expect.poll(() => toasts(page)).toContain("Connected to Demo Business");
  expect(new URL(page.url()).pathname).toBe("/app/settings");
  // The page drops its "just connected" marker once it has said so (a reload says nothing again).
  await expect.poll(() => new URL(page.url()).searchParams.has("freshbooks_connected")).toBe(false);
  await expect(page.getByText("Connected", { exact: true })).toBeVisible();

  expect(leftTheDemo).toEqual([]);
  expect(outside).toEqual([]);
});

test("the demo store has a history: Import past orders estimates it and imports it, each order once", async ({ page }, testInfo) => {
  const outside = outsideRequests(page);
  await page.goto(`${base}/demo?page=import`);
  await expect(page.getByText("Shopify lets the app read the last 60 days of orders", { exact: false })).toBeVisible();
  // A week of the store's history, so the import ends within the test.
  const to = new Date();
  const from = new Date(to.getTime() - 7 * 86_400_000);
  await page.getByLabel("From").fill(from.toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Estimate" }).click();
  const estimate = page.getByText(/^\d+ orders from .*FreshBooks requests/);
  await expect(estimate).toBeVisible();
  const found = Number(/^(\d+) orders/.exec((await estimate.textContent()) ?? "")?.[1]);
  // 240 orders over 90 days: a week holds about 19 of them.
  expect(found).toBeGreaterThan(10);
  await page.screenshot({ path: testInfo.outputPath("demo-import-estimate.png"), fullPage: true });

  await page.getByRole("button", { name: `Import ${found} orders` }).click();
  await expect(
    page.getByText(new RegExp(`^Last import \\(.*\\): ${found} orders found, ${found} synced, 0 skipped, 0 failed\\.$`)),
  ).toBeVisible({
    timeout: 180_000,
  });
  await page.screenshot({ path: testInfo.outputPath("demo-import-done.png"), fullPage: true });

  const state = (await (await fetch(`http://127.0.0.1:${ports.sandbox}/__sandbox/state`)).json()) as {
    accounts: Record<string, { invoices: { invoice_number: string }[] }>;
  };
  const numbers = Object.values(state.accounts).flatMap((account) => account.invoices.map((invoice) => invoice.invoice_number));
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(outside).toEqual([]);
});
