import type { ActionFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

/**
 * app/uninstalled: the shop's access tokens are dead, so its sessions go. (The session may
 * already be gone when the webhook is delivered twice, hence deleteMany by shop.)
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId } = await authenticate.webhook(request);
  const { count } = await prisma.session.deleteMany({ where: { shop } });
  logger.info({ shop, topic, webhookId, sessionsDeleted: count }, "app uninstalled");
  return new Response(null, { status: 200 });
};
