import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, sql, test } from "./fixtures";

/**
 * Every page, at the admin's desktop width and at a phone's (390 px): one `main` landmark and
 * no serious or critical axe violation. (The screenshots in docs/screenshots/ are mobile.spec.ts'.)
 */

test.beforeEach(async () => {
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade",
  );
});

async function seed() {
  await sql(
    `insert into order_sync (shop, order_id, order_name, order_number, customer_name, customer_email, total_price, currency, status, status_reason, status_cause, status_detail, payload, created_at, updated_at)
     select 'freshbooks-sync-test.myshopify.com', (800000 + n)::text, '#' || n, n, 'Customer ' || n, 'c' || n || '@example.com', '12.50', 'USD',
       (array['synced','synced_with_difference','failed','needs_reconnect','queued','skipped'])[1 + n % 6],
       case when n % 6 = 2 then 'FreshBooks refused the invoice: Invalid value' end,
       case when n % 6 = 2 then 'invoice_refused' end,
       case when n % 6 = 2 then 'Invalid value' end,
       '{}'::jsonb, now() - make_interval(mins => (40 - n)), now()
     from generate_series(1, 40) as n`,
  );
  await sql(
    `insert into sync_attempt (order_sync_id, shop, started_at, finished_at, outcome, message)
     select id, shop, now() - interval '5 minutes', now() - interval '5 minutes', 'failed', 'FreshBooks refused the invoice: Invalid value' from order_sync where order_number = 38`,
  );
}

async function check(page: Page, name: string) {
  await expect(page.locator("main")).toHaveCount(1);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(
    serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`),
    name,
  ).toEqual([]);
}

for (const width of [1280, 390]) {
  test(`every page has a main landmark and no serious axe violation at ${width} px`, async ({ page, openApp }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: 900 });

    await openApp("/app");
    await expect(page.getByText("No orders synced yet")).toBeVisible();
    await check(page, "sync-log-empty");

    await seed();
    await openApp("/app");
    // A table at 1280 px, a condensed list at 390 px.
    await expect(page.getByRole("link", { name: "#40", exact: true })).toBeVisible();
    await check(page, "sync-log");

    const [order] = await sql<{ id: string }>("select id::text from order_sync where order_number = 38");
    await openApp(`/app/orders/${order!.id}`);
    await expect(page.getByRole("heading", { name: "Order #38", level: 1 })).toBeVisible();
    await check(page, "order-failed");

    await openApp("/app/settings");
    await expect(page.getByLabel("Invoice number prefix")).toBeVisible();
    await check(page, "settings");
  });
}
