import prisma from "../../db.server";
import { logger } from "../../logger.server";
import { customerRedactSchema, dataRequestSchema, recordDataRequest, redactCustomer, redactShop } from "../../privacy/compliance.server";
import { forgetInstallation } from "../installation.server";
import { defineWebhook, UnreadableWebhook } from "../intake.server";
import { assertBodyNamesShop } from "../shop-check";

/**
 * The mandatory privacy webhooks: 200 once handled, 401 on a bad HMAC, 400 when the body names
 * another shop (`shop_domain`: a signed body replayed with another shop's header does nothing) or
 * is not the request its topic carries.
 */
export const customersDataRequest = defineWebhook("customers/data_request", async ({ shop, topic, webhookId, payload }) => {
  assertBodyNamesShop(payload, "shop_domain", shop);
  if (!dataRequestSchema.safeParse(payload).success) throw new UnreadableWebhook("Not a customer data request we can read.");
  await recordDataRequest(prisma, shop, payload);
  logger.info({ shop, topic, webhookId }, "privacy request handled");
});

export const customersRedact = defineWebhook("customers/redact", async ({ shop, topic, webhookId, payload }) => {
  assertBodyNamesShop(payload, "shop_domain", shop);
  if (!customerRedactSchema.safeParse(payload).success) throw new UnreadableWebhook("Not a customer redact request we can read.");
  await redactCustomer(prisma, shop, payload);
  logger.info({ shop, topic, webhookId }, "privacy request handled");
});

export const shopRedact = defineWebhook("shop/redact", async ({ shop, topic, webhookId, payload }) => {
  assertBodyNamesShop(payload, "shop_domain", shop);
  await redactShop(prisma, shop);
  forgetInstallation(shop);
  logger.info({ shop, topic, webhookId }, "privacy request handled");
});
