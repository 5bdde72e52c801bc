import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { orderIntakeSchema, recordOrderDelivery } from "../models/order-sync.server";
import { receiveWebhook } from "../webhooks/intake.server";

/**
 * orders/create: verify, then in one statement (one transaction) store the delivery, the order's
 * sync record and its job; answer 200 only after the commit. FreshBooks is never called here (Shopify allows 5 s).
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, async ({ shop, topic, webhookId, payload }) => {
    const order = orderIntakeSchema.safeParse(payload);
    if (!order.success) {
      // Signed by Shopify but not an order we can key: keep it for inspection, do not ask for a retry.
      await prisma.webhookDelivery.createMany({ data: [{ shop, webhookId, topic, payload }], skipDuplicates: true });
      logger.error({ shop, topic, webhookId, issues: order.error.issues.length }, "orders/create payload without the fields of an order");
      return;
    }
    const outcome = await recordOrderDelivery(prisma, { shop, webhookId, topic, payload }, order.data);
    logger.info({ shop, topic, webhookId, orderId: order.data.id, outcome }, "order received");
  });
