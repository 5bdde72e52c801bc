import type { Browser, Page } from "@playwright/test";
import { usOrder } from "../helpers/orders";
import {
  connectFreshBooks,
  connectThroughFreshBooks,
  deliverOrder,
  expect,
  routeShopify,
  sandbox,
  sql,
  syncedStatus,
  test,
  toasts,
} from "./fixtures";
import { embeddedUrl, seedOfflineSession } from "../helpers/shopify";
import { E2E_DATABASE_URL, E2E_SANDBOX_URL } from "./e2e-env";

test.beforeEach(async () => {
  // Each test goes out to FreshBooks and back (five hops) on a machine shared with other work.
  test.slow();
  await sandbox("reset", {});
  await sql("delete from freshbooks_connection");
  // Each test starts from the default invoice settings (an earlier test may have saved some).
  await sql("delete from shop_settings");
});

/** Back in Settings: the merchant sees the FreshBooks login and business and confirms them. */
async function confirmConnection(page: Page, business = "Demo Business"): Promise<void> {
  await expect(page.getByText("Confirm the FreshBooks connection", { exact: true })).toBeVisible();
  await expect(page.getByText("owner@example.com")).toBeVisible();
  await expect(page.getByText(business, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Confirm and start syncing" }).click();
  // The card's sentence (a "Connected to …" toast may be on screen too).
  await expect(page.locator("p", { hasText: `Connected to ${business}.` })).toBeVisible();
}

test("connects FreshBooks from the settings page in two clicks: Connect, then Confirm", async ({ page, openApp }, testInfo) => {
  await openApp("/app/settings");
  await expect(page.getByText("Not connected")).toBeVisible();

  // Click 1: out of the iframe, through /freshbooks/connect (binding cookie) to FreshBooks (the
  // sandbox approves; FreshBooks' own "Allow" would be the one click there), back through the admin.
  await connectThroughFreshBooks(page, "Connect FreshBooks");
  // Nothing syncs yet: the connection waits for the merchant.
  await expect(page.getByText("Waiting for your confirmation")).toBeVisible();
  expect((await sql("select status, login_email from freshbooks_connection"))[0]).toEqual({
    status: "pending",
    login_email: "owner@example.com",
  });
  await page.screenshot({ path: testInfo.outputPath("settings-confirm-connection.png"), fullPage: true });

  // Click 2: confirm the login and business shown.
  await confirmConnection(page);
  await expect(page.getByText("Connected", { exact: true })).toBeVisible();
  expect((await sql("select status from freshbooks_connection"))[0]?.status).toBe("connected");
  await page.screenshot({ path: testInfo.outputPath("settings-connected.png"), fullPage: true });
});

test("login CSRF: an approval started in one browser and completed in another connects nothing", async ({ page, browser, openApp }) => {
  // The attacker installed the app on their own store and starts a connect there...
  const attackerShop = "attacker-store.myshopify.com";
  await seedOfflineSession(E2E_DATABASE_URL, attackerShop);
  // The attacker's browser goes through /freshbooks/connect (and gets its cookie), but stops
  // before FreshBooks, keeping the authorize link.
  let authorizeUrl = "";
  const held = new Promise<void>((resolve) => {
    void page.route("**/freshbooks/connect?**", async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      authorizeUrl = response.headers().location ?? "";
      await route.fulfill({
        status: 200,
        contentType: "text/plain",
        body: "held by the attacker",
        headers: { "set-cookie": response.headers()["set-cookie"] ?? "" },
      });
      resolve();
    });
  });
  await openApp("/app/settings", attackerShop);
  await page.getByRole("button", { name: "Connect FreshBooks", exact: true }).click();
  await held;
  expect(authorizeUrl.startsWith(`${E2E_SANDBOX_URL}/oauth/authorize?`)).toBe(true);

  // ...and sends FreshBooks' authorize link to the victim, who approves in their own browser.
  const victim = await browser.newContext();
  const victimPage = await victim.newPage();
  await victimPage.goto(authorizeUrl);
  await expect(victimPage.getByRole("heading", { name: "FreshBooks connection refused" })).toBeVisible();
  await expect(
    victimPage.getByText("did not come back to the browser that clicked Connect FreshBooks, so nothing was connected"),
  ).toBeVisible();
  await victim.close();

  expect(await sql("select shop from freshbooks_connection")).toEqual([]);
  const state = (await sandbox("state")) as { requests: { method: string; path: string }[] };
  expect(state.requests.filter((r) => r.path === "/auth/oauth/token")).toHaveLength(0); // the code was never exchanged
});

test("while the connection waits for confirmation, orders wait and the sync log says to confirm it", async ({ page, openApp }) => {
  await sql("truncate order_sync, sync_attempt, webhook_delivery, client_mapping restart identity cascade");
  await connectFreshBooks(undefined, { confirm: false });
  const order = usOrder(Date.now() % 1_000_000);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("needs_reconnect");
  expect(((await sandbox("state")) as { requests: { path: string }[] }).requests.some((r) => r.path.includes("/invoices/"))).toBe(false);

  await openApp("/app");
  await expect(page.getByText("Confirm the FreshBooks connection", { exact: true })).toBeVisible();
  await expect(page.getByText("FreshBooks was approved as owner@example.com")).toBeVisible();
  await page
    .getByRole("link", { name: "Review in Settings" })
    .or(page.getByRole("button", { name: "Review in Settings" }))
    .first()
    .click();
  await confirmConnection(page);
  expect(await syncedStatus(order.id)).toBe("synced");
});

test("asks which business to use when the FreshBooks login has several", async ({ page, openApp }, testInfo) => {
  await sandbox("config", { businesses: [{ name: "Fruity Loops" }, { name: "Orchard Supplies" }] });
  await openApp("/app/settings");
  await connectThroughFreshBooks(page, "Connect FreshBooks");

  await expect(page.getByText("Which one should receive your Shopify invoices?")).toBeVisible();
  await expect(page.getByText("owner@example.com")).toBeVisible();
  await expect(page.getByRole("button", { name: "Use this business" })).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("settings-business-picker.png"), fullPage: true });
  await page.getByText("Orchard Supplies").click();
  await page.getByRole("button", { name: "Use this business" }).click();

  await expect(page.getByText("Connected to Orchard Supplies. New orders become invoices")).toBeVisible();
  await expect.poll(() => toasts(page)).toContain("Connected to Orchard Supplies");
});

