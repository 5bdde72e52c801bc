import type { Page } from "@playwright/test";
import { usOrder } from "../helpers/orders";
import { seedOfflineSession, TEST_SHOP } from "../helpers/shopify";
import { E2E_DATABASE_URL } from "./e2e-env";
import { connectFreshBooks, deliverOrder, expect, sandbox, sql, syncedStatus, test, toasts } from "./fixtures";

test.beforeEach(async () => {
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings restart identity cascade",
  );
  await sql(
    "delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'sync-order')",
  );
});

/** Order #n has state STATES[n % 6]; #30 is the newest. */
const STATES = ["synced", "synced_with_difference", "failed", "needs_reconnect", "queued", "skipped"] as const;

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

const row = (page: Page, name: string) => page.locator("tbody tr").filter({ has: page.getByText(name, { exact: true }) });
// The row's sync status badge (the first; a synced order may show its accounting state, e.g. "Paid", beside it).
const badge = (page: Page, name: string) => row(page, name).locator(".Polaris-Badge").first();

/** Counts the sync log's data requests (polls) from now on. */
function countPolls(page: Page) {
  const polls = { count: 0 };
  page.on("request", (request) => {
    if (request.url().includes("_data=routes%2Fapp._index")) polls.count += 1;
  });
  return polls;
}

test("the sync log shows every state with its badge and tone, and filters, search and pages narrow it", async ({
  page,
  openApp,
}, testInfo) => {
  await seedLog(30);
  await openApp("/app");

  await expect(page.getByRole("heading", { name: "Sync log", level: 1 })).toHaveCount(1);
  const expected = {
    synced: ["Synced", "toneSuccess"],
    synced_with_difference: ["Synced with difference", "toneWarning"],
    failed: ["Failed", "toneCritical"],
    needs_reconnect: ["Reconnect needed", "toneCritical"],
    queued: ["Queued", "toneInfo"],
    skipped: ["Skipped", null],
  } as const;
  for (const n of [30, 25, 26, 27, 28, 29]) {
    const [label, tone] = expected[STATES[n % 6]!];
    await expect(badge(page, `#${n}`)).toContainText(label);
    if (tone) await expect(badge(page, `#${n}`)).toHaveClass(new RegExp(`Polaris-Badge--${tone}`));
    else await expect(badge(page, `#${n}`)).not.toHaveClass(/Polaris-Badge--tone/);
  }
  await expect(row(page, "#30").getByText("$12.50")).toBeVisible();
  // Retry where it can help; an order waiting for a Reconnect offers none.
  await expect(row(page, "#26").getByRole("button", { name: "Retry #26" })).toBeVisible();
  await expect(row(page, "#27").getByRole("button", { name: /Retry/ })).toHaveCount(0);
  await expect(page.locator("tbody tr")).toHaveCount(25);
  await page.screenshot({ path: testInfo.outputPath("sync-log-states.png"), fullPage: true });

  await expect(page.getByText("1–25 of 30")).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(5);
  await expect(page.getByText("26–30 of 30")).toBeVisible();
  await expect(page.locator("tbody").getByText("#1", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(25);

  await page.getByRole("tab", { name: /^Failed/ }).click();
  await expect(page.locator("tbody tr")).toHaveCount(10);
  await expect(page.locator("tbody").getByText("Synced", { exact: true })).toHaveCount(0);

  await page.getByRole("tab", { name: /^All/ }).click();
  await page.getByRole("textbox", { name: "Search by order number, customer name or email" }).fill("#17");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody").getByText("#17", { exact: true })).toBeVisible();
  await page.getByRole("textbox", { name: "Search by order number, customer name or email" }).fill("c20@example.com");
  await expect(page.locator("tbody").getByText("#20", { exact: true })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  // By the name the Customer column shows.
  await page.getByRole("textbox", { name: "Search by order number, customer name or email" }).fill("customer 21");
  await expect(page.locator("tbody").getByText("#21", { exact: true })).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(1);
});

test("a custom date range narrows the log and its summary", async ({ page, openApp }) => {
  await seedLog(6);
  await sql("update order_sync set created_at = '2026-10-03T12:00:00Z' where order_number in (1, 2)");
  await openApp("/app");
  await expect(page.locator("tbody tr")).toHaveCount(4);

  await page.getByLabel("Period").selectOption("custom");
  await page.getByLabel("From").fill("2026-10-01");
  await page.getByLabel("To", { exact: true }).fill("2026-10-05");

  await expect(page.locator("tbody tr")).toHaveCount(2);
  await expect(page.getByRole("tab", { name: /^All \(2\)/ })).toBeVisible();
  await expect(page).toHaveURL(/period=custom&from=2026-10-01&to=2026-10-05|from=2026-10-01.*to=2026-10-05/);
});

test("the selection goes with the rows it was made on; the button says what Retry will do", async ({ page, openApp }) => {
  await seedLog(30);
  await openApp("/app");
  for (const n of [26, 27, 30]) await row(page, `#${n}`).getByRole("checkbox").check();

  await expect(page.getByText("3 selected")).toBeVisible();
  // #27 waits for a Reconnect: Retry would not help it.
  await expect(page.getByRole("button", { name: "Retry 1 of 3 orders" })).toBeVisible();

  await page.getByRole("tab", { name: /^Failed/ }).click();
  await expect(page.locator("tbody tr")).toHaveCount(10);
  await expect(page.getByText("3 selected")).toBeHidden();
  await expect(page.locator("tbody").getByRole("checkbox", { checked: true })).toHaveCount(0);
});

test("a failed order shows FreshBooks' reason; its row's Retry syncs it in place, without a reload, once", async ({
  page,
  openApp,
}, testInfo) => {
  await connectFreshBooks();
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 422 } }] });
  const order = usOrder(4242);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("failed");

  await openApp("/app");
  await expect(badge(page, "#4242")).toHaveText(/Failed$/);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  // Slow enough to see the row queued before it is synced.
  await sandbox("faults", { latency: { ms: 1500, path: "/invoices/invoices$" } });

  await row(page, "#4242").getByRole("button", { name: "Retry #4242" }).click();

  await expect.poll(() => toasts(page)).toContain("1 order queued for retry");
  await expect(badge(page, "#4242")).toHaveText(/(Queued|Syncing)$/);
  await expect(badge(page, "#4242")).toHaveText(/Synced$/, { timeout: 60_000 });
  await expect(row(page, "#4242").getByRole("button", { name: "Retry #4242" })).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: unknown[] }> };
  expect(Object.values(state.accounts).flatMap((a) => a.invoices)).toHaveLength(1);
  await page.screenshot({ path: testInfo.outputPath("sync-log.png"), fullPage: true });
});

