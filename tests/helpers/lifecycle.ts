import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import prisma from "../../app/db.server";
import { action as transactionsCreate } from "../../app/routes/webhooks.order_transactions.create";
import { action as ordersCancelled } from "../../app/routes/webhooks.orders.cancelled";
import { action as ordersPaid } from "../../app/routes/webhooks.orders.paid";
import { action as ordersUpdated } from "../../app/routes/webhooks.orders.updated";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { routeArgs, settle, webhookRequest } from "./shopify";
import { ensureInstalled } from "./sync";

export type Body = Record<string, unknown>;

/** A lifecycle payload (tests/fixtures/lifecycle), built from Shopify's documented shapes with consistent numbers. */
export function lifecycleFixture(name: string, overrides: Body = {}): Body {
  const file = path.resolve(import.meta.dirname, `../fixtures/lifecycle/${name}.json`);
  return { ...(JSON.parse(readFileSync(file, "utf8")) as Body), ...overrides };
}

const ROUTES = {
  "orders/paid": ordersPaid,
  "order_transactions/create": transactionsCreate,
  "refunds/create": refundsCreate,
  "orders/cancelled": ordersCancelled,
  "orders/updated": ordersUpdated,
} as const;

export type LifecycleRoute = keyof typeof ROUTES;

/** Shopify delivering a lifecycle topic to our real route, correctly signed. */
export async function deliverEvent(topic: LifecycleRoute, body: object, webhookId?: string): Promise<Response> {
  await ensureInstalled();
  return (await settle(() => ROUTES[topic](routeArgs(webhookRequest({ topic, body, webhookId }))))) as Response;
}

const UNSETTLED = ["queued", "waiting", "processing"];

/**
 * Polls until every event has settled (done, ignored, failed). Fails only when nothing moved for
 * `stallMs` (never on a busy machine's slowness).
 */
export async function waitForEvents(count?: number, stallMs = 40_000) {
  let deadline = Date.now() + stallMs;
  let last = "";
  for (;;) {
    const rows = await prisma.orderEvent.findMany({ orderBy: { id: "asc" } });
    const orders = await prisma.orderSync.findMany({ select: { status: true } });
    const settled =
      rows.every((row) => !UNSETTLED.includes(row.status)) && orders.every((order) => !["queued", "syncing"].includes(order.status));
    if (settled && rows.length >= (count ?? 1)) return rows;
    const progress =
      rows.map((row) => `${row.id}/${row.status}/${row.attempts}/${row.updatedAt.getTime()}`).join(",") +
      orders.map((o) => o.status).join(",");
    if (progress !== last) {
      last = progress;
      deadline = Date.now() + stallMs;
    }
    if (Date.now() > deadline)
      expect.fail(`events did not settle: ${rows.map((row) => `${row.topic} ${row.status} ${row.statusReason ?? ""}`).join("; ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function resetEvents(): Promise<void> {
  await prisma.$executeRawUnsafe("truncate order_event restart identity");
}
