import { z } from "zod";
import prisma from "../../db.server";
import { logger } from "../../logger.server";
import { defineWebhook, UnreadableWebhook } from "../intake.server";

const scopesUpdateSchema = z.object({ current: z.array(z.string()) });

/**
 * app/scopes_update: the merchant granted or revoked an optional scope (write_orders, for the
 * write-back). The shop's offline session keeps the scopes Shopify lists as current, which is
 * what the write-back reads before it writes anything (the template app does the same).
 */
export const appScopesUpdate = defineWebhook("app/scopes_update", async ({ shop, topic, webhookId, payload }) => {
  const body = scopesUpdateSchema.safeParse(payload);
  if (!body.success) throw new UnreadableWebhook("The body has no list of current scopes.");
  const scope = body.data.current.join(",");
  const { count } = await prisma.session.updateMany({ where: { shop }, data: { scope } });
  logger.info({ shop, topic, webhookId, scope, sessions: count }, "app scopes updated");
});
