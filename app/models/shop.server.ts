import type { PrismaClient } from "@prisma/client";
import { logger } from "../logger.server";
import { requeueOrders } from "./order-sync.server";

/**
 * After a (re)install: clear the paused state left by app/uninstalled and queue again the orders
 * that waited (queued while paused, or waiting for a FreshBooks reconnect).
 */
export async function resumeShop(db: PrismaClient, shop: string): Promise<void> {
  const paused = await db.shopSettings.updateMany({ where: { shop, uninstalledAt: { not: null } }, data: { uninstalledAt: null } });
  if (paused.count === 0) return;
  const requeued = await requeueOrders(db, shop, { status: { in: ["queued", "needs_reconnect"] } });
  logger.info({ shop, requeued }, "shop reinstalled; syncing resumed");
}

/** After FreshBooks is (re)connected: the orders that waited for it are queued again. */
export async function resumeAfterReconnect(db: PrismaClient, shop: string): Promise<number> {
  return requeueOrders(db, shop, { status: "needs_reconnect" });
}
