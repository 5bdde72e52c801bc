/**
 * One attempt at one order event (the `order-event` job, in the order's named queue): wait for the
 * invoice, then the step of its topic, each FreshBooks write with its intent recorded first
 * (docs/decisions/0016-order-lifecycle.md). Every query is scoped to the event's shop.
 */
import type { OrderEvent, Prisma, PrismaClient } from "@prisma/client";
import { freshbooksFor } from "../../freshbooks/connection.server";
import { FreshBooksRateLimitError } from "../../freshbooks/errors";
import type { Logger } from "../../logger.server";
import { orderColumns, orderIntakeSchema, queueSync } from "../../models/order-sync.server";
import { getSettings, type Settings } from "../../models/settings.server";
import { decide, type RetryTiming } from "../error-policy";
import { StepFailed } from "../steps";
import { applyCancellation } from "./cancel.server";
import { readerFor, type StepContext, type StepOutcome } from "./context";
import { applyEdit } from "./edit.server";
import { applyPayment } from "./payments.server";
import { applyRefund } from "./refunds.server";
import { orderEventJobSql } from "./queue.server";
import type { LifecycleTopic } from "./schemas";

export interface EventDeps {
  db: PrismaClient;
  logger: Logger;
  now?: () => Date;
  fetch?: typeof fetch;
  retry?: RetryTiming;
}

export type EventResult =
  | { outcome: "done" | "ignored" | "failed" | "needs_reconnect" | "noop"; reason?: string }
  | { outcome: "waiting" | "retry"; reason: string; retryAt: Date };

/** An invoice the events can build on: the order's sync finished with one. */
const SYNCED = new Set(["synced", "synced_with_difference"]);
const FULL_ORDER_TOPICS = new Set(["ORDERS_PAID", "ORDERS_CANCELLED", "ORDERS_UPDATED"]);
/** Waiting for the invoice: 5 s, doubling, at most 10 min (and woken at once when the order syncs). */
const WAIT_BASE_MS = 5_000;
const WAIT_MAX_MS = 10 * 60_000;

/** Whether the shop's Settings let this kind of event sync (all on by default). */
export function enabledFor(topic: string, settings: Settings): boolean {
  if (topic === "ORDERS_PAID" || topic === "ORDER_TRANSACTIONS_CREATE") return settings.syncLaterPayments;
  if (topic === "REFUNDS_CREATE") return settings.syncRefunds;
  if (topic === "ORDERS_CANCELLED") return settings.syncCancellations;
  return settings.syncEdits;
}

const STEPS: Record<LifecycleTopic, (ctx: StepContext) => Promise<StepOutcome>> = {
  ORDERS_PAID: applyPayment,
  ORDER_TRANSACTIONS_CREATE: applyPayment,
  REFUNDS_CREATE: applyRefund,
  ORDERS_CANCELLED: applyCancellation,
  ORDERS_UPDATED: applyEdit,
};

