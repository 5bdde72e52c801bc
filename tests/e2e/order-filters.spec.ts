import { usOrder } from "../helpers/orders";
import { TEST_SHOP } from "../helpers/shopify";
import { E2E_SHOPIFY_API_URL } from "./e2e-env";
import { connectFreshBooks, deliverOrder, expect, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";

/**
 * Settings → "Which orders become invoices" and "On the Shopify order" in a real browser: a
 * filter change offers the skipped orders it now lets through, and write-back asks Shopify for
 * write_orders (the App Bridge stand-in answers as the merchant would, at the Admin sandbox).
 */
async function shopifySandbox(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${E2E_SHOPIFY_API_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Shopify sandbox ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The order's tags as the Shopify Admin API answers them. */
async function shopifyTags(orderId: number): Promise<string[]> {
  const response = await fetch(`${E2E_SHOPIFY_API_URL}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "any", "X-Forwarded-Host": TEST_SHOP },
    body: JSON.stringify({ query: `{ order(id: "gid://shopify/Order/${orderId}") { tags } }` }),
  });
  const body = (await response.json()) as { data?: { order: { tags: string[] } | null } };
  return body.data?.order?.tags ?? [];
}

async function reset(): Promise<void> {
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings, order_filter_settings restart identity cascade",
  );
  await sql(`update "Session" set scope = 'read_orders' where shop = $1`, [TEST_SHOP]);
  await shopifySandbox("/__sandbox/scopes", { shop: TEST_SHOP, revoke: ["write_orders"] });
  await shopifySandbox("/__sandbox/orders", { shop: TEST_SHOP, clear: true, orders: [] });
}

test.beforeEach(async () => {
  test.slow();
  await reset();
});
// Write-back off again for the specs after this one (they share the shop).
test.afterAll(reset);

test("a filter change offers the skipped orders it now includes, and syncs them on request", async ({ page, openApp }, testInfo) => {
  await connectFreshBooks();
  await sql(`insert into order_filter_settings (shop, exclude_tags) values ($1, '{wholesale}')`, [TEST_SHOP]);
  const wholesale = usOrder(8301, { tags: "wholesale, vip" } as never);
  expect(await deliverOrder(wholesale)).toBe(200);
  expect(await syncedStatus(wholesale.id)).toBe("skipped");

  await openApp("/app/settings");
  const never = page.getByLabel("Never orders tagged");
  await expect(never).toHaveValue("wholesale");
  // Both lists naming one tag is refused, in words, and nothing is saved.
  await page.getByLabel("Only orders tagged").fill("Wholesale");
  await page.getByRole("button", { name: "Save filters" }).click();
  await expect(page.getByText('"Wholesale" is in both lists', { exact: false })).toBeVisible();
  await page.getByLabel("Only orders tagged").fill("");

  await never.fill("");
  await page.getByRole("button", { name: "Save filters" }).click();
  await expect.poll(() => toasts(page)).toContain("Filters saved. They apply to orders synced from now on.");
  await expect(page.getByText("1 skipped order is included now")).toBeVisible();
  // The offer's own way to the import, beside the one in the app's navigation.
  await expect(page.getByRole("link", { name: "Import past orders" })).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("filters-offer.png"), fullPage: true });
  await page.getByRole("button", { name: "Sync this order" }).click();
  await expect.poll(() => toasts(page)).toContain("1 order queued");
  expect(await syncedStatus(wholesale.id)).toBe("synced");
  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: { invoice_number: string }[] }> };
  expect(Object.values(state.accounts).flatMap((account) => account.invoices.map((invoice) => invoice.invoice_number))).toEqual([
    "SHOP-8301",
  ]);

  // Saved: a reload shows the filters as saved.
  await openApp("/app/settings");
  await expect(page.getByLabel("Never orders tagged")).toHaveValue("");
});

test("write-back asks Shopify for write_orders when turned on, offers the orders synced before, and writes the number onto the next order", async ({
  page,
  openApp,
}, testInfo) => {
  await connectFreshBooks();
  // Placed today (the app reads the last 60 days of orders); the first one is synced before write-back is on.
  const at = new Date().toISOString();
  const earlier = usOrder(8310, { number: 7310, created_at: at, processed_at: at, updated_at: at } as never);
  const order = usOrder(8311, { number: 7311, created_at: at, processed_at: at, updated_at: at } as never);
  await shopifySandbox("/__sandbox/orders", { shop: TEST_SHOP, orders: [earlier, order] });
  expect(await deliverOrder(earlier)).toBe(200);
  expect(await syncedStatus(earlier.id)).toBe("synced");

  await openApp("/app/settings");
  const writeBack = page.getByLabel("Write the FreshBooks invoice number onto the Shopify order");
  await expect(writeBack).not.toBeChecked();
  await expect(page.getByText("Shopify asks you for it when you turn this on", { exact: false })).toBeVisible();

  // The merchant declines the permission: nothing changes.
  await page.evaluate(() => ((window as unknown as { __appBridgeScopeAnswer?: string }).__appBridgeScopeAnswer = "declined-all"));
  await writeBack.click({ force: true });
  await expect.poll(() => toasts(page)).toContain("Permission to edit orders was not given: write-back stays off.");
  await expect(writeBack).not.toBeChecked();

  // Approves it: Shopify has granted it, the app checked, write-back is on.
  await page.evaluate(() => delete (window as unknown as { __appBridgeScopeAnswer?: string }).__appBridgeScopeAnswer);
  await writeBack.click({ force: true });
  await expect
    .poll(() => toasts(page))
    .toContain("Write-back on: orders synced from now on get their FreshBooks invoice number in Shopify.");
  await expect(writeBack).toBeChecked();
  await expect(page.getByText("Shopify has given the app permission to edit orders (write_orders).")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("write-back-on.png"), fullPage: true });

  // The order synced before: offered, and written on request.
  await expect(page.getByText("1 order synced earlier without the invoice number in Shopify")).toBeVisible();
  await page.getByRole("button", { name: "Write it onto this order" }).click();
  await expect.poll(() => toasts(page)).toContain("Writing the invoice number onto 1 order");
  await expect.poll(() => shopifyTags(earlier.id), { timeout: 60_000 }).toContain("FreshBooks SHOP-8310");

  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("synced");
  await expect.poll(() => shopifyTags(order.id), { timeout: 60_000 }).toContain("FreshBooks SHOP-8311");

  // Off again: saved, and said.
  await writeBack.click({ force: true });
  await expect.poll(() => toasts(page)).toContain("Write-back off: invoice numbers are no longer written onto Shopify orders.");
  await expect(writeBack).not.toBeChecked();
});
