/**
 * What the merchant sees of an order's life (docs/decisions/0016-order-lifecycle.md): the timeline
 * on the order page, the accounting state beside the sync status, and the tie-out per order
 * (Shopify's net = the invoice − credit notes, to the cent). Every query is scoped to one shop.
 */
import type { OrderEvent, OrderSync, PrismaClient } from "@prisma/client";
import { EVENT_KINDS } from "../../models/state-words";
import { MoneyReader } from "../mapping/money";
import { queueEvent } from "./process.server";

export type AccountingState = "Unpaid" | "Partly paid" | "Paid" | "Partly refunded" | "Refunded" | "Cancelled";

export interface TimelineEntry {
  id: string;
  at: string;
  /** "Paid", "Refund", "Cancelled", "Edited", … */
  kind: string;
  /** What happened in FreshBooks (or why nothing did), in plain words. */
  text: string;
  amount: string | null;
  /** done | ignored | waiting | queued | processing | failed */
  status: string;
  freshbooksNumber: string | null;
  retryable: boolean;
}

export interface TieOut {
  shopifyNet: string;
  freshbooksNet: string;
  difference: string | null;
}

function transactionKind(event: OrderEvent): string {
  const payload = event.payload as { kind?: unknown; gateway?: unknown };
  const kind = typeof payload.kind === "string" ? payload.kind : "transaction";
  const gateway = typeof payload.gateway === "string" ? ` (${payload.gateway})` : "";
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)}${gateway}`;
}

export function timelineEntry(event: OrderEvent): TimelineEntry {
  return {
    id: event.id.toString(),
    at: event.receivedAt.toISOString(),
    kind: event.topic === "ORDER_TRANSACTIONS_CREATE" ? transactionKind(event) : (EVENT_KINDS[event.topic] ?? event.topic),
    text: event.statusReason ?? (event.status === "queued" ? "Queued." : ""),
    amount:
      event.action === "payment" || event.action === "credit_note"
        ? event.recordedAmount
        : event.topic === "ORDER_TRANSACTIONS_CREATE"
          ? event.amount
          : null,
    status: event.status,
    freshbooksNumber: event.freshbooksNumber,
    retryable: event.status === "failed",
  };
}

function sum(reader: MoneyReader, events: readonly OrderEvent[], action: string): bigint {
  return events.reduce(
    (total, event) =>
      event.action === action && event.freshbooksId !== null && event.recordedAmount ? total + reader.minor(event.recordedAmount) : total,
    0n,
  );
}

/** The order's accounting state from what we recorded (payments, credit notes, cancellation). */
export function accountingState(
  order: Pick<OrderSync, "currency" | "freshbooksTotal" | "recordedPayment">,
  events: readonly OrderEvent[],
): AccountingState | null {
  if (!order.freshbooksTotal) return null;
  const reader = new MoneyReader(order.currency);
  if (events.some((event) => event.topic === "ORDERS_CANCELLED" && event.status === "done")) return "Cancelled";
  const total = reader.minor(order.freshbooksTotal);
  const credited = sum(reader, events, "credit_note");
  if (credited > 0n) return credited >= total ? "Refunded" : "Partly refunded";
  const initial = (order.recordedPayment as { amount?: string } | null)?.amount;
  const paid = (initial ? reader.minor(initial) : 0n) + sum(reader, events, "payment");
  if (paid <= 0n) return "Unpaid";
  return paid >= total ? "Paid" : "Partly paid";
}

/** Shopify's net (its total − what its refunds gave back) against FreshBooks' (invoice − credit notes). */
export function tieOut(
  order: Pick<OrderSync, "currency" | "totalPrice" | "freshbooksTotal">,
  events: readonly OrderEvent[],
): TieOut | null {
  if (!order.freshbooksTotal) return null;
  const reader = new MoneyReader(order.currency);
  const refunded = events.reduce((total, event) => {
    const intent = event.intent as { shopifyTotalMinor?: string } | null;
    return event.topic === "REFUNDS_CREATE" && intent?.shopifyTotalMinor ? total + BigInt(intent.shopifyTotalMinor) : total;
  }, 0n);
  const shopifyNet = reader.minor(order.totalPrice) - refunded;
  const freshbooksNet = reader.minor(order.freshbooksTotal) - sum(reader, events, "credit_note");
  const cancelled = events.some((event) => event.topic === "ORDERS_CANCELLED" && event.action === "cancel" && event.status === "done");
  const fbNet = cancelled ? 0n : freshbooksNet;
  const shopNet = cancelled ? 0n : shopifyNet;
  return {
    shopifyNet: reader.format(shopNet),
    freshbooksNet: reader.format(fbNet),
    difference: shopNet === fbNet ? null : reader.format(fbNet - shopNet),
  };
}

/** Everything the order page shows of the order's life. */
export async function orderLifecycle(
  db: PrismaClient,
  shop: string,
  order: Pick<OrderSync, "orderId" | "currency" | "totalPrice" | "freshbooksTotal" | "recordedPayment">,
) {
  const events = await db.orderEvent.findMany({ where: { shop, orderId: order.orderId }, orderBy: { id: "asc" } });
  return {
    events: events.map(timelineEntry),
    accountingState: accountingState(order, events),
    tieOut: tieOut(order, events),
    needsAttention: events.filter((event) => event.status === "failed").length,
  };
}

/** Accounting state per order id, for the sync log (one query for the page's orders, this shop only). */
export async function accountingStates(
  db: PrismaClient,
  shop: string,
  orders: readonly Pick<OrderSync, "orderId" | "currency" | "freshbooksTotal" | "recordedPayment">[],
): Promise<Map<string, AccountingState | null>> {
  const events = await db.orderEvent.findMany({ where: { shop, orderId: { in: orders.map((order) => order.orderId) } } });
  const byOrder = new Map<string, OrderEvent[]>();
  for (const event of events) byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event]);
  return new Map(orders.map((order) => [order.orderId, accountingState(order, byOrder.get(order.orderId) ?? [])]));
}

/** The accounting state of each listed order (by its sync-log id), this shop's only. */
export async function accountingStatesById(
  db: PrismaClient,
  shop: string,
  ids: readonly string[],
): Promise<Record<string, AccountingState | null>> {
  const wanted = ids.filter((id) => /^\d{1,18}$/.test(id)).map((id) => BigInt(id));
  if (wanted.length === 0) return {};
  const orders = await db.orderSync.findMany({
    where: { shop, id: { in: wanted } },
    select: { id: true, orderId: true, currency: true, freshbooksTotal: true, recordedPayment: true },
  });
  const states = await accountingStates(db, shop, orders);
  return Object.fromEntries(orders.map((order) => [order.id.toString(), states.get(order.orderId) ?? null]));
}

/** Order events that need the merchant (failed), for the sync log. */
export function eventsNeedingAttention(db: PrismaClient, shop: string): Promise<number> {
  return db.orderEvent.count({ where: { shop, status: "failed" } });
}

/** The Retry of one failed event (this shop's only): queued again with its budgets reset. */
export async function retryEvent(db: PrismaClient, shop: string, eventId: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(eventId)) return false;
  const id = BigInt(eventId);
  return db.$transaction(async (tx) => {
    const changed = await tx.orderEvent.updateMany({
      where: { shop, id, status: "failed" },
      data: { status: "queued", statusReason: "Queued again.", transientFailures: 0, updatedAt: new Date() },
    });
    if (changed.count === 0) return false;
    await queueEvent(tx, shop, id);
    return true;
  });
}
