import type { Task } from "graphile-worker";
import prisma from "../../db.server";
import { env } from "../../env.server";
import { logger } from "../../logger.server";
import { wakeOrderEvents } from "../../sync/lifecycle/process.server";
import { attemptOrderSync } from "../../sync/pipeline.server";
import { queueWriteBack } from "../../admin-sync/write-back.server";
import { parsePayload } from "../catalog";
import { enqueue } from "../enqueue.server";

/**
 * Runs one sync attempt. A retry the error policy asks for is scheduled as the same job key at
 * the time it chose (Retry-After or backoff), so there is never more than one pending job per order.
 */
export const syncOrderTask: Task = async (payload, helpers) => {
  const { shop, orderId } = parsePayload("sync-order", payload);
  let result;
  try {
    result = await attemptOrderSync(shop, orderId, helpers.job.id, {
      db: prisma,
      logger,
      retry: { baseMs: env.SYNC_RETRY_BASE_MS },
      workerId: helpers.job.locked_by ?? undefined,
    });
  } catch (error) {
    // Not a FreshBooks answer (our database, a bug): graphile-worker retries with its backoff;
    // the order says so, and after the last attempt it is failed, never left "syncing".
    const last = helpers.job.attempts >= helpers.job.max_attempts;
    const message = error instanceof Error ? error.message : String(error);
    await prisma.orderSync
      .updateMany({
        where: { shop, orderId },
        data: last
          ? {
              status: "failed",
              statusReason: `An internal error stopped the sync: ${message}`,
              statusCause: "internal",
              statusDetail: null,
            }
          : {
              status: "queued",
              statusReason: "An internal error interrupted the sync; retrying automatically.",
              statusCause: "internal",
              statusDetail: null,
            },
      })
      .catch(() => undefined);
    throw error;
  }
  if (result.outcome === "retry" || result.outcome === "busy") {
    // The catalog's key rule replaces this job's pending successor, if any (one job per order); the
    // same priority as this job: an imported order retried stays behind live orders.
    await enqueue(prisma, "sync-order", { shop, orderId }, { runAt: result.retryAt, priority: helpers.job.priority });
  }
  if (result.outcome === "synced" || result.outcome === "synced_with_difference") {
    // The order's invoice exists now: its events that waited for it run (docs/decisions/0016).
    await wakeOrderEvents(prisma, shop, orderId);
    // The invoice number onto the Shopify order, by its own job (never part of the sync's outcome).
    await queueWriteBack(prisma, shop, orderId, logger);
  }
};
