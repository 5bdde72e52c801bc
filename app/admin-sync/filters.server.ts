/**
 * Order filters (Settings → Which orders become invoices): one decision, made in the sync
 * pipeline, so webhooks, the import and the sweep apply them the same way. A filtered order is
 * "skipped" with the rule that skipped it, in words; "Send to FreshBooks" on the order overrides.
 */
import type { PrismaClient } from "@prisma/client";
import type { ShopifyOrder } from "../shopify/order-schema";

export type SalesChannel = "online_store" | "pos" | "draft_orders" | "other";

export const SALES_CHANNELS: Record<SalesChannel, string> = {
  online_store: "Online Store",
  pos: "Point of Sale",
  draft_orders: "Draft orders",
  other: "Other sales channels and apps",
};

export interface OrderFilters {
  skipTestOrders: boolean;
  skipZeroTotal: boolean;
  /** Channels sent; empty: every channel. */
  channels: string[];
  includeTags: string[];
  excludeTags: string[];
  /** Financial statuses sent (paid, pending, authorized, partially_paid, …); empty: all. */
  financialStatuses: string[];
}

export const DEFAULT_FILTERS: OrderFilters = {
  skipTestOrders: true,
  skipZeroTotal: false,
  channels: [],
  includeTags: [],
  excludeTags: [],
  financialStatuses: [],
};

export async function orderFilters(db: PrismaClient, shop: string): Promise<OrderFilters> {
  const row = await db.orderFilterSettings.findUnique({ where: { shop } });
  return row ?? DEFAULT_FILTERS;
}

export function channelOf(sourceName: string | null | undefined): SalesChannel {
  if (sourceName === "web") return "online_store";
  if (sourceName === "pos") return "pos";
  if (sourceName === "shopify_draft_order") return "draft_orders";
  return "other";
}

function tagsOf(order: ShopifyOrder): string[] {
  const raw = (order as Record<string, unknown>).tags;
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === "string" ? raw.split(",") : [];
  return list.map((tag) => tag.trim().toLowerCase()).filter(Boolean);
}

function isZero(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount);
}

/** The rule that skips the order, in words, or null when it becomes an invoice. Test orders are left to the mapping (its own reason). */
export function filterReason(order: ShopifyOrder, filters: OrderFilters): string | null {
  const channel = channelOf(order.source_name);
  if (filters.channels.length > 0 && !filters.channels.includes(channel)) {
    return `Skipped by your filter "Sales channels": order ${order.name} came from ${SALES_CHANNELS[channel]}, which is not selected.`;
  }
  const total = order.total_price_set?.shop_money.amount ?? order.total_price;
  if (filters.skipZeroTotal && isZero(total))
    return `Skipped by your filter "Skip orders with a zero total": order ${order.name} totals ${total}.`;
  const tags = tagsOf(order);
  const excluded = filters.excludeTags.find((tag) => tags.includes(tag.toLowerCase()));
  if (excluded) return `Skipped by your filter "Never orders tagged": order ${order.name} is tagged "${excluded}".`;
  if (filters.includeTags.length > 0 && !filters.includeTags.some((tag) => tags.includes(tag.toLowerCase()))) {
    return `Skipped by your filter "Only orders tagged": order ${order.name} has none of the tags ${filters.includeTags.map((tag) => `"${tag}"`).join(", ")}.`;
  }
  const status = order.financial_status ?? "";
  if (filters.financialStatuses.length > 0 && !filters.financialStatuses.includes(status)) {
    return `Skipped by your filter "Payment status": order ${order.name} is ${status.replace(/_/g, " ") || "without a payment status"}, which is not selected.`;
  }
  return null;
}

/** For the pipeline: the skip reason (null: go on) and whether test orders are sent. */
export async function applyOrderFilters(
  db: PrismaClient,
  shop: string,
  order: ShopifyOrder,
  sendDespiteFilter: boolean,
): Promise<{ skip: string | null; sendTestOrders: boolean }> {
  const filters = await orderFilters(db, shop);
  return { skip: sendDespiteFilter ? null : filterReason(order, filters), sendTestOrders: sendDespiteFilter || !filters.skipTestOrders };
}
