import { expect, sandbox, sql, test } from "./fixtures";

// A new install: no orders, FreshBooks not connected (whatever earlier specs left).
test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade",
  );
});

test("the sync log opens inside the admin with its heading and navigation", async ({ page, openApp }, testInfo) => {
  await openApp("/app");

  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toHaveCount(1);
  await expect(page.getByText("No orders synced yet")).toBeVisible();
  // The empty state's actions (beside the banner's): connect first, or open the settings.
  await expect(page.getByRole("button", { name: "Connect FreshBooks" })).toHaveCount(2);
  await expect(page.getByRole("link", { name: "Open settings" })).toHaveAttribute("href", /\/app\/settings/);
  const nav = page.locator("ui-nav-menu");
  await expect(nav.getByRole("link", { name: "Sync log" })).toHaveAttribute("href", "/app");
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "/app/settings");

  await page.screenshot({ path: testInfo.outputPath("sync-log.png"), fullPage: true });
  await testInfo.attach("sync-log", { path: testInfo.outputPath("sync-log.png"), contentType: "image/png" });
});

test("navigating to Settings loads its data with the session token, without a full reload", async ({ page, openApp }) => {
  await openApp("/app");
  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();

  const dataRequest = page.waitForRequest((request) => request.url().includes("_data=routes%2Fapp.settings"));
  await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();

  expect((await dataRequest).headers()["authorization"]).toMatch(/^Bearer /);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByText("FreshBooks connection")).toBeVisible();
});

test("a page opened without the admin's session token is not served", async ({ page }) => {
  const response = await page.goto("/app");
  expect(page.url()).toContain("/auth/login");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("a click before the page's script has run is not lost: the button takes it once it can act on it", async ({ page, openApp }) => {
  // The page's script arrives late (a slow connection, a busy device): its server-rendered
  // buttons show first, with nothing behind them yet.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/assets/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  const opened = openApp("/app/settings");
  const connect = page.getByRole("button", { name: "Connect FreshBooks", exact: true });
  await expect(connect).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.hasAttribute("data-hydrated"))).toBe(false);
  // The click waits (the button takes no pointer events yet) instead of landing on a dead button.
  const click = connect.click();
  expect(await connect.evaluate((button) => getComputedStyle(button).pointerEvents)).toBe("none");
  release();
  // (The click may take the page away before its first load has finished.)
  await Promise.all([click, opened.catch(() => undefined)]);
  // The click did what it says: it left for FreshBooks and came back waiting for confirmation.
  await expect(page.getByText("Waiting for your confirmation")).toBeVisible();
});
