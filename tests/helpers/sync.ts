import { afterAll, beforeAll, expect } from "vitest";
import type { Runner } from "graphile-worker";
import prisma from "../../app/db.server";
import { startWorker } from "../../app/jobs/worker.server";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { intakeIdle } from "../../app/webhooks/order-intake.server";
import { routeArgs, settle, TEST_SHOP, webhookRequest } from "./shopify";

/** A real graphile-worker runner on this test file's database, for the whole file. */
export function useWorker(concurrency = 8): void {
  let runner: Runner | undefined;
  beforeAll(async () => {
    runner = await startWorker({ connectionString: process.env.DATABASE_URL!, concurrency });
  });
  afterAll(async () => {
    await runner?.stop();
  });
}

/**
 * The offline session a real install leaves (token exchange cannot reach Shopify here): an
 * orders/create for a shop without one is dropped. Kept if already there.
 */
export async function ensureInstalled(shop: string = TEST_SHOP): Promise<void> {
  await prisma.$executeRaw`insert into "Session" (id, shop, state, "isOnline", scope, "accessToken")
    values (${`offline_${shop}`}, ${shop}, '', false, 'read_orders', ${`shpat_test_${shop.split(".")[0]}`}) on conflict (id) do nothing`;
}

/** Shopify delivering orders/create to our real webhook route, correctly signed, for the installed test shop. */
export async function deliverOrder(order: object, webhookId?: string): Promise<Response> {
  await ensureInstalled();
  const response = (await settle(() =>
    ordersCreate(routeArgs(webhookRequest({ topic: "orders/create", body: order, webhookId }))),
  )) as Response;
  // The order is recorded by the intake recorder just after the 200 (docs/decisions/0019).
  await intakeIdle();
  return response;
}

const WAITING = ["queued", "syncing"];

/**
 * Polls until every given order (all when none given) has left queued/syncing. The deadline
 * comes from the work, not the clock: it fails only when no order has moved (no attempt, no
 * change of state) for `stallMs`, so a busy machine makes it slower, never red.
 */
export async function waitForSync(orderIds?: (string | number)[], stallMs = 30_000) {
  const ids = orderIds?.map(String);
  let deadline = Date.now() + stallMs;
  let lastProgress = "";
  for (;;) {
    const rows = await prisma.orderSync.findMany({ where: ids ? { orderId: { in: ids } } : {}, orderBy: { id: "asc" } });
    if (rows.length >= (ids?.length ?? 1) && rows.every((row) => !WAITING.includes(row.status))) return rows;
    const progress = `${rows.length}:${rows.map((row) => `${row.status}/${row.attempts}/${row.updatedAt.getTime()}`).join(",")}`;
    if (progress !== lastProgress) {
      lastProgress = progress;
      deadline = Date.now() + stallMs;
    }
    if (Date.now() > deadline) {
      expect.fail(
        `no progress for ${stallMs / 1000} s; orders still waiting: ${rows
          .filter((r) => WAITING.includes(r.status))
          .map((r) => `${r.orderName} ${r.status} ${r.statusReason ?? ""}`)
          .join("; ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function resetSyncTables(): Promise<void> {
  await prisma.$executeRawUnsafe(
    "truncate order_intake, webhook_delivery, order_sync, sync_attempt, client_mapping, freshbooks_client_directory, freshbooks_client_directory_state, freshbooks_client_intent, freshbooks_connection, freshbooks_rate_limit, shop_settings, oauth_state restart identity cascade",
  );
  await prisma.$executeRawUnsafe("delete from graphile_worker._private_jobs");
}
