import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { databaseAnswers, healthAccess, healthDetails } from "../models/health.server";
import { shopsWithWebhookSilence } from "../admin-sync/sweep.server";

/**
 * For the operator. Public (load balancer, uptime check): 200 when the database answers, 503 when
 * not, nothing more. With `Authorization: Bearer $HEALTHZ_TOKEN`, or from localhost: also the
 * worker's last heartbeat, the queue's depth and oldest waiting job, and orders failed in the
 * last hour (index-backed). A wrong token: 401. No shop data, no secrets.
 */
const NO_STORE = { "Cache-Control": "no-store" };

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const checkedAt = new Date();
  const remoteAddress = typeof context?.remoteAddress === "string" ? context.remoteAddress : undefined;
  const access = healthAccess(request, remoteAddress);
  if (access === "refused") {
    return Response.json(
      { status: "unauthorized", message: "The token does not match HEALTHZ_TOKEN." },
      { status: 401, headers: NO_STORE },
    );
  }
  try {
    if (access === "public") {
      await databaseAnswers(prisma);
      return Response.json({ status: "ok", database: "ok", checkedAt }, { headers: NO_STORE });
    }
    const details = await healthDetails(prisma, checkedAt);
    // Shops whose recent orders the completeness sweep had to recover (webhooks not arriving): a count, no names.
    const webhookSilence = { shops: await shopsWithWebhookSilence(prisma, checkedAt) };
    return Response.json({ status: "ok", database: "ok", ...details, webhookSilence, checkedAt }, { headers: NO_STORE });
  } catch {
    return Response.json({ status: "error", database: "unreachable", checkedAt }, { status: 503, headers: NO_STORE });
  }
};
