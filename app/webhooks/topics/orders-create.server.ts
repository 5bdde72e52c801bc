import { pool } from "../../db.server";
import { logger } from "../../logger.server";
import { orderIntakeSchema, readableOrderParts, recordOrderDelivery } from "../../models/order-sync.server";
import { defineWebhook, UnreadableWebhook } from "../intake.server";
import { intakeRecorder } from "../order-intake.server";

/**
 * orders/create: in one prepared statement (one transaction) store the delivery and its received
 * order; answered 200 only after the commit. The order's sync record and job follow in the
 * process' intake recorder's next batch, milliseconds later (docs/decisions/0019). FreshBooks is
 * never called here (Shopify allows 5 s).
 * A shop without an installation (no offline session: never opened, or uninstalled) has nothing
 * to sync to: answered 200 and dropped, no customer data stored. A body that is not an order is
 * answered 400 and kept as a rejected delivery (the sync log says so).
 */
export const ordersCreate = defineWebhook(
  "orders/create",
  async ({ shop, topic, webhookId, payload, payloadJson, installed }) => {
    if (!installed) {
      logger.warn({ shop, topic, webhookId }, "order dropped: the app is not installed in this shop");
      return;
    }
    const order = orderIntakeSchema.safeParse(payload);
    if (!order.success) {
      const issue = order.error.issues[0];
      throw new UnreadableWebhook(
        `Not an order we can read: ${issue ? `${issue.path.join(".") || "the body"} ${issue.message.toLowerCase()}` : "unknown shape"}.`,
        readableOrderParts(payload),
      );
    }
    const outcome = await recordOrderDelivery(pool, { shop, webhookId, topic, payloadJson }, order.data);
    if (outcome === "received") intakeRecorder(pool).kick();
    logger.info({ shop, topic, webhookId, orderId: order.data.id, outcome }, "order received");
  },
  { needsInstallation: true },
);
