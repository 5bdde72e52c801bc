/**
 * Reads one order through the Admin GraphQL API, every line item included (page by page), and
 * returns it in the orders/create shape the sync stores and maps (app/shopify/graphql-order.ts).
 */
import { adminGraphql, type AdminCallOptions } from "./admin-api.server";
import { ORDER_LINE_ITEMS_QUERY, ORDER_QUERY, webhookShapeFromGraphql } from "./graphql-order";

type Json = Record<string, unknown>;
type LineItemPage = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Json[] };

const SHOP_QUERY = "query ShopTimeZone { shop { ianaTimezone currencyCode } }";

/** Shops' time zones, read once per process (a shop rarely changes it; a restart picks it up). */
const timeZones = new Map<string, string>();

export async function shopTimeZone(shop: string, options: AdminCallOptions = {}): Promise<string> {
  const known = timeZones.get(shop);
  if (known) return known;
  const data = await adminGraphql<{ shop: { ianaTimezone: string } }>(shop, SHOP_QUERY, {}, options);
  timeZones.set(shop, data.shop.ianaTimezone);
  return data.shop.ianaTimezone;
}

export function orderGid(orderId: string): string {
  return `gid://shopify/Order/${orderId}`;
}

/** The order in the webhook's shape, or null when Shopify does not show it (deleted, or beyond what the scopes allow). */
export async function readOrderAsWebhook(shop: string, orderId: string, options: AdminCallOptions = {}): Promise<Json | null> {
  const timeZone = await shopTimeZone(shop, options);
  const id = orderGid(orderId);
  const data = await adminGraphql<{ order: (Json & { lineItems: LineItemPage }) | null }>(shop, ORDER_QUERY, { id }, options);
  const order = data.order;
  if (!order) return null;
  const lineItems = [...order.lineItems.nodes];
  let page = order.lineItems.pageInfo;
  while (page.hasNextPage) {
    const more = await adminGraphql<{ order: { lineItems: LineItemPage } | null }>(
      shop,
      ORDER_LINE_ITEMS_QUERY,
      { id, after: page.endCursor },
      options,
    );
    if (!more.order) break;
    lineItems.push(...more.order.lineItems.nodes);
    page = more.order.lineItems.pageInfo;
  }
  return webhookShapeFromGraphql({ ...order, lineItems: { nodes: lineItems } }, timeZone);
}
