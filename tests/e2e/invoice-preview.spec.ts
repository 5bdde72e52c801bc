import type { Page } from "@playwright/test";
import { usOrder } from "../helpers/orders";
import { deliverOrder, expect, sandbox, sql, test } from "./fixtures";

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings, compliance_request restart identity cascade",
  );
});

const preview = (page: Page) => page.getByRole("region", { name: "Preview your next invoice" });

test("the invoice preview follows the settings as typed, before saving, for a sample and then the latest order", async ({
  page,
  openApp,
}) => {
  await openApp("/app/settings");
  // No order yet: the sample, numbered with the saved prefix, tied out against Shopify.
  await expect(preview(page).getByText(/A sample order/)).toBeVisible();
  await expect(preview(page).getByText(/SHOP-1001/)).toBeVisible();
  await expect(preview(page).getByRole("row", { name: /Product A/ })).toContainText("NY State Tax 8.875%: $1.60");
  await expect(preview(page).getByRole("row", { name: /Total in FreshBooks/ })).toContainText("$49.10");
  await expect(preview(page).getByRole("row", { name: /Total in Shopify/ })).toContainText("$49.10");
  await expect(preview(page).getByRole("row", { name: /Difference/ })).toHaveCount(0);

  // Typed, not saved: the preview already uses the new prefix and the shared client.
  await page.getByLabel("Invoice number prefix").fill("ACME-");
  await expect(preview(page).getByText(/ACME-1001/)).toBeVisible();
  // (By keyboard: the admin's save bar, now shown, covers the radio where the page scrolled it.)
  await page.getByLabel("One shared client for all orders").focus();
  await page.keyboard.press("Space");
  await page.getByLabel("Shared client name").fill("Web shop");
  await expect(preview(page).getByText("Client: Web shop")).toBeVisible();
  expect(await sql("select * from shop_settings")).toEqual([]);

  // With an order in the store, the preview is that order's invoice.
  expect(await deliverOrder(usOrder(7001))).toBe(200);
  await openApp("/app/settings");
  await expect(preview(page).getByText(/Your most recent order, #7001/)).toBeVisible();
  await expect(preview(page).getByText(/SHOP-7001/)).toBeVisible();
  await expect(preview(page).getByText("Client: Jane Doe <jane.doe@example.com>")).toBeVisible();
  await expect(preview(page).getByRole("row", { name: /Subtotal/ })).toContainText("$45.50");
});
