import { usOrder } from "../helpers/orders";
import { embeddedUrl, seedOfflineSession } from "../helpers/shopify";
import { E2E_DATABASE_URL } from "./e2e-env";
import { connectFreshBooks, deliverOrder, expect, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";

const STATES = ["synced", "synced_with_difference", "failed", "needs_reconnect", "queued", "skipped"] as const;

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql("truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade");
  await sql("delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'sync-order')");
});

async function seedLog(count: number) {
  await sql(
    `insert into order_sync (shop, order_id, order_name, order_number, customer_name, customer_email, total_price, currency, status, status_reason, payload, created_at, updated_at)
     select 'freshbooks-sync-test.myshopify.com', (800000 + n)::text, '#' || n, n, 'Customer ' || n, 'c' || n || '@example.com', '12.50', 'USD',
       (array['synced','synced_with_difference','failed','needs_reconnect','queued','skipped'])[1 + n % 6],
       case when n % 6 = 2 then 'FreshBooks refused the invoice: Invalid value' end, '{}'::jsonb,
       now() - make_interval(mins => ($1 - n)), now()
     from generate_series(1, $1) as n`,
    [count],
  );
}

test("the sync log shows every state with its badge, and filters, search and pages narrow it", async ({ page, openApp }, testInfo) => {
  await seedLog(30);
  await openApp("/app");

  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toBeVisible();
  for (const label of ["Synced", "Synced with difference", "Failed", "Needs reconnect", "Queued", "Skipped"]) {
    await expect(page.locator("table").getByText(label, { exact: true }).first()).toBeVisible();
  }
  await expect(page.locator("tbody tr")).toHaveCount(25);
  await page.screenshot({ path: testInfo.outputPath("sync-log-states.png"), fullPage: true });

  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(5);
  await expect(page.locator("tbody").getByText("#1", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(25);

  await page.getByRole("tab", { name: /^Failed/ }).click();
  await expect(page.locator("tbody tr")).toHaveCount(10);
  await expect(page.locator("tbody").getByText("Synced", { exact: true })).toHaveCount(0);

  await page.getByRole("tab", { name: /^All/ }).click();
  await page.getByPlaceholder("Search by order").fill("#17");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody").getByText("#17", { exact: true })).toBeVisible();
  await page.getByPlaceholder("Search by order").fill("c20@example.com");
  await expect(page.locator("tbody").getByText("#20", { exact: true })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  expect(STATES).toHaveLength(6);
});

test("a failed order shows FreshBooks' reason; Retry syncs it without a reload, once", async ({ page, openApp }, testInfo) => {
  await connectFreshBooks();
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 422 } }] });
  const order = usOrder(4242);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("failed");

  await openApp("/app");
  const row = page.locator("tbody tr", { hasText: "#4242" });
  await expect(row.getByText("Failed", { exact: true })).toBeVisible();
  await row.getByRole("link", { name: "Details" }).click();
  await expect(page.getByText(/FreshBooks refused the invoice/).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("order-failed-detail.png"), fullPage: true });

  await page.getByRole("button", { name: "Retry" }).click();
  await expect.poll(() => toasts(page)).toContain("Order queued for retry");
  await expect(page.getByText("Synced", { exact: true }).first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: unknown[] }> };
  expect(Object.values(state.accounts).flatMap((a) => a.invoices)).toHaveLength(1);
});

test("bulk retry of several failed orders", async ({ page, openApp }) => {
  await connectFreshBooks();
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/invoices/invoices$", times: 3, fault: { kind: "status", status: 422 } }] });
  const orders = [5001, 5002, 5003].map((n) => usOrder(n));
  for (const order of orders) expect(await deliverOrder(order)).toBe(200);
  for (const order of orders) expect(await syncedStatus(order.id)).toBe("failed");

  await openApp("/app?status=failed");
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await page.getByRole("checkbox", { name: /Select all/ }).first().check();
  await page.getByRole("button", { name: "Retry 3 failed orders" }).click();

  await expect.poll(() => toasts(page)).toContain("3 orders queued for retry");
  for (const order of orders) expect(await syncedStatus(order.id)).toBe("synced");
});

test("another shop's order cannot be viewed", async ({ page, openApp }) => {
  await seedOfflineSession(E2E_DATABASE_URL, "other-shop.myshopify.com");
  await sql(
    `insert into order_sync (shop, order_id, order_name, total_price, currency, status, payload, updated_at)
     values ('other-shop.myshopify.com', '777', '#777', '1.00', 'USD', 'failed', '{}', now())`,
  );
  const [other] = await sql<{ id: string }>("select id::text from order_sync where order_id = '777'");
  await openApp(`/app/orders/${other!.id}`);
  await expect(page.getByRole("heading", { name: "Order not found" })).toBeVisible();
  await expect(page.getByText("#777")).toHaveCount(0);
  expect(embeddedUrl("/app")).toContain("embedded=1");
});