test("disconnects: FreshBooks' token is revoked and the page offers to connect again", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await connectThroughFreshBooks(page, "Connect FreshBooks");
  await confirmConnection(page);

  // Asked first; Cancel changes nothing.
  await page.getByRole("button", { name: "Disconnect" }).click();
  const dialog = page.getByRole("dialog", { name: "Disconnect FreshBooks?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  expect((await sql("select status from freshbooks_connection"))[0]?.status).toBe("connected");

  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("dialog", { name: "Disconnect FreshBooks?" }).getByRole("button", { name: "Disconnect" }).click();

  await expect(page.getByRole("button", { name: "Connect FreshBooks" })).toBeVisible();
  await expect.poll(() => toasts(page)).toContain("FreshBooks disconnected");
  // Saving settings afterwards shows its own toast, not the disconnect one again.
  await page.getByLabel("Invoice number prefix").fill("AFTER-");
  await page.getByRole("region", { name: "Unsaved changes" }).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => toasts(page)).toContain("Settings saved. They apply to orders synced from now on.");
  expect((await toasts(page)).filter((toast) => toast === "FreshBooks disconnected")).toHaveLength(1);
  const state = (await sandbox("state")) as {
    requests: { method: string; path: string }[];
    revocations: { kind: string; wasLive: boolean; status: number }[];
    liveRefreshTokens: number;
  };
  expect(state.requests.filter((r) => r.method === "POST" && r.path === "/auth/oauth/revoke")).toHaveLength(1);
  // The token revoked was the live one: FreshBooks keeps no working grant for this app.
  expect(state.revocations).toMatchObject([{ kind: "refresh", wasLive: true, status: 200 }]);
  expect(state.liveRefreshTokens).toBe(0);
});

/** Connected earlier, in another browser session (see connectThroughFreshBooks on why not this page's). */
async function connectedEarlier(page: Page, browser: Browser): Promise<void> {
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const earlier = await browser.newContext({ userAgent });
  const setup = await earlier.newPage();
  await routeShopify(setup);
  await setup.goto(embeddedUrl("/app/settings"));
  await connectThroughFreshBooks(setup, "Connect FreshBooks");
  await confirmConnection(setup);
  await earlier.close();
}

test("a broken connection shows a Reconnect banner on the sync log, and reconnecting fixes it", async ({
  page,
  browser,
  context,
  openApp,
}, testInfo) => {
  await connectedEarlier(page, browser);
  // The grant is revoked at FreshBooks; the next order's refresh is refused for real.
  await sandbox("revoke-tokens", {});
  const order = usOrder(Date.now() % 1_000_000);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("needs_reconnect");
  expect((await sql("select status, status_reason from freshbooks_connection"))[0]).toMatchObject({
    status: "needs_reconnect",
    status_reason: expect.stringMatching(/FreshBooks refused to renew access/),
  });

  await openApp("/app");
  await expect(page.getByText("FreshBooks: Reconnect needed")).toBeVisible();
  await expect(page.getByText("No order is lost")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("sync-log-reconnect-banner.png"), fullPage: true });

  const toFreshBooks = page.waitForRequest((request) => request.url().startsWith(`${E2E_SANDBOX_URL}/oauth/authorize?`));
  await page.getByRole("button", { name: "Reconnect", exact: true }).click();
  expect(new URL((await toFreshBooks).url()).searchParams.get("state")).toBeTruthy();
  await expect.poll(async () => (await sql("select status from freshbooks_connection"))[0]?.status).toBe("connected");

  // Back in the admin (a fresh page: this one ends on the unreachable admin, see above).
  const again = await context.newPage();
  await routeShopify(again);
  await again.goto(embeddedUrl("/app"));
  await expect(again.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();
  await expect(again.getByText("FreshBooks: Reconnect needed")).toHaveCount(0);
  expect(await syncedStatus(order.id)).toBe("synced");
});

test("a new install whose connection needs reconnecting: the empty log says Reconnect, not Connect", async ({ page, browser, openApp }) => {
  await sql("truncate order_sync, sync_attempt, webhook_delivery, client_mapping restart identity cascade");
  await connectedEarlier(page, browser);
  // How it got there is the test above's (a refused refresh); here only what the page says.
  await sql("update freshbooks_connection set status = 'needs_reconnect', status_reason = 'FreshBooks refused to renew access'");

  await openApp("/app");
  await expect(page.getByText("No orders synced yet")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reconnect FreshBooks" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect FreshBooks", exact: true })).toHaveCount(0);
});
