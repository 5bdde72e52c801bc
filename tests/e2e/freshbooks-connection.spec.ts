import type { Browser, Page } from "@playwright/test";
import { usOrder } from "../helpers/orders";
import { connectThroughFreshBooks, deliverOrder, expect, routeShopify, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";
import { embeddedUrl } from "../helpers/shopify";
import { E2E_SANDBOX_URL } from "./e2e-env";

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql("delete from freshbooks_connection");
});

test("connects FreshBooks from the settings page and comes back connected", async ({ page, openApp }, testInfo) => {
  await openApp("/app/settings");
  await expect(page.getByText("Not connected")).toBeVisible();

  // Out of the iframe to FreshBooks (the sandbox approves), then back through the admin.
  await connectThroughFreshBooks(page, "Connect FreshBooks");
  await expect(page.getByText("Connected to Demo Business")).toBeVisible();
  await expect(page.getByText("Connected", { exact: true })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("settings-connected.png"), fullPage: true });
});

test("asks which business to use when the FreshBooks login has several", async ({ page, openApp }, testInfo) => {
  await sandbox("config", { businesses: [{ name: "Fruity Loops" }, { name: "Orchard Supplies" }] });
  await openApp("/app/settings");
  await connectThroughFreshBooks(page, "Connect FreshBooks");

  await expect(page.getByText("Which one should receive your Shopify invoices?")).toBeVisible();
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
  await expect(page.getByText("Connected to Demo Business")).toBeVisible();

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
  await expect(setup.getByText("Connected to Demo Business")).toBeVisible();
  await earlier.close();
}

test("a broken connection shows a Reconnect banner on the sync log, and reconnecting fixes it", async ({ page, browser, context, openApp }, testInfo) => {
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
