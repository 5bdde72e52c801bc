import { usOrder } from "../helpers/orders";
import { TEST_SHOP } from "../helpers/shopify";
import { E2E_SHOPIFY_API_URL } from "./e2e-env";
import { connectFreshBooks, deliverOrder, expect, sandbox, sql, syncedStatus, test } from "./fixtures";

/** The e2e server's Shopify Admin API sandbox: the store's past orders (orders/create bodies). */
async function pastOrders(orders: unknown[]): Promise<void> {
  const response = await fetch(`${E2E_SHOPIFY_API_URL}/__sandbox/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop: TEST_SHOP, clear: true, orders }),
  });
  if (!response.ok) throw new Error(`Shopify sandbox: ${response.status} ${await response.text()}`);
}

function daysAgo(n: number, order: number) {
  const at = new Date(Date.now() - n * 86_400_000).toISOString();
  // Shopify's `number` is the order number less 1000 (what the GraphQL order is read from).
  return usOrder(order, { number: order - 1000, created_at: at, processed_at: at, updated_at: at } as never);
}

test.beforeEach(async () => {
  test.slow();
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings, order_import restart identity cascade",
  );
  await pastOrders([]);
});

test("imports past orders: the estimate first, then the progress to done, one invoice per order, none twice", async ({
  page,
  openApp,
}, testInfo) => {
  await connectFreshBooks();
  // Three orders placed before the install, and one of them also arrived by webhook meanwhile.
  const orders = [daysAgo(3, 8101), daysAgo(12, 8102), daysAgo(25, 8103)];
  await pastOrders(orders);
  expect(await deliverOrder(orders[0]!)).toBe(200);
  expect(await syncedStatus(orders[0]!.id)).toBe("synced");

  await openApp("/app/import");
  await expect(page.getByText("Shopify lets the app read the last 60 days of orders", { exact: false })).toBeVisible();
  await page.getByRole("button", { name: "Estimate" }).click();
  // The range said back as chosen (its last day included).
  const [from, to] = [await page.getByLabel("From").inputValue(), await page.getByLabel("To").inputValue()];
  await expect(page.getByText(`3 orders from ${from} to ${to}: about `, { exact: false })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("import-estimate.png"), fullPage: true });

  await page.getByRole("button", { name: "Import 3 orders" }).click();
  // The page follows the import to its end by itself.
  await expect(page.getByText(`Last import (${from} to ${to}): 3 orders found, 3 synced, 0 skipped, 0 failed.`)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("import-done.png"), fullPage: true });

  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: { invoice_number: string }[] }> };
  const numbers = Object.values(state.accounts)
    .flatMap((account) => account.invoices)
    .map((invoice) => invoice.invoice_number)
    .sort();
  expect(numbers).toEqual(["SHOP-8101", "SHOP-8102", "SHOP-8103"]);
  expect(await sql("select order_number, status from order_sync order by order_number")).toEqual([
    { order_number: 8101, status: "synced" },
    { order_number: 8102, status: "synced" },
    { order_number: 8103, status: "synced" },
  ]);
});

test("a store with no past orders in the range: the estimate says 0 and nothing can be started", async ({ page, openApp }) => {
  await connectFreshBooks();
  await openApp("/app/import");
  await page.getByRole("button", { name: "Estimate" }).click();
  await expect(page.getByText(/^0 orders from /)).toBeVisible();
  await expect(page.getByRole("button", { name: "Import 0 orders" })).toBeDisabled();
});
