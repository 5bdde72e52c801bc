import prisma from "../../db.server";
import { logger } from "../../logger.server";
import { forgetInstallation } from "../installation.server";
import { defineWebhook } from "../intake.server";
import { assertBodyNamesShop } from "../shop-check";

/**
 * app/uninstalled: the shop's access tokens are dead, so its sessions go, and syncing pauses
 * (queued orders wait; nothing is deleted until shop/redact, 48 hours later). The body (the Shop
 * resource) must name the shop (`myshopify_domain`): a replay with another shop's header does nothing.
 */
export const appUninstalled = defineWebhook("app/uninstalled", async ({ shop, topic, webhookId, payload }) => {
  assertBodyNamesShop(payload, "myshopify_domain", shop);
  const now = new Date();
  const [{ count }] = await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shopSettings.upsert({ where: { shop }, create: { shop, uninstalledAt: now }, update: { uninstalledAt: now } }),
  ]);
  forgetInstallation(shop);
  logger.info({ shop, topic, webhookId, sessionsDeleted: count }, "app uninstalled; syncing paused");
});
