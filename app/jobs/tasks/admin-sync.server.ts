/**
 * The Admin API jobs: the completeness sweep (a cron that fans out one job per shop), the import
 * of past orders (one page per job, re-queued until done) and the write-back onto the order.
 */
import type { Task } from "graphile-worker";
import prisma from "../../db.server";
import { env } from "../../env.server";
import { logger } from "../../logger.server";
import { sweepableShops, sweepShop } from "../../admin-sync/sweep.server";
import { pauseStalledImport, runImportStep } from "../../admin-sync/import.server";
import { writeBackOrder } from "../../admin-sync/write-back.server";
import { parsePayload, taskCatalog } from "../catalog";
import { enqueue } from "../enqueue.server";

/** The sweep's crontab line (graphile-worker syntax): every ADMIN_SWEEP_INTERVAL_MINUTES, never back-filled. */
export function sweepCrontab(): string {
  return `*/${env.ADMIN_SWEEP_INTERVAL_MINUTES} * * * * sweep-shops ?id=sweep-shops&max=${taskCatalog["sweep-shops"].maxAttempts}`;
}

export const sweepShopsTask: Task = async () => {
  for (const shop of await sweepableShops(prisma)) {
    // One pending sweep per shop, behind live orders.
    await enqueue(prisma, "sweep-shop", { shop });
  }
};

export const sweepShopTask: Task = async (payload) => {
  const { shop } = parsePayload("sweep-shop", payload);
  await sweepShop(shop, { db: prisma, logger });
};

export const importOrdersTask: Task = async (payload, helpers) => {
  const { shop, importId } = parsePayload("import-orders", payload);
  try {
    await runImportStep(shop, BigInt(importId), { db: prisma, logger });
  } catch (error) {
    // graphile-worker retries the step with its backoff; after its last attempt the import would
    // say "importing" with nobody importing: it is paused instead, saying why, and Resume goes on
    // from where it stopped.
    if (helpers.job.attempts < helpers.job.max_attempts) throw error;
    await pauseStalledImport(shop, BigInt(importId), error instanceof Error ? error.message : String(error), { db: prisma, logger });
  }
};

export const writeBackOrderTask: Task = async (payload) => {
  const { shop, orderId } = parsePayload("write-back-order", payload);
  await writeBackOrder(shop, orderId, { db: prisma, logger });
};
