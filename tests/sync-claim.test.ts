import type { PrismaClient } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { startLiveness } from "../app/jobs/liveness.server";
import { logger } from "../app/logger.server";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { ATTEMPT_LEASE_MS, attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { deliverOrder, resetSyncTables } from "./helpers/sync";

const sandbox = await useFreshBooksSandbox();
const invoicesPosted = () => sandbox.state.count({ method: "POST", path: /\/invoices\/invoices$/ });

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await prisma.workerHeartbeat.deleteMany();
  await connectThroughOAuth();
});

/** The database as attempt A sees it: `interleave` runs (once) just before A records its invoice intent. */
function dbWithInterleaving(interleave: () => Promise<void>): PrismaClient {
  let done = false;
  const orderSync = new Proxy(prisma.orderSync, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "update" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (args: { data: { invoiceIntentAt?: unknown } }) => {
        if (args.data.invoiceIntentAt !== undefined && !done) {
          done = true;
          await interleave();
        }
        return value.call(target, args);
      };
    },
  });
  return new Proxy(prisma, {
    get: (target, property, receiver) => (property === "orderSync" ? orderSync : Reflect.get(target, property, receiver)),
  });
}

/** An order whose attempt worker-a started `minutesAgo` minutes ago (status syncing, its claim). */
async function claimedByWorkerA(n: number, minutesAgo: number) {
  const order = usOrder(n);
  await deliverOrder(order);
  await prisma.$executeRaw`update order_sync set status = 'syncing', claimed_by = 'worker-a',
    last_attempt_at = now() - ${minutesAgo}::int * interval '1 minute' where order_id = ${String(order.id)}`;
  return String(order.id);
}

describe("the attempt lease", () => {
  it("is renewed by the heartbeat of the worker holding the claim: a long attempt of a live worker is not taken over", async () => {
    const orderId = await claimedByWorkerA(6001, ATTEMPT_LEASE_MS / 60_000 + 1); // older than the lease
    const liveness = await startLiveness(prisma, process.env.DATABASE_URL!, new Set(["worker-a"])); // worker-a beats
    await liveness.stop();

    const other = await attemptOrderSync(TEST_SHOP, orderId, "job-b", { db: prisma, logger, workerId: "worker-b" });

    expect(other.outcome).toBe("busy");
    expect(invoicesPosted()).toBe(0);
    expect(await prisma.orderSync.findFirst({ where: { orderId }, select: { claimedBy: true, status: true } })).toEqual({
      claimedBy: "worker-a",
      status: "syncing",
    });
  });

  it("runs out when nothing renews it, and another worker takes the order over", async () => {
    const orderId = await claimedByWorkerA(6002, ATTEMPT_LEASE_MS / 60_000 + 1);
    await prisma.workerHeartbeat.create({ data: { id: "worker-id:worker-a", beatAt: new Date() } }); // alive, but no claim renewed

    const other = await attemptOrderSync(TEST_SHOP, orderId, "job-b", { db: prisma, logger, workerId: "worker-b" });

    expect(other.outcome).toBe("synced");
  });
});

describe("writes after the claim", () => {
  it("an attempt whose claim another worker took records no intent and posts no invoice", async () => {
    const order = usOrder(6003);
    await deliverOrder(order);
    const orderId = String(order.id);
    const takeover = () =>
      prisma.$executeRaw`update order_sync set claimed_by = 'worker-b', last_attempt_at = now(), lease_renewed_at = now() where order_id = ${orderId}`.then(
        () => undefined,
      );

    const result = await attemptOrderSync(TEST_SHOP, orderId, "job-a", { db: dbWithInterleaving(takeover), logger, workerId: "worker-a" });

    expect(result.outcome).toBe("busy");
    expect(invoicesPosted()).toBe(0);
    const row = await prisma.orderSync.findFirstOrThrow({ where: { orderId } });
    expect(row).toMatchObject({ claimedBy: "worker-b", status: "syncing", invoiceIntentAt: null, mappedInvoice: null });
  });
});

describe("customers/redact during a running attempt", () => {
  it("the attempt writes nothing personal after the redaction, and the order syncs afterwards from what is left", async () => {
    const base = usOrder(6004);
    const items = base.line_items as Record<string, unknown>[];
    const order = {
      ...base,
      line_items: items.map((item, index) =>
        index === 0 ? { ...item, properties: [{ name: "Engraving", value: "For Ada Lovelace" }] } : item,
      ),
    };
    await deliverOrder(order);
    const orderId = String(order.id);
    const customer = base.customer as { id: number; email: string };
    const redact = async () => {
      const request = webhookRequest({
        topic: "customers/redact",
        body: { shop_domain: TEST_SHOP, customer: { id: customer.id, email: customer.email }, orders_to_redact: [order.id] },
      });
      expect(((await settle(() => customersRedact(routeArgs(request)))) as Response).status).toBe(200);
    };

    const racing = await attemptOrderSync(TEST_SHOP, orderId, "job-a", { db: dbWithInterleaving(redact), logger, workerId: "worker-a" });

    expect(racing.outcome).toBe("busy");
    expect(invoicesPosted()).toBe(0);
    const stored = await prisma.orderSync.findFirstOrThrow({ where: { orderId }, include: { attemptsLog: true } });
    const text = JSON.stringify(stored, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
    expect(text).not.toContain("Ada Lovelace");
    expect(text).not.toContain(customer.email);
    expect(stored).toMatchObject({ status: "queued", claimedBy: null, mappedInvoice: null });

    const next = await attemptOrderSync(TEST_SHOP, orderId, "job-a2", { db: prisma, logger, workerId: "worker-a" });
    expect(next.outcome).toBe("synced");
    const synced = await prisma.orderSync.findFirstOrThrow({ where: { orderId } });
    expect(JSON.stringify(synced.mappedInvoice)).not.toContain("Ada Lovelace");
  });
});
