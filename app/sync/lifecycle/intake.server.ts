/**
 * Intake of the order lifecycle topics (docs/decisions/0016-order-lifecycle.md): the same shell as
 * orders/create (app/webhooks/intake.server.ts: size cap, the library's verification, the topic
 * check, 400 for a body we cannot read, 503 when it cannot be stored, 200 after the commit), then
 * ONE statement: the delivery (unique on shop + webhook id), the event (unique on shop + topic +
 * business key) and its job (job key per event, in the order's named queue).
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import prisma from "../../db.server";
import { logger } from "../../logger.server";
import { defineWebhook, receiveWebhook, UnreadableWebhook, type WebhookTopic } from "../../webhooks/intake.server";
import { readableOrderParts } from "../../models/order-sync.server";
import { orderEventJobSql } from "./queue.server";
import { lifecycleOrderSchema, LIFECYCLE_TOPICS, refundSchema, transactionSchema, type LifecycleTopic } from "./schemas";

export interface ParsedEvent {
  orderId: string;
  /** The business key: stable across redeliveries and across webhook ids. */
  eventKey: string;
  amount: string | null;
  currency: string | null;
}

function unreadable(what: string, error: { issues: { path: PropertyKey[]; message: string }[] }, payload: unknown): UnreadableWebhook {
  const issue = error.issues[0];
  const where = issue ? `${issue.path.map(String).join(".") || "the body"} ${issue.message.toLowerCase()}` : "unknown shape";
  return new UnreadableWebhook(`Not ${what} we can read: ${where}.`, readableOrderParts(payload));
}

/** What identifies the event in its body; throws UnreadableWebhook (answered 400, kept) when the body is not its topic's. */
export function parseLifecycleEvent(topic: LifecycleTopic, payload: unknown): ParsedEvent {
  if (topic === "ORDER_TRANSACTIONS_CREATE") {
    const parsed = transactionSchema.safeParse(payload);
    if (!parsed.success) throw unreadable("a transaction", parsed.error, payload);
    const tx = parsed.data;
    return { orderId: tx.order_id, eventKey: tx.id, amount: tx.amount, currency: tx.currency ?? null };
  }
  if (topic === "REFUNDS_CREATE") {
    const parsed = refundSchema.safeParse(payload);
    if (!parsed.success) throw unreadable("a refund", parsed.error, payload);
    return { orderId: parsed.data.order_id, eventKey: parsed.data.id, amount: null, currency: null };
  }
  const parsed = lifecycleOrderSchema.safeParse(payload);
  if (!parsed.success) throw unreadable("an order", parsed.error, payload);
  const order = parsed.data;
  const total = order.total_price_set?.shop_money;
  // A cancellation happens once per order; a paid or updated order is that order at one moment.
  const eventKey = topic === "ORDERS_CANCELLED" ? order.id : `${order.id}@${order.updated_at ?? ""}`;
  return { orderId: order.id, eventKey, amount: total?.amount ?? order.total_price, currency: total?.currency_code ?? null };
}

export type EventOutcome = "queued" | "requeued" | "duplicate-delivery" | "duplicate-event";

type Queryable = PrismaClient | Prisma.TransactionClient;

/**
 * Stores a lifecycle delivery and queues its event in one statement. A transaction delivered again
 * with another status (pending → success) updates the stored event and queues it again; any other
 * repeat adds nothing.
 */
export async function recordOrderEvent(
  db: Queryable,
  delivery: { shop: string; webhookId: string; topic: LifecycleTopic; payloadJson: string },
  event: ParsedEvent,
): Promise<EventOutcome> {
  // The body is sent and parsed once (VerifiedWebhook.payloadJson: the raw body when it reads exactly), then stored in both rows.
  const [result] = await db.$queryRaw<{ delivered: bigint; queued: bigint; fresh: bigint }[]>`
    with body as (
      select ${delivery.payloadJson}::jsonb as payload
    ), delivery as (
      insert into webhook_delivery (shop, webhook_id, topic, payload, order_id)
      select ${delivery.shop}, ${delivery.webhookId}, ${delivery.topic}, body.payload, ${event.orderId} from body
      on conflict (shop, webhook_id) do nothing
      returning id
    ), event as (
      insert into order_event as existing (shop, order_id, topic, event_key, webhook_id, payload, status, amount, currency, updated_at)
      select ${delivery.shop}, ${event.orderId}, ${delivery.topic}, ${event.eventKey}, ${delivery.webhookId}, (select payload from body), 'queued',
        ${event.amount}, ${event.currency}, now()
      where exists (select 1 from delivery)
      on conflict (shop, topic, event_key) do update set payload = excluded.payload, webhook_id = excluded.webhook_id,
        status = 'queued', status_reason = null, updated_at = now()
      where existing.topic = 'ORDER_TRANSACTIONS_CREATE' and existing.payload->>'status' is distinct from excluded.payload->>'status'
      returning id, order_id, (xmax = 0) as fresh
    ), job as (
      select ${orderEventJobSql(Prisma.sql`${delivery.shop}::text`)} from event
    )
    select (select count(*) from delivery) as delivered, (select count(*) from job) as queued,
      (select count(*) from event where fresh) as fresh`;
  if (!result || result.delivered === 0n) return "duplicate-delivery";
  if (result.queued === 0n) return "duplicate-event";
  return result.fresh > 0n ? "queued" : "requeued";
}

/**
 * The lifecycle topics as webhook definitions: each stores its event (and its job) in one statement,
 * answered 200 after the commit; a shop without an installation has nothing to sync to (200, dropped).
 * Served by the hot path before Remix (app/webhooks/topics.server.ts) and by their Remix routes.
 */
export const LIFECYCLE_WEBHOOKS = Object.fromEntries(
  (Object.keys(LIFECYCLE_TOPICS) as LifecycleTopic[]).map((topic) => [
    topic,
    defineWebhook(
      LIFECYCLE_TOPICS[topic],
      async ({ shop, webhookId, payload, payloadJson, installed }) => {
        if (!installed) {
          logger.warn({ shop, topic, webhookId }, "order event dropped: the app is not installed in this shop");
          return;
        }
        const event = parseLifecycleEvent(topic, payload);
        const outcome = await recordOrderEvent(prisma, { shop, webhookId, topic, payloadJson }, event);
        logger.info({ shop, topic, webhookId, orderId: event.orderId, outcome }, "order event received");
      },
      { needsInstallation: true },
    ),
  ]),
) as Record<LifecycleTopic, WebhookTopic>;

/** The whole action of a lifecycle webhook route. */
export function receiveLifecycleWebhook(request: Request, topic: LifecycleTopic): Promise<Response> {
  return receiveWebhook(request, LIFECYCLE_WEBHOOKS[topic]);
}
