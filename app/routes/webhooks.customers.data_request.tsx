import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { recordDataRequest } from "../privacy/compliance.server";
import { receiveWebhook } from "../webhooks/intake.server";

/** customers/data_request (mandatory privacy webhook): 200 once handled, 401 on a bad HMAC. */
export const action = async ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, async ({ shop, topic, webhookId, payload }) => {
    await recordDataRequest(prisma, shop, payload);
    logger.info({ shop, topic, webhookId }, "privacy request handled");
  });
