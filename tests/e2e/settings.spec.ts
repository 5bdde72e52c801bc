import { usOrder } from "../helpers/orders";
import { connectFreshBooks, deliverOrder, expect, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql("truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade");
});

test("invoice settings are saved, survive a reload, and shape the next synced invoice", async ({ page, openApp }, testInfo) => {
  await connectFreshBooks();
  await openApp("/app/settings");

  await page.getByLabel("Invoice number prefix").fill("ACME-");
  await expect(page.getByText("Invoices are numbered ACME-1001, ACME-1002")).toBeVisible();
  await page.getByLabel("Payment terms").selectOption("15");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => toasts(page)).toContain("Settings saved. They apply to orders synced from now on.");
  await page.screenshot({ path: testInfo.outputPath("settings.png"), fullPage: true });

  await openApp("/app/settings");
  await expect(page.getByLabel("Invoice number prefix")).toHaveValue("ACME-");
  await expect(page.getByLabel("Payment terms")).toHaveValue("15");

  const order = usOrder(7001);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("synced");
  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: { invoice_number: string; due_offset_days: number }[] }> };
  const [invoice] = Object.values(state.accounts).flatMap((account) => account.invoices);
  expect(invoice).toMatchObject({ invoice_number: "ACME-7001", due_offset_days: 15 });
});

test("an invalid prefix is refused with a message on the field, and nothing is saved", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await page.getByLabel("Invoice number prefix").fill("MY SHOP");
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page.getByText("Use letters, digits and - _ . / only (no spaces).")).toBeVisible();
  expect(await sql("select * from shop_settings")).toEqual([]);
});

test("custom payment terms must be 0 to 365 days", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await page.getByLabel("Payment terms").selectOption("custom");
  await page.getByLabel("Days until due").fill("400");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a whole number of days from 0 to 365.")).toBeVisible();

  await page.getByLabel("Days until due").fill("45");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(async () => (await sql<{ due_offset_days: number }>("select due_offset_days from shop_settings"))[0]?.due_offset_days).toBe(45);
});
