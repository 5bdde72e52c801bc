import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { usOrder } from "../helpers/orders";
import { TEST_SHOP } from "../helpers/shopify";
import { connectFreshBooks, deliverOrder, deliverWebhook, expect, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings, compliance_request restart identity cascade",
  );
});

const saveBar = (page: Page) => page.getByRole("region", { name: "Unsaved changes" });
const formSave = (page: Page) => page.getByRole("button", { name: "Save invoice settings" });

test("invoice settings are saved from the save bar, survive a reload, and shape the next synced invoice", async ({
  page,
  openApp,
}, testInfo) => {
  await connectFreshBooks();
  await openApp("/app/settings");
  // Nothing changed: no save bar, and Save is disabled.
  await expect(saveBar(page)).toHaveCount(0);
  await expect(formSave(page)).toBeDisabled();

  await page.getByLabel("Invoice number prefix").fill("ACME-");
  await expect(page.getByText("Invoices are numbered ACME-1001, ACME-1002")).toBeVisible();
  await page.getByLabel("Payment terms").selectOption("15");
  await expect(saveBar(page)).toBeVisible();
  await expect(formSave(page)).toBeEnabled();
  await saveBar(page).getByRole("button", { name: "Save" }).click();
  await expect.poll(() => toasts(page)).toContain("Settings saved. They apply to orders synced from now on.");
  await expect(saveBar(page)).toHaveCount(0);
  await expect(formSave(page)).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("settings.png"), fullPage: true });

  await openApp("/app/settings");
  await expect(page.getByLabel("Invoice number prefix")).toHaveValue("ACME-");
  await expect(page.getByLabel("Payment terms")).toHaveValue("15");

  const order = usOrder(7001);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("synced");
  const state = (await sandbox("state")) as {
    accounts: Record<string, { invoices: { invoice_number: string; due_offset_days: number }[] }>;
  };
  const [invoice] = Object.values(state.accounts).flatMap((account) => account.invoices);
  expect(invoice).toMatchObject({ invoice_number: "ACME-7001", due_offset_days: 15 });
});

test("an invalid prefix shows its error, never an example, and nothing is saved", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await page.getByLabel("Invoice number prefix").fill("MY SHOP");
  await expect(page.getByText("Use letters, digits and - _ . / only (no spaces).")).toBeVisible();
  await expect(page.getByText(/Invoices are numbered/)).toHaveCount(0);
  await saveBar(page).getByRole("button", { name: "Save" }).click();

  await expect(page.getByText("Use letters, digits and - _ . / only (no spaces).")).toBeVisible();
  expect(await sql("select * from shop_settings")).toEqual([]);
});

test("Discard puts back what is saved and hides the save bar", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await page.getByLabel("Invoice number prefix").fill("OTHER-");
  await expect(saveBar(page)).toBeVisible();
  await saveBar(page).getByRole("button", { name: "Discard" }).click();
  await expect(page.getByLabel("Invoice number prefix")).toHaveValue("SHOP-");
  await expect(saveBar(page)).toHaveCount(0);
  await expect(formSave(page)).toBeDisabled();
  expect(await toasts(page)).toEqual([]);
});

test("custom payment terms must be 0 to 365 days", async ({ page, openApp }) => {
  await openApp("/app/settings");
  await page.getByLabel("Payment terms").selectOption("custom");
  await page.getByLabel("Days until due").fill("400");
  await saveBar(page).getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter a whole number of days from 0 to 365.")).toBeVisible();

  await page.getByLabel("Days until due").fill("45");
  await saveBar(page).getByRole("button", { name: "Save" }).click();
  await expect
    .poll(async () => (await sql<{ due_offset_days: number }>("select due_offset_days from shop_settings"))[0]?.due_offset_days)
    .toBe(45);
});

test("a customer's data request arrives from Shopify and the merchant downloads what the app stores about them", async ({
  page,
  openApp,
}) => {
  const order = usOrder(7101);
  expect(await deliverOrder(order)).toBe(200);
  const customer = order.customer as { id: number; email: string };
  const request = {
    shop_domain: TEST_SHOP,
    customer: { id: customer.id, email: customer.email },
    orders_requested: [order.id],
    data_request: { id: 77 },
  };
  expect(await deliverWebhook("customers/data_request", request)).toBe(200);

  await openApp("/app/settings");
  await expect(page.getByRole("heading", { name: "Customer data requests" })).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: `Download the data of ${customer.email}` }).click();
  const file = await downloading;

  expect(file.suggestedFilename()).toMatch(/^customer-data-request-\d+\.json$/);
  const content = JSON.parse(await readFile(await file.path(), "utf8")) as {
    customer: { email: string };
    orders: { orderName: string; customerEmail: string }[];
  };
  expect(content.customer.email).toBe(customer.email);
  expect(content.orders.map((o) => [o.orderName, o.customerEmail])).toEqual([["#7101", customer.email]]);
});
