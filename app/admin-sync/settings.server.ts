/**
 * Settings → "Which orders become invoices" and "On the Shopify order": the order filters and the
 * write-back switch as the merchant edits them, the skipped orders a filter change now includes,
 * and the write-back's optional scope (docs/shopify-admin-api.md §9), checked with Shopify itself.
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { addJobSql, fromRow } from "../jobs/enqueue.server";
import { z } from "zod";
import { adminGraphql, AdminApiError } from "../shopify/admin-api.server";
import { shopifyOrderSchema } from "../shopify/order-schema";
import { DEFAULT_FILTERS, filterReason, orderFilters, SALES_CHANNELS, type OrderFilters } from "./filters.server";
import { grantedScopes, WRITE_BACK_SCOPE } from "./write-back.server";

/** The payment statuses a merchant can choose (Shopify's `financial_status` values). */
export const PAYMENT_STATUSES: Record<string, string> = {
  paid: "Paid",
  partially_paid: "Partially paid",
  pending: "Payment pending",
  authorized: "Authorized",
  partially_refunded: "Partially refunded",
  refunded: "Refunded",
  voided: "Voided",
};

/** Shopify's limit on one tag's length. */
const TAG_MAX = 40;
const TAGS_MAX = 50;

export interface FilterSettingsView {
  filters: OrderFilters;
  /** `earlier`: orders synced with an invoice whose number is not on the Shopify order yet (counted up to 10,000). */
  writeBack: { on: boolean; granted: boolean; earlier: number };
}

/**
 * Synced orders of the shop whose invoice number is not written onto the Shopify order yet (one
 * whose write-back failed is not among them: its own job retries it, its failure shows on it).
 */
const NOT_WRITTEN = (shop: string) =>
  Prisma.sql`shop = ${shop} and status in ('synced', 'synced_with_difference') and invoice_number is not null
    and write_back_at is null and write_back_error is null`;
const EARLIER_COUNT_MAX = 10_000;

async function notWrittenCount(db: PrismaClient, shop: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    select count(*)::int as n from (select 1 from order_sync where ${NOT_WRITTEN(shop)} limit ${EARLIER_COUNT_MAX}) as earlier`;
  return row?.n ?? 0;
}

/**
 * "Write it onto them": the write-back job of the synced orders whose number is not on the
 * Shopify order yet, the newest 10,000 per click (each is one Admin API mutation, under Shopify's
 * rate limit), in one statement (one job per order by its key; the job writes once and skips an
 * order already written). Returns how many were queued.
 */
export async function writeBackEarlierOrders(db: PrismaClient, shop: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    with earlier as (
      select order_id from order_sync where ${NOT_WRITTEN(shop)} order by id desc limit ${EARLIER_COUNT_MAX}
    ), jobs as (
      select ${addJobSql("write-back-order", fromRow("write-back-order", { shop: Prisma.sql`${shop}::text`, orderId: Prisma.sql`order_id` }))} from earlier
    )
    select count(*)::int as n from jobs`;
  return row?.n ?? 0;
}

export async function filterSettingsView(db: PrismaClient, shop: string): Promise<FilterSettingsView> {
  const [row, scopes, earlier] = await Promise.all([
    db.orderFilterSettings.findUnique({ where: { shop } }),
    grantedScopes(db, shop),
    notWrittenCount(db, shop),
  ]);
  const { skipTestOrders, skipZeroTotal, channels, includeTags, excludeTags, financialStatuses } = row ?? DEFAULT_FILTERS;
  return {
    filters: { skipTestOrders, skipZeroTotal, channels, includeTags, excludeTags, financialStatuses },
    writeBack: { on: row?.writeBack ?? true, granted: scopes.includes(WRITE_BACK_SCOPE), earlier },
  };
}

const onOff = z.enum(["on", "off"]).transform((value) => value === "on");
const list = z
  .string()
  .max(5000)
  .transform((value) => value.split(",").map((item) => item.trim()));

export const filterFormSchema = z.object({
  intent: z.literal("save-filters"),
  skipTestOrders: onOff,
  skipZeroTotal: onOff,
  channels: list,
  includeTags: list,
  excludeTags: list,
  financialStatuses: list,
});

export type FilterFormErrors = Partial<Record<"channels" | "includeTags" | "excludeTags" | "financialStatuses", string>>;

function tags(items: string[], what: string): { value: string[] } | { error: string } {
  const seen = new Map<string, string>();
  for (const tag of items.filter(Boolean)) if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  const value = [...seen.values()];
  const long = value.find((tag) => tag.length > TAG_MAX);
  if (long) return { error: `"${long.slice(0, TAG_MAX)}…" is longer than a Shopify tag can be (${TAG_MAX} characters).` };
  if (value.length > TAGS_MAX) return { error: `At most ${TAGS_MAX} tags in ${what}.` };
  return { value };
}

