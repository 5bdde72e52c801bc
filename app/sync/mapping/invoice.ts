/** Invoice header fields: date, number, reference and notes. */
import type { ShopifyOrder } from "../../shopify/order-schema";
import type { MoneyReader } from "./money";
import { UnsupportedOrder } from "./problems";

export interface MappingSettings {
  invoicePrefix: string;
  dueOffsetDays: number;
  /** e.g. "example.myshopify.com", for the admin order link. */
  shopDomain: string;
  /** Staff chose "Send to FreshBooks" for this order: the skip filters (test orders) do not apply. */
  sendDespiteFilter?: boolean;
}

const LEADING_DATE = /^(\d{4}-\d{2}-\d{2})T/;

/**
 * The order's accounting date. Shopify writes timestamps with the shop's UTC offset
 * ("2024-03-31T23:30:00+02:00"), so the calendar date as written is the shop's date. We take it
 * as given and never go through a Date (which would use the machine's time zone or UTC).
 */
export function invoiceDate(order: ShopifyOrder): string {
  const stamp = order.processed_at ?? order.created_at;
  const match = LEADING_DATE.exec(stamp);
  if (!match?.[1]) throw new UnsupportedOrder(`The order date "${stamp}" is not a date we can read.`);
  return match[1];
}

export function adminOrderUrl(shopDomain: string, orderId: string): string {
  const store = shopDomain.replace(/\.myshopify\.com$/i, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(store)}/orders/${orderId}`;
}

const SOURCES: Record<string, string> = { pos: "Point of Sale", shopify_draft_order: "Draft order", web: "Online store" };

export function invoiceNotes(order: ShopifyOrder, settings: MappingSettings, reader: MoneyReader): string {
  const source = order.source_name ? (SOURCES[order.source_name] ?? order.source_name) : null;
  const lines = [
    `Shopify order ${order.name} (order ID ${order.id})${source ? ` — ${source}` : ""}`,
    adminOrderUrl(settings.shopDomain, order.id),
  ];
  const presentment = order.total_price_set?.presentment_money;
  if (presentment && presentment.currency_code !== reader.currency) {
    lines.push(
      `The customer paid ${presentment.amount} ${presentment.currency_code}; this invoice is in the shop currency ${reader.currency}, as Shopify converted it.`,
    );
  }
  return lines.join("\n");
}
