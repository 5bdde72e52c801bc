import type { PrismaClient } from "@prisma/client";
import { gidDigits } from "../shopify/json";

/** What could be read of a delivery we reject: for the sync log and for customers/redact. */
export interface ReadableParts {
  orderId?: string | null;
  email?: string | null;
}

/**
 * Keeps a signed delivery we could not read (table rejected_delivery, docs/decisions/0010):
 * the exact raw bytes, a reason in plain words, and whatever identifies the order and the
 * customer. `topic` is in the library's form (ORDERS_CREATE), as in webhook_delivery. A body that is not JSON is searched for them: its `admin_graphql_api_id` and its
 * first `"email": "…"`. Shopify's retries of the same delivery (same webhook id) are stored once.
 */
export async function storeRejectedDelivery(
  db: PrismaClient,
  delivery: { shop: string; topic: string; webhookId: string; reason: string; body: Uint8Array<ArrayBuffer>; readable: ReadableParts },
): Promise<void> {
  const text = Buffer.from(delivery.body.buffer, delivery.body.byteOffset, delivery.body.byteLength).toString("utf8");
  const orderId = delivery.readable.orderId ?? orderIdIn(text);
  const email = normalEmail(delivery.readable.email ?? emailIn(text));
  await db.rejectedDelivery.createMany({
    data: [
      {
        shop: delivery.shop,
        topic: delivery.topic,
        webhookId: delivery.webhookId,
        reason: delivery.reason,
        body: delivery.body,
        orderId,
        customerEmail: email,
      },
    ],
    skipDuplicates: true,
  });
}

/** The order's id in a body we cannot parse: only from its gid, the one place the digits are unambiguous. */
function orderIdIn(text: string): string | null {
  const match = /"admin_graphql_api_id"\s*:\s*"(gid:\/\/shopify\/Order\/\d+)"/.exec(text);
  return match ? gidDigits(match[1], "Order") : null;
}

/** The first `"email": "…"` (or contact_email) in a body we cannot parse. */
function emailIn(text: string): string | null {
  return /"(?:contact_)?email"\s*:\s*"([^"\\]{1,320})"/.exec(text)?.[1] ?? null;
}

/** Trimmed and lower-cased, as order_sync.customer_email; null when empty. */
export function normalEmail(email: string | null | undefined): string | null {
  const normal = email?.trim().toLowerCase();
  return normal ? normal : null;
}

export interface RejectedSummary {
  /** Rejected orders/create deliveries of the shop in the last 30 days. */
  count: number;
  latest: { receivedAt: string; webhookId: string; reason: string; orderId: string | null } | null;
}

const SHOWN_FOR_DAYS = 30;

/** For the sync log: "Shopify sent N orders we could not read", with the latest one's details. */
export async function rejectedOrders(db: PrismaClient, shop: string, now: Date = new Date()): Promise<RejectedSummary> {
  const since = new Date(now.getTime() - SHOWN_FOR_DAYS * 24 * 3600 * 1000);
  const where = { shop, topic: "ORDERS_CREATE", receivedAt: { gte: since } };
  const [count, latest] = await Promise.all([
    db.rejectedDelivery.count({ where }),
    db.rejectedDelivery.findFirst({
      where,
      orderBy: { receivedAt: "desc" },
      select: { receivedAt: true, webhookId: true, reason: true, orderId: true },
    }),
  ]);
  return { count, latest: latest ? { ...latest, receivedAt: latest.receivedAt.toISOString() } : null };
}