/** The form's filters, or what to fix, field by field. */
export function parseFilterForm(
  form: z.infer<typeof filterFormSchema>,
): { ok: true; value: OrderFilters } | { ok: false; errors: FilterFormErrors } {
  const errors: FilterFormErrors = {};
  const channels = form.channels.filter(Boolean);
  if (channels.some((channel) => !(channel in SALES_CHANNELS))) errors.channels = "Choose sales channels from the list.";
  const statuses = form.financialStatuses.filter(Boolean);
  if (statuses.some((status) => !(status in PAYMENT_STATUSES))) errors.financialStatuses = "Choose payment statuses from the list.";
  const include = tags(form.includeTags, "Only orders tagged");
  const exclude = tags(form.excludeTags, "Never orders tagged");
  if ("error" in include) errors.includeTags = include.error;
  if ("error" in exclude) errors.excludeTags = exclude.error;
  if ("value" in include && "value" in exclude) {
    const both = include.value.find((tag) => exclude.value.some((other) => other.toLowerCase() === tag.toLowerCase()));
    if (both) errors.excludeTags = `"${both}" is in both lists: an order tagged with it could never become an invoice.`;
  }
  if (Object.keys(errors).length > 0 || !("value" in include) || !("value" in exclude)) return { ok: false, errors };
  return {
    ok: true,
    value: {
      skipTestOrders: form.skipTestOrders,
      skipZeroTotal: form.skipZeroTotal,
      channels: [...new Set(channels)],
      includeTags: include.value,
      excludeTags: exclude.value,
      financialStatuses: [...new Set(statuses)],
    },
  };
}

/** Saves the filters; false when nothing changed. They apply to every order synced from now on (webhooks, import, sweep). */
export async function saveOrderFilters(db: PrismaClient, shop: string, filters: OrderFilters): Promise<boolean> {
  const current = await orderFilters(db, shop);
  const same = (Object.keys(filters) as (keyof OrderFilters)[]).every(
    (key) => JSON.stringify(current[key]) === JSON.stringify(filters[key]),
  );
  if (same) return false;
  await db.orderFilterSettings.upsert({
    where: { shop },
    create: { shop, ...filters },
    update: { ...filters, updatedAt: new Date() },
  });
  return true;
}

/** How many skipped orders are read per query, and at most in all (the newest first). */
const BATCH = 500;
const SCAN_MAX = 20_000;

/**
 * The shop's orders a filter (or the test-order rule) skipped that the filters now let through,
 * newest first: what a filter change offers to sync. Each order is judged by the same rules as
 * the pipeline (filterReason, and test orders while they are skipped).
 */
export async function skippedNowIncluded(
  db: PrismaClient,
  shop: string,
  filters?: OrderFilters,
): Promise<{ ids: bigint[]; scanned: number }> {
  const rules = filters ?? (await orderFilters(db, shop));
  const ids: bigint[] = [];
  let scanned = 0;
  let before: bigint | null = null;
  while (scanned < SCAN_MAX) {
    const rows: { id: bigint; payload: unknown }[] = await db.orderSync.findMany({
      where: {
        shop,
        status: "skipped",
        statusCause: { in: ["filtered", "test_order"] },
        ...(before === null ? {} : { id: { lt: before } }),
      },
      orderBy: { id: "desc" },
      take: BATCH,
      select: { id: true, payload: true },
    });
    if (rows.length === 0) break;
    scanned += rows.length;
    before = rows[rows.length - 1]!.id;
    for (const row of rows) {
      const order = shopifyOrderSchema.safeParse(row.payload);
      if (!order.success) continue;
      if (order.data.test && rules.skipTestOrders) continue;
      if (filterReason(order.data, rules) === null) ids.push(row.id);
    }
    if (rows.length < BATCH) break;
  }
  return { ids, scanned };
}

const ACCESS_SCOPES = `query AppAccessScopes { currentAppInstallation { accessScopes { handle } } }`;

/**
 * The scopes Shopify has granted the app on the shop, asked of Shopify (after the merchant
 * answered App Bridge's permission request), and kept on the shop's offline session, which is
 * what the write-back job reads (app/scopes_update keeps it current afterwards).
 */
export async function refreshGrantedScopes(db: PrismaClient, shop: string): Promise<string[]> {
  const data = await adminGraphql<{ currentAppInstallation: { accessScopes: { handle: string }[] } }>(shop, ACCESS_SCOPES);
  const scopes = data.currentAppInstallation.accessScopes.map((scope) => scope.handle);
  await db.session.updateMany({ where: { shop, isOnline: false }, data: { scope: scopes.join(",") } });
  return scopes;
}

/** Turns write-back on (only once Shopify has granted write_orders) or off; the answer in the merchant's words. */
export async function saveWriteBack(db: PrismaClient, shop: string, on: boolean): Promise<{ toast: string } | { error: string }> {
  if (on) {
    let scopes: string[];
    try {
      scopes = await refreshGrantedScopes(db, shop);
    } catch (error) {
      const reason = error instanceof AdminApiError ? error.message : "Shopify did not answer.";
      return { error: `Shopify could not be asked which permissions the app has (${reason}). Write-back stays off; try again.` };
    }
    if (!scopes.includes(WRITE_BACK_SCOPE))
      return {
        error:
          "Shopify has not given the app permission to edit orders, so write-back stays off. Turn it on again and approve the request to use it.",
      };
  }
  await db.orderFilterSettings.upsert({
    where: { shop },
    create: { shop, writeBack: on },
    update: { writeBack: on, updatedAt: new Date() },
  });
  return {
    toast: on
      ? "Write-back on: orders synced from now on get their FreshBooks invoice number in Shopify."
      : "Write-back off: invoice numbers are no longer written onto Shopify orders.",
  };
}
