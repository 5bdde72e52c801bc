import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { customerRedactSchema, redactCustomer } from "../privacy/compliance.server";
import { receiveWebhook, UnreadableWebhook } from "../webhooks/intake.server";
import { assertBodyNamesShop } from "../webhooks/shop-check";

/**
 * customers/redact (mandatory privacy webhook): 200 once handled, 401 on a bad HMAC, 400 when
 * the body names another shop (`shop_domain`) or is not a redact request.
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, "customers/redact", async ({ shop, topic, webhookId, payload }) => {
    assertBodyNamesShop(payload, "shop_domain", shop);
    if (!customerRedactSchema.safeParse(payload).success) throw new UnreadableWebhook("Not a customer redact request we can read.");
    await redactCustomer(prisma, shop, payload);
    logger.info({ shop, topic, webhookId }, "privacy request handled");
  });
