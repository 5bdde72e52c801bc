import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { redactShop } from "../privacy/compliance.server";
import { receiveWebhook } from "../webhooks/intake.server";
import { assertBodyNamesShop } from "../webhooks/shop-check";

/**
 * shop/redact (mandatory privacy webhook): 200 once handled, 401 on a bad HMAC. The body must
 * name the shop (`shop_domain`): a signed body replayed with another shop's header wipes nothing.
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, "shop/redact", async ({ shop, topic, webhookId, payload }) => {
    assertBodyNamesShop(payload, "shop_domain", shop);
    await redactShop(prisma, shop);
    logger.info({ shop, topic, webhookId }, "privacy request handled");
  });
