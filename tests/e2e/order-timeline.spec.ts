import { readFileSync } from "node:fs";
import path from "node:path";
import { orderFixture } from "../helpers/orders";
import { connectFreshBooks, deliverOrder, deliverWebhook, expect, sandbox, sql, syncedStatus, test } from "./fixtures";

/** A lifecycle payload of tests/fixtures/lifecycle (they belong to the US fixture's order #1001, paid 49.10). */
function lifecycle(name: string): object {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../fixtures/lifecycle/${name}.json`), "utf8")) as object;
}

type CreditNote = { credit_number: string; amount: { amount: string; code: string }; vis_state: number };

async function creditNotes(): Promise<[string, string][]> {
  const state = (await sandbox("state")) as { accounts: Record<string, { creditNotes?: CreditNote[] }> };
  return Object.values(state.accounts)
    .flatMap((account) => account.creditNotes ?? [])
    .filter((note) => note.vis_state !== 1)
    .map((note) => [note.credit_number, note.amount.amount]);
}

test.beforeEach(async () => {
  test.slow();
  await sandbox("reset", {});
  await sql(
    "truncate order_sync, sync_attempt, webhook_delivery, client_mapping, freshbooks_connection, shop_settings, order_event restart identity cascade",
  );
});

test("the order page's timeline: a refund that came before its order, then one FreshBooks refused, retried once", async ({
  page,
  openApp,
}, testInfo) => {
  await connectFreshBooks();
  const order = orderFixture("us-discount-tax-shipping");

  // Shopify's deliveries can come in any order: the refund first, then the order it belongs to.
  expect(await deliverWebhook("refunds/create", lifecycle("refunds-create.line-item"))).toBe(200);
  expect(await deliverOrder(order)).toBe(200);
  expect(await syncedStatus(order.id)).toBe("synced");

  const [row] = await sql<{ id: string }>("select id::text from order_sync where order_id = $1", [String(order.id)]);
  await openApp(`/app/orders/${row!.id}`);
  const timeline = page.getByRole("list", { name: "Order timeline" });
  await expect(timeline.getByText("Created in Shopify (#1001)")).toBeVisible();
  await expect(timeline.getByText(/^Invoice SHOP-1001 · \$49\.10$/)).toBeVisible();
  // The refund waited for the invoice, then became its credit note.
  const first = timeline.locator("li[data-event-status]").nth(0);
  await expect(first.getByText("Refund $9.80 → credit note SHOP-1001-R1")).toBeVisible();
  await expect(first.getByText("Recorded", { exact: true })).toBeVisible();
  expect(await creditNotes()).toEqual([["SHOP-1001-R1", "9.80"]]);

  // FreshBooks refuses the next credit note: the timeline says why, with a Retry.
  await sandbox("faults", { enqueue: [{ method: "POST", path: "/credit_notes/credit_notes$", fault: { kind: "status", status: 422 } }] });
  expect(await deliverWebhook("refunds/create", lifecycle("refunds-create.shipping"))).toBe(200);
  // Opened again (the page follows what it knows is moving; a new event shows on the next visit).
  await page.reload();
  const second = timeline.locator("li[data-event-status]").nth(1);
  await expect(second.getByText("Failed", { exact: true })).toBeVisible();
  await expect(second.getByRole("button", { name: "Retry Refund" })).toBeVisible();
  // FreshBooks' reason, in words, naming what it refused.
  await expect(second.getByText(/^FreshBooks refused the credit note: .+/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("order-timeline-failed.png"), fullPage: true });
  expect(await creditNotes()).toEqual([["SHOP-1001-R1", "9.80"]]);

  // Retry: recorded once, numbered in turn; the page updates by itself.
  await second.getByRole("button", { name: "Retry Refund" }).click();
  await expect(second.getByText("Refund $5.00 → credit note SHOP-1001-R2")).toBeVisible();
  await expect(second.getByText("Recorded", { exact: true })).toBeVisible();
  await expect(second.getByRole("button", { name: "Retry Refund" })).toHaveCount(0);
  expect(await creditNotes()).toEqual([
    ["SHOP-1001-R1", "9.80"],
    ["SHOP-1001-R2", "5.00"],
  ]);
  await page.screenshot({ path: testInfo.outputPath("order-timeline.png"), fullPage: true });
});
