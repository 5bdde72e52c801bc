/**
 * Order filters decide the same way for an order delivered by webhook and one recovered by the
 * sweep: a filtered order is "skipped" with the rule that skipped it; the rest become invoices.
 */
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { filterReason, DEFAULT_FILTERS } from "../app/admin-sync/filters.server";
import { filterFormSchema, parseFilterForm, saveOrderFilters, skippedNowIncluded } from "../app/admin-sync/settings.server";
import { resyncSkippedOrders } from "../app/models/order-sync.server";
import { sweepShop } from "../app/admin-sync/sweep.server";
import { logger } from "../app/logger.server";
import { shopifyOrderSchema } from "../app/shopify/order-schema";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { deliverOrder, ensureInstalled, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";

const freshbooks = await useFreshBooksSandbox();
const shopify = await useShopifyAdminSandbox();
useWorker();

function order(n: number, overrides: Record<string, unknown> = {}) {
  const at = new Date(Date.now() - 30 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return usOrder(n, { number: n - 1000, created_at: at, processed_at: at, ...overrides } as never);
}

beforeEach(async () => {
  freshbooks.state.reset();
  shopify.clearOrders(TEST_SHOP);
  await resetSyncTables();
  await prisma.orderFilterSettings.deleteMany();
  await prisma.shopSweep.deleteMany();
  await ensureInstalled();
  await connectThroughOAuth();
});

describe("order filters", () => {
  it("webhook and sweep skip the same orders, each with the rule that skipped it", async () => {
    await prisma.orderFilterSettings.create({
      data: { shop: TEST_SHOP, channels: ["online_store"], excludeTags: ["Wholesale"], skipZeroTotal: true },
    });
    const byWebhook = [order(8001), order(8002, { source_name: "pos" }), order(8003, { tags: "wholesale, vip" })];
    const lost = [order(8011), order(8012, { source_name: "pos" }), order(8013, { tags: "wholesale" })];
    shopify.addWebhookOrders(TEST_SHOP, [...byWebhook, ...lost]);
    for (const body of byWebhook) await deliverOrder(body);
    await waitForSync(byWebhook.map((body) => body.id));
    await sweepShop(TEST_SHOP, { db: prisma, logger });
    const rows = await waitForSync([...byWebhook, ...lost].map((body) => body.id));
    const outcome = (id: number) => rows.find((row) => row.orderId === String(id))!;

    for (const [webhook, swept] of [
      [byWebhook[0]!, lost[0]!],
      [byWebhook[1]!, lost[1]!],
      [byWebhook[2]!, lost[2]!],
    ] as const) {
      expect(outcome(swept.id).origin).toBe("sweep");
      expect(outcome(swept.id).status).toBe(outcome(webhook.id).status);
      expect(outcome(swept.id).statusCause).toBe(outcome(webhook.id).statusCause);
    }
    expect(outcome(8001 + 5_000_000_000_000).status).toBe("synced");
    expect(outcome(byWebhook[1]!.id)).toMatchObject({ status: "skipped", statusCause: "filtered" });
    expect(outcome(byWebhook[1]!.id).statusReason).toContain('"Sales channels"');
    expect(outcome(byWebhook[2]!.id).statusReason).toContain('tagged "Wholesale"');
    expect(freshbooks.state.invoices()).toHaveLength(2);
  });

  it("test orders are sent when the merchant turns that filter off", async () => {
    await prisma.orderFilterSettings.create({ data: { shop: TEST_SHOP, skipTestOrders: false } });
    const body = order(8101, { test: true });
    await deliverOrder(body);
    const [row] = await waitForSync([body.id]);
    expect(row?.status).toBe("synced");
  });
});

describe("changing the filters", () => {
  it("offers exactly the skipped orders the new filters let through, and syncs them once", async () => {
    await prisma.orderFilterSettings.create({ data: { shop: TEST_SHOP, excludeTags: ["wholesale"], channels: ["online_store"] } });
    const wholesale = order(8401, { tags: "Wholesale" });
    const pos = order(8402, { source_name: "pos" });
    const test = order(8403, { test: true });
    const both = order(8404, { tags: "wholesale", source_name: "pos" });
    const plain = order(8405);
    for (const body of [wholesale, pos, test, both, plain]) await deliverOrder(body);
    await waitForSync([wholesale, pos, test, both, plain].map((body) => body.id));

    // "Never orders tagged" emptied, channels kept: the wholesale order only (not the POS ones, not the test order).
    const form = filterFormSchema.parse({
      intent: "save-filters",
      skipTestOrders: "on",
      skipZeroTotal: "off",
      channels: "online_store",
      includeTags: "",
      excludeTags: "",
      financialStatuses: "",
    });
    const parsed = parseFilterForm(form);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(await saveOrderFilters(prisma, TEST_SHOP, parsed.value)).toBe(true);
    expect(await saveOrderFilters(prisma, TEST_SHOP, parsed.value)).toBe(false);
    const offered = await skippedNowIncluded(prisma, TEST_SHOP);
    const orderIds = async (ids: bigint[]) =>
      (await prisma.orderSync.findMany({ where: { id: { in: ids } }, select: { orderId: true } })).map((row) => row.orderId);
    expect(await orderIds(offered.ids)).toEqual([String(wholesale.id)]);

    // And test orders too once they are no longer skipped.
    const everything = { ...parsed.value, channels: [], skipTestOrders: false };
    const all = await skippedNowIncluded(prisma, TEST_SHOP, everything);
    expect((await orderIds(all.ids)).sort()).toEqual([wholesale.id, pos.id, test.id, both.id].map(String).sort());

    expect(await resyncSkippedOrders(prisma, TEST_SHOP, offered.ids)).toBe(1);
    expect(await resyncSkippedOrders(prisma, TEST_SHOP, offered.ids)).toBe(0);
    const rows = await waitForSync([wholesale.id]);
    expect(rows[0]?.status).toBe("synced");
    expect(
      freshbooks.state
        .invoices()
        .map((invoice) => invoice.invoice_number)
        .sort(),
    ).toEqual(["SHOP-8401", "SHOP-8405"]);
  });

  it("the form refuses what cannot be a rule, in words", () => {
    const base = {
      intent: "save-filters",
      skipTestOrders: "on",
      skipZeroTotal: "off",
      includeTags: "",
      excludeTags: "",
      financialStatuses: "",
    };
    const result = (extra: Record<string, string>) => parseFilterForm(filterFormSchema.parse({ ...base, channels: "", ...extra }));
    expect(result({ channels: "online_store,marketplace" })).toMatchObject({
      ok: false,
      errors: { channels: "Choose sales channels from the list." },
    });
    expect(result({ financialStatuses: "paid,bogus" })).toMatchObject({
      ok: false,
      errors: { financialStatuses: "Choose payment statuses from the list." },
    });
    expect(result({ includeTags: "VIP, b2b", excludeTags: "vip" })).toMatchObject({
      ok: false,
      errors: { excludeTags: '"VIP" is in both lists: an order tagged with it could never become an invoice.' },
    });
    expect(result({ includeTags: "x".repeat(41) })).toMatchObject({
      ok: false,
      errors: { includeTags: expect.stringContaining("40 characters") },
    });
    expect(result({ includeTags: " VIP , vip,, b2b ", channels: "pos,pos" })).toMatchObject({
      ok: true,
      value: { includeTags: ["VIP", "b2b"], channels: ["pos"] },
    });
  });
});

describe("the rules", () => {
  const parse = (body: object) => shopifyOrderSchema.parse(body);
  it("zero totals, payment status and 'only tagged' name their rule", () => {
    const free = parse(order(8201, { total_price: "0.00", total_price_set: { shop_money: { amount: "0.00", currency_code: "USD" } } }));
    expect(filterReason(free, { ...DEFAULT_FILTERS, skipZeroTotal: true })).toMatch(/zero total/);
    expect(filterReason(parse(order(8202, { financial_status: "pending" })), { ...DEFAULT_FILTERS, financialStatuses: ["paid"] })).toMatch(
      /"Payment status".*pending/,
    );
    expect(filterReason(parse(order(8203)), { ...DEFAULT_FILTERS, includeTags: ["b2b"] })).toMatch(/"Only orders tagged"/);
    expect(filterReason(parse(order(8204, { tags: "B2B" })), { ...DEFAULT_FILTERS, includeTags: ["b2b"] })).toBeNull();
    expect(filterReason(parse(order(8205)), DEFAULT_FILTERS)).toBeNull();
  });
});
