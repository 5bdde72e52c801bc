import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, sql, test } from "./fixtures";

/**
 * The admin on a phone (390 px) and on a desktop (1280 px): the sync log as a condensed list on the
 * phone (order, total, customer, status stacked), nothing wider than the screen on any page, tabs
 * that scroll, a search placeholder that fits, the title inset like the cards. The screenshots are
 * kept in docs/screenshots/ (looked at when the layout changes).
 */
const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

test.beforeEach(async () => {
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade",
  );
  await sql(
    `insert into order_sync (shop, order_id, order_name, order_number, customer_name, customer_email, total_price, currency, status, status_reason, status_cause, status_detail, payload, created_at, updated_at)
     select 'freshbooks-sync-test.myshopify.com', (800000 + n)::text, '#' || (1000 + n), 1000 + n, (array['Ada Lovelace-Byron','Grace Hopper','Maximilian Featherstonehaugh-Worthington'])[1 + n % 3] || ' ' || n, 'c' || n || '@example.com',
       (n * 7 + 12.5)::numeric(12,2)::text, 'USD',
       (array['synced','synced_with_difference','failed','needs_reconnect','queued','skipped'])[1 + n % 6],
       case when n % 6 = 2 then 'FreshBooks refused the invoice: Invalid value' end,
       case when n % 6 = 2 then 'invoice_refused' end,
       case when n % 6 = 2 then 'Invalid value' end,
       '{}'::jsonb, now() - make_interval(mins => (40 - n)), now()
     from generate_series(1, 40) as n`,
  );
});

/** How far the page reaches past the viewport's right edge (0 = no sideways scrolling). */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("on a phone the sync log is a condensed list that fits the screen", async ({ page, openApp }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp("/app");
  const item = page.locator("li").filter({ has: page.getByRole("link", { name: "#1038", exact: true }) });
  await expect(item).toBeVisible();

  // One stacked item per order, no table: order, total, customer, status and reason, Retry.
  await expect(page.locator("table")).toHaveCount(0);
  await expect(item.getByText("$278.50")).toBeVisible();
  await expect(item.getByText("Maximilian Featherstonehaugh-Worthington 38")).toBeVisible();
  await expect(item.locator(".Polaris-Badge").first()).toHaveText(/Failed$/);
  await expect(item.getByRole("button", { name: "Retry #1038" })).toBeVisible();
  for (const part of [
    item.getByText("$278.50"),
    item.locator(".Polaris-Badge").first(),
    item.getByRole("button", { name: "Retry #1038" }),
  ]) {
    const box = (await part.boundingBox())!;
    expect(box.x + box.width, "inside the screen").toBeLessThanOrEqual(390);
  }
  expect(await overflow(page)).toBe(0);

  // The search's placeholder is not cut off.
  const search = page.getByRole("textbox", { name: "Search by order number, customer name or email" });
  const fits = await search.evaluate((input: HTMLInputElement) => {
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = getComputedStyle(input).font;
    const style = getComputedStyle(input);
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width <= room;
  });
  expect(fits).toBe(true);

  // The tabs scroll sideways inside their strip; the last one can be reached and chosen.
  const skipped = page.getByRole("tab", { name: /^Skipped/ });
  await skipped.scrollIntoViewIfNeeded();
  await skipped.click();
  await expect(page.getByRole("tab", { name: /^Skipped/, selected: true })).toBeVisible();
  await expect(page.locator("li").filter({ has: page.getByRole("link", { name: "#1035", exact: true }) })).toBeVisible();
  expect(await overflow(page)).toBe(0);
  await page.getByRole("tab", { name: /^All/ }).click();
  await expect(item).toBeVisible();

  // The title has the cards' inset, not the screen's edge.
  const title = (await page.getByRole("heading", { name: "Sync log", level: 1 }).boundingBox())!;
  expect(title.x).toBeGreaterThanOrEqual(12);

  // Tapping an order opens it.
  await item.getByRole("link", { name: "#1038", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Order #1038", level: 1 })).toBeVisible();
  expect(await overflow(page)).toBe(0);
});

for (const [width, height] of [
  [390, 844],
  [1280, 900],
] as const) {
  test(`the pages fit a ${width} px screen; screenshots in docs/screenshots`, async ({ page, openApp }) => {
    await page.setViewportSize({ width, height });
    await openApp("/app");
    await expect(page.getByRole("link", { name: "#1040", exact: true })).toBeVisible();
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `sync-log-${width}.png`), fullPage: true });

    const [order] = await sql<{ id: string }>("select id::text from order_sync where order_number = 1038");
    await openApp(`/app/orders/${order!.id}`);
    await expect(page.getByRole("heading", { name: "Order #1038", level: 1 })).toBeVisible();
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `order-failed-${width}.png`), fullPage: true });

    await openApp("/app/settings");
    await expect(page.getByLabel("Invoice number prefix")).toBeVisible();
    expect(await overflow(page)).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `settings-${width}.png`), fullPage: true });
  });
}
