import type { OrderSync, PrismaClient } from "@prisma/client";
import { freshbooksInvoiceUrl } from "../components/OrdersTable";
import { adminAppUrl } from "../freshbooks/admin-url.server";
import { retryOrders, sendSkippedOrders } from "./order-sync.server";
import { getSettings } from "./settings.server";
import { ORDER_STATES } from "./state-words";
import { canRetry, type SyncStatus } from "./sync-status";

/**
 * What the admin UI extensions on Shopify's order page show (the order block, the actions):
 * the order's sync state in the sync log's words, and nothing personal (no customer name or
 * email: the order page shows those already). Every read is scoped to one shop.
 */

/** Tones of Polaris web components' `s-badge` / `s-banner`, for the sync log's badge tones. */
export type ExtensionTone = "success" | "warning" | "critical" | "info" | "caution" | "neutral";

const BADGE_TONES: Record<string, ExtensionTone> = {
  success: "success",
  warning: "warning",
  critical: "critical",
  info: "info",
  neutral: "neutral",
};

export interface ExtensionOrderState {
  /** Shopify's order id (digits), as in the order page's gid. */
  orderId: string;
  orderName: string;
  status: SyncStatus;
  /** The sync log's label and tone for the state. */
  label: string;
  tone: ExtensionTone;
  /** Plain words: why it failed, was skipped or differs; null when there is nothing to say. */
  reason: string | null;
  invoice: { number: string; url: string | null } | null;
  /** Shopify's total vs FreshBooks' invoice total, as decimal strings (never floats). */
  tieOut: { currency: string; shopifyTotal: string; freshbooksTotal: string | null; difference: string | null };
  payment: { recorded: boolean; recordingOn: boolean };
  /** The filter that skipped the order ("test orders"), when one did. */
  skippedBy: string | null;
  lastAttemptAt: string | null;
  canRetry: boolean;
  canSend: boolean;
  /** The order in the app's sync log, inside the admin. */
  syncLogUrl: string;
}

/** Shopify's order id from what the extension sends: `gid://shopify/Order/123` or `123`. */
export function shopifyOrderId(value: string): string | null {
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(value.trim());
  return match?.[1] ?? null;
}

/** The filter that skipped an order, from the payload it was skipped for (see mapOrder). */
function skipFilter(row: OrderSync): string | null {
  if (row.status !== "skipped") return null;
  const payload = row.payload as { test?: unknown } | null;
  return payload && payload.test === true ? "test orders" : "a sync filter";
}

function stateOf(row: OrderSync, options: { freshbooksWebUrl: string; recordPayments: boolean }): ExtensionOrderState {
  const status = row.status as SyncStatus;
  const { label, tone } = ORDER_STATES[status] ?? { label: row.status, tone: "neutral" };
  const nextAttemptAt = row.nextAttemptAt?.toISOString() ?? null;
  return {
    orderId: row.orderId,
    orderName: row.orderName,
    status,
    label,
    tone: (tone && BADGE_TONES[tone]) || "neutral",
    reason: row.statusReason,
    invoice: row.invoiceNumber
      ? { number: row.invoiceNumber, url: freshbooksInvoiceUrl(options.freshbooksWebUrl, row.freshbooksAccountId, row.freshbooksInvoiceId) }
      : null,
    tieOut: { currency: row.currency, shopifyTotal: row.totalPrice, freshbooksTotal: row.freshbooksTotal, difference: row.difference },
    payment: { recorded: row.paymentId !== null, recordingOn: options.recordPayments },
    skippedBy: skipFilter(row),
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    canRetry: canRetry({ status, nextAttemptAt }),
    canSend: status === "skipped",
    syncLogUrl: adminAppUrl(row.shop, `/app/orders/${row.id}`),
  };
}

/** The order's state for the order block; null when it is not this shop's order (or not in the log). */
export async function extensionOrderState(
  db: PrismaClient,
  shop: string,
  orderId: string,
  freshbooksWebUrl: string,
): Promise<ExtensionOrderState | null> {
  const id = shopifyOrderId(orderId);
  if (!id) return null;
  const [row, settings] = await Promise.all([
    db.orderSync.findUnique({ where: { shop_orderId: { shop, orderId: id } } }),
    getSettings(db, shop),
  ]);
  return row ? stateOf(row, { freshbooksWebUrl, recordPayments: settings.recordPayments }) : null;
}

export type SyncAgainOutcome = "queued" | "sent" | "unchanged" | "not_found";

export interface SyncAgainResult {
  orderId: string;
  outcome: SyncAgainOutcome;
  state: ExtensionOrderState | null;
}

/** At most this many orders per request (the order index's selection; Shopify's maximum is UNCONFIRMED). */
export const MAX_SELECTED_ORDERS = 250;

/**
 * "Sync again" / "Send to FreshBooks" for the selected orders: a skipped order is sent despite
 * its filter (sendSkippedOrders), any other goes through the sync log's Retry (retryOrders), so
 * an order is never queued by a second implementation. Synced, syncing and queued orders stay as
 * they are ("unchanged"); an order that is not this shop's is "not_found", like an unknown one.
 */
export async function syncOrdersAgain(
  db: PrismaClient,
  shop: string,
  orderIds: string[],
  freshbooksWebUrl: string,
): Promise<SyncAgainResult[]> {
  const ids = orderIds.map((value) => ({ given: value, id: shopifyOrderId(value) }));
  const known = ids.flatMap((entry) => (entry.id ? [entry.id] : []));
  const rows =
    known.length === 0
      ? []
      : await db.orderSync.findMany({ where: { shop, orderId: { in: known } }, select: { id: true, orderId: true, status: true } });
  const byOrder = new Map(rows.map((row) => [row.orderId, row]));
  const skipped = rows.filter((row) => row.status === "skipped").map((row) => row.id);
  const others = rows.filter((row) => row.status !== "skipped").map((row) => row.id);
  const sent = new Set(skipped.length > 0 ? (await sendSkippedOrders(db, shop, skipped)).orderIds : []);
  const retried = new Set(others.length > 0 ? (await retryOrders(db, shop, others)).orderIds : []);

  const settings = await getSettings(db, shop);
  const after = known.length === 0 ? [] : await db.orderSync.findMany({ where: { shop, orderId: { in: known } } });
  const now = new Map(after.map((row) => [row.orderId, row]));
  return ids.map(({ given, id }) => {
    const row = id && byOrder.has(id) ? now.get(id) : undefined;
    if (!id || !row) return { orderId: id ?? given, outcome: "not_found", state: null };
    const state = stateOf(row, { freshbooksWebUrl, recordPayments: settings.recordPayments });
    const outcome: SyncAgainOutcome = sent.has(id) ? "sent" : retried.has(id) ? "queued" : "unchanged";
    return { orderId: row.orderId, outcome, state };
  });
}
