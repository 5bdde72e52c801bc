import type { Task } from "graphile-worker";
import prisma from "../../db.server";
import { env } from "../../env.server";
import { logger } from "../../logger.server";
import { processOrderEvent, queueEvent } from "../../sync/lifecycle/process.server";
import { parsePayload } from "../catalog";

/**
 * One order lifecycle event (docs/decisions/0016-order-lifecycle.md). A wait for the invoice or a
 * retry the error policy asks for is the same job key re-added at the chosen time, in the order's queue.
 */
export const orderEventTask: Task = async (payload) => {
  const { shop, eventId } = parsePayload("order-event", payload);
  const result = await processOrderEvent(shop, eventId, { db: prisma, logger, retry: { baseMs: env.SYNC_RETRY_BASE_MS } });
  if (result.outcome === "waiting" || result.outcome === "retry") await queueEvent(prisma, shop, BigInt(eventId), result.retryAt);
};
