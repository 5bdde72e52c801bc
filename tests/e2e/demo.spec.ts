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