test("the failed order's page: the reason, Retry as the page's primary action, then synced", async ({ page, openApp }, testInfo) => {
  await connectFreshBooks();
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/invoices/invoices$", fault: { kind: "status", status: 422 } }] });
  const order = usOrder(4343);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("failed");

  await openApp("/app");
  await row(page, "#4343").getByRole("link", { name: "#4343" }).click();
  await expect(page.getByRole("heading", { name: "Order #4343", level: 1 })).toHaveCount(1);
  // Our sentence first; FreshBooks' own text only under Details.
  const banner = page.locator(".Polaris-Banner").filter({ hasText: "FreshBooks did not accept the invoice." });
  await expect(banner).toBeVisible();
  await expect(banner.getByText("Details says what FreshBooks objected to")).toBeVisible();
  const detail = banner.locator("details > p");
  await expect(detail).toBeHidden();
  await banner.getByText("Details", { exact: true }).click();
  await expect(detail).toBeVisible();
  await expect(detail).not.toHaveText("");
  await expect(page.locator(".Polaris-Badge", { hasText: /Failed$/ }).first()).toHaveClass(/Polaris-Badge--toneCritical/);
  await page.screenshot({ path: testInfo.outputPath("order-failed-detail.png"), fullPage: true });

  await page.locator("ui-title-bar").getByRole("button", { name: "Retry" }).click();
  await expect.poll(() => toasts(page)).toContain("Order queued for retry");
  await expect(page.locator(".Polaris-Badge", { hasText: /Synced$/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  // The invoice as FreshBooks has it: lines with their taxes, subtotal, each tax, both totals, the payment.
  await expect(page.getByRole("heading", { name: "Invoice in FreshBooks" })).toBeVisible();
  await expect(page.getByText(/Due on receipt/)).toBeVisible();
  const invoice = page.getByRole("table", { name: "Invoice lines" });
  await expect(invoice.getByRole("row", { name: /Subtotal/ })).toBeVisible();
  await expect(invoice.getByRole("row", { name: /NY State Tax \(8\.875%\)/ })).toBeVisible();
  await expect(invoice.getByRole("row", { name: /Total in FreshBooks/ })).toContainText("$49.10");
  await expect(invoice.getByRole("row", { name: /Total in Shopify/ })).toContainText("$49.10");
  await expect(invoice.getByRole("row", { name: /Difference/ })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Payments recorded" })).toBeVisible();
  await expect(page.getByText("None recorded by this app.")).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("order-synced-detail.png"), fullPage: true });
});

test("bulk retry of several failed orders: each row updates, and FreshBooks has exactly one invoice each", async ({ page, openApp }) => {
  await connectFreshBooks();
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/invoices/invoices$", times: 3, fault: { kind: "status", status: 422 } }] });
  const orders = [5001, 5002, 5003].map((n) => usOrder(n));
  for (const order of orders) expect(await deliverOrder(order)).toBe(200);
  for (const order of orders) expect(await syncedStatus(order.id)).toBe("failed");

  await openApp("/app");
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await page
    .getByRole("checkbox", { name: /Select all/ })
    .first()
    .check();
  await page.getByRole("button", { name: "Retry 3 orders" }).click();

  await expect.poll(() => toasts(page)).toContain("3 orders queued for retry");
  for (const order of orders) await expect(badge(page, order.name)).toHaveText(/Synced$/, { timeout: 60_000 });
  const state = (await sandbox("state")) as { accounts: Record<string, { invoices: { invoice_number: string }[] }> };
  expect(
    Object.values(state.accounts)
      .flatMap((a) => a.invoices.map((invoice) => invoice.invoice_number))
      .sort(),
  ).toEqual(["SHOP-5001", "SHOP-5002", "SHOP-5003"]);
});

test("polls only while something will change soon, and not while the tab is hidden", async ({ page, openApp }) => {
  // Waiting out a retry scheduled in two hours: nothing changes soon.
  await seedLog(1);
  await sql("update order_sync set status = 'queued', next_attempt_at = now() + interval '2 hours'");
  const polls = countPolls(page);
  await openApp("/app");
  await expect(badge(page, "#1")).toHaveText(/Queued$/);
  await page.waitForTimeout(5000); // a window in which a 2 s poll would have fired twice
  expect(polls.count).toBe(0);

  // Due now: polled, but not while hidden.
  await sql("update order_sync set next_attempt_at = null");
  await openApp("/app");
  await expect.poll(() => polls.count, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  const hiddenAt = polls.count;
  await page.waitForTimeout(5000);
  expect(polls.count).toBe(hiddenAt);
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expect.poll(() => polls.count).toBeGreaterThan(hiddenAt);
});

test("another shop's order cannot be viewed; a server error is not called 'not found'", async ({ page, openApp }) => {
  await seedOfflineSession(E2E_DATABASE_URL, "other-shop.myshopify.com");
  await sql(
    `insert into order_sync (shop, order_id, order_name, total_price, currency, status, payload, updated_at)
     values ('other-shop.myshopify.com', '777', '#777', '1.00', 'USD', 'failed', '{}', now())`,
  );
  const [other] = await sql<{ id: string }>("select id::text from order_sync where order_id = '777'");
  await openApp(`/app/orders/${other!.id}`);
  await expect(page.getByRole("heading", { name: "Order not found", level: 1 })).toBeVisible();
  await expect(page.getByText("#777")).toHaveCount(0);

  await openApp("/app/orders/99999999999999999999");
  await expect(page.getByRole("heading", { name: "Order not found", level: 1 })).toBeVisible();

  // A stored invoice the page cannot read exactly (a line without a price) is said so, not a crash.
  await sql(
    `insert into order_sync (shop, order_id, order_name, total_price, currency, status, payload, mapped_invoice, updated_at)
     values ($1, '778', '#778', '1.00', 'USD', 'synced', '{}', '{"lines": [{"name": "Broken"}]}', now())`,
    [TEST_SHOP],
  );
  const [broken] = await sql<{ id: string }>("select id::text from order_sync where order_id = '778'");
  await openApp(`/app/orders/${broken!.id}`);
  await expect(page.getByText("This invoice's amounts cannot be shown exactly.")).toBeVisible();

  // A server error (the attempts cannot be read): our failure, said as such, never "not found".
  await sql("alter table sync_attempt rename to sync_attempt_away");
  try {
    await openApp(`/app/orders/${broken!.id}`);
    await expect(page.getByRole("heading", { name: "This order could not be shown", level: 1 })).toBeVisible();
    await expect(page.getByText("Order not found")).toHaveCount(0);
  } finally {
    await sql("alter table sync_attempt_away rename to sync_attempt");
  }
});

test("failures on any page are grouped by cause above the log, each with its fix and its Retry; the row says why in short", async ({
  page,
  openApp,
}, testInfo) => {
  test.setTimeout(120_000);
  await seedLog(60);
  // Three old orders (page 3) hit the plan's client limit; one waits for a Reconnect.
  await sql(
    `update order_sync set status = 'failed', status_cause = 'client_limit', status_detail = 'You do not have access to perform the action requested.' where order_number in (1, 2, 3)`,
  );
  await sql(`update order_sync set status = 'synced', status_reason = null where status = 'failed' and status_cause is null`);
  await sql(`update order_sync set status = 'synced' where status = 'needs_reconnect' and order_number <> 57`);
  await sql(`update order_sync set status_cause = 'reconnect' where order_number = 57`);
  await openApp("/app");

  const banner = page.locator(".Polaris-Banner").filter({ hasText: "4 orders did not sync" });
  await expect(banner).toBeVisible();
  await expect(banner.getByText("3 orders: Your FreshBooks plan's limit on clients is reached.")).toBeVisible();
  await expect(banner.getByText(/One shared client for all orders/)).toBeVisible();
  await expect(banner.getByRole("link", { name: "Open Settings" })).toBeVisible();
  await expect(banner.getByText("1 order: FreshBooks no longer accepts this app's access.")).toBeVisible();
  await expect(banner.getByRole("button", { name: "Reconnect FreshBooks" })).toBeVisible();
  // FreshBooks' wording is not the headline anywhere.
  await expect(page.getByText("You do not have access to perform the action requested.")).toHaveCount(0);
  // The row of the order waiting for Reconnect says why, in short.
  await expect(row(page, "#57").getByText("FreshBooks no longer accepts this app's access.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("sync-log-failures.png"), fullPage: true });

  await banner.getByRole("button", { name: "Retry these 3 orders" }).click();
  await expect.poll(() => toasts(page)).toContain("3 orders queued for retry");
  await expect(banner.getByText(/3 orders: Your FreshBooks plan/)).toHaveCount(0);
  // Re-queued and tried again (their test payload is empty: they fail anew, for another cause).
  await expect.poll(async () => (await sql("select id from order_sync where status_cause = 'client_limit'")).length).toBe(0);
});

test("a synced order whose email failed says so, and 'Send the invoice email' sends it once", async ({ page, openApp }) => {
  test.setTimeout(120_000);
  await connectFreshBooks();
  await sql(`insert into shop_settings (shop, email_invoices, updated_at) values ('freshbooks-sync-test.myshopify.com', true, now())`);
  await sandbox("faults", { enqueue: [{ method: "PUT", path: "/invoices/invoices/\\d+$", fault: { kind: "status", status: 503 } }] });
  const order = usOrder(4545);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("synced");

  await openApp("/app");
  await row(page, "#4545").getByRole("link", { name: "#4545" }).click();
  const banner = page.locator(".Polaris-Banner").filter({ hasText: "its email to the customer was not sent" });
  await expect(banner).toBeVisible();
  await banner.getByRole("button", { name: "Send the invoice email" }).click();
  await expect.poll(() => toasts(page)).toContain("Invoice email sent");
  await expect(banner).toHaveCount(0);
  const state = (await sandbox("state")) as { accounts: Record<string, { emailsSent: unknown[] }> };
  expect(Object.values(state.accounts).flatMap((a) => a.emailsSent)).toHaveLength(1);
});