export async function processOrderEvent(shop: string, eventId: string, deps: EventDeps): Promise<EventResult> {
  const now = () => deps.now?.() ?? new Date();
  const db = deps.db;
  const event = await db.orderEvent.findFirst({ where: { shop, id: BigInt(eventId) } });
  if (!event || event.status === "done" || event.status === "ignored") return { outcome: "noop" };
  const set = (data: Prisma.OrderEventUpdateManyMutationInput) =>
    db.orderEvent.updateMany({ where: { id: event.id, shop }, data: { ...data, updatedAt: now() } });

  const settings = await getSettings(db, shop);
  if (!enabledFor(event.topic, settings)) {
    await set({ status: "ignored", statusReason: "Not synced: this kind of event is switched off in Settings." });
    return { outcome: "ignored" };
  }
  const order = await db.orderSync.findUnique({ where: { shop_orderId: { shop, orderId: event.orderId } } });
  if (order?.status === "skipped") {
    await set({ status: "ignored", statusReason: `Not synced: the order is not in FreshBooks (${order.statusReason ?? "skipped"}).` });
    return { outcome: "ignored" };
  }
  if (!order || !SYNCED.has(order.status) || order.freshbooksInvoiceId === null || settings.uninstalledAt) {
    if (!order) await orderFromEvent(db, shop, event);
    const waits = event.status === "waiting" ? event.attempts : 0;
    const retryAt = new Date(now().getTime() + Math.min(WAIT_MAX_MS, WAIT_BASE_MS * 2 ** Math.min(waits, 10)));
    const reason = settings.uninstalledAt
      ? "Paused: the app is not installed in this shop."
      : !order
        ? "Waiting for the order's invoice: Shopify has not sent the order itself yet."
        : "Waiting for the order's invoice to be created in FreshBooks.";
    await set({ status: "waiting", statusReason: reason, attempts: { increment: 1 } });
    return { outcome: "waiting", reason, retryAt };
  }

  await set({ status: "processing", statusReason: null, attempts: { increment: 1 } });
  try {
    const fb = await freshbooksFor(shop, { db, fetch: deps.fetch });
    if (order.freshbooksAccountId && order.freshbooksAccountId !== fb.accountId) {
      const reason = "The order's invoice is in another FreshBooks business than the one connected now: nothing was written.";
      await set({ status: "failed", statusReason: reason });
      return { outcome: "failed", reason };
    }
    const ctx: StepContext = {
      db,
      logger: deps.logger,
      fb,
      event,
      order: { ...order, freshbooksInvoiceId: order.freshbooksInvoiceId },
      settings,
      reader: readerFor(order),
      now,
      recordIntent: async (intent, extra = {}) => {
        const json = JSON.parse(JSON.stringify(intent)) as Prisma.InputJsonValue;
        await set({ ...extra, intent: json, intentAt: now() });
        Object.assign(event, { intent: json, intentAt: now(), ...plain(extra) });
      },
    };
    const result = await STEPS[event.topic as LifecycleTopic](ctx);
    await set({
      status: result.status,
      statusReason: result.reason,
      action: result.action,
      ...(result.freshbooksId !== undefined ? { freshbooksId: result.freshbooksId } : {}),
      ...(result.freshbooksNumber !== undefined ? { freshbooksNumber: result.freshbooksNumber } : {}),
      ...(result.recordedAmount !== undefined ? { recordedAmount: result.recordedAmount } : {}),
      transientFailures: 0,
      doneAt: now(),
    });
    deps.logger.info(
      { shop, orderId: event.orderId, eventId, topic: event.topic, status: result.status, action: result.action },
      "order event",
    );
    return { outcome: result.status, reason: result.reason };
  } catch (error) {
    const step = event.topic === "ORDERS_PAID" || event.topic === "ORDER_TRANSACTIONS_CREATE" ? "payment" : "invoice";
    const decided = decide(new StepFailed(step, error), { rateLimit: 0, transient: event.transientFailures }, deps.retry);
    // A refund's FreshBooks document is a credit note: the reason names it (the policy speaks of the step).
    const decision =
      decided && event.topic === "REFUNDS_CREATE"
        ? { ...decided, reason: decided.reason.replace("FreshBooks refused the invoice", "FreshBooks refused the credit note") }
        : decided;
    if (!decision) {
      await set({ status: "queued", statusReason: "An internal error interrupted this event; retrying automatically." });
      throw error;
    }
    if (decision.kind === "retry") {
      const delay = decision.delayMs ?? (error instanceof FreshBooksRateLimitError ? 1000 : 10_000);
      const reason = `${decision.reason}. Retrying automatically.`;
      await set({
        status: "queued",
        statusReason: reason,
        ...(decision.budget === "transient" ? { transientFailures: { increment: 1 } } : {}),
      });
      return { outcome: "retry", reason, retryAt: new Date(now().getTime() + delay) };
    }
    if (decision.kind === "reconnect") {
      const reason = `Waiting for FreshBooks to be reconnected (${decision.reason}). Retry it after reconnecting.`;
      await set({ status: "failed", statusReason: reason });
      return { outcome: "needs_reconnect", reason };
    }
    await set({ status: "failed", statusReason: decision.reason });
    return { outcome: "failed", reason: decision.reason };
  }
}

function plain(extra: Prisma.OrderEventUpdateManyMutationInput): Partial<OrderEvent> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) if (value === null || typeof value !== "object") out[key] = value;
  return out as Partial<OrderEvent>;
}

/**
 * A full order (orders/paid, cancelled, updated) for an order we never received: its sync record
 * is created from this body and queued, as orders/create would have (Shopify delivers in no order).
 */
async function orderFromEvent(db: PrismaClient, shop: string, event: OrderEvent): Promise<void> {
  if (!FULL_ORDER_TOPICS.has(event.topic)) return;
  const parsed = orderIntakeSchema.safeParse(event.payload);
  if (!parsed.success) return;
  const order = parsed.data;
  const columns = orderColumns(order);
  await db.$transaction(async (tx) => {
    const created = await tx.$executeRaw`
      insert into order_sync (shop, order_id, order_name, order_number, processed_at, customer_name, customer_email, total_price, currency, status, payload, updated_at)
      values (${shop}, ${order.id}, ${columns.orderName}, ${columns.orderNumber}::int, ${columns.processedAt}::timestamptz,
        ${columns.customerName}, ${columns.customerEmail}, ${columns.totalPrice}, ${columns.currency}, 'queued', ${JSON.stringify(event.payload)}::jsonb, now())
      on conflict (shop, order_id) do nothing`;
    if (created > 0) await queueSync(tx, shop, order.id);
  });
}

/**
 * Wakes the order's waiting events (its invoice now exists): the same job key, run now, in the
 * order's queue. Called when an order's sync ends.
 */
export async function wakeOrderEvents(db: PrismaClient, shop: string, orderId: string): Promise<number> {
  return db.$executeRaw`
    select ${orderEventJobSql()} from order_event where shop = ${shop} and order_id = ${orderId} and status = 'waiting'`;
}

export { queueEvent } from "./queue.server";
