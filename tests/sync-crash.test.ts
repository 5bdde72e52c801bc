import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import prisma from "../app/db.server";
import { logger } from "../app/logger.server";
import { ATTEMPT_LEASE_MS, attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

const sandbox = await useFreshBooksSandbox();

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

/**
 * The database as a worker that dies right after FreshBooks created the invoice sees it: the
 * write that would record the invoice never happens (the process is gone).
 */
function dbOfAWorkerKilledAfterTheInvoicePost(): PrismaClient {
  const orderSync = new Proxy(prisma.orderSync, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "update" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (args: { data: { freshbooksInvoiceId?: unknown } }) => {
        if (args.data.freshbooksInvoiceId !== undefined) throw new Error("worker killed (simulated SIGKILL)");
        return value.call(target, args);
      };
    },
  });
  return new Proxy(prisma, {
    get: (target, property, receiver) => (property === "orderSync" ? orderSync : Reflect.get(target, property, receiver)),
  });
}

/** The attempt lease runs on the database's clock: age the dead attempt there. */
async function leaseRunsOut(orderId: string) {
  await prisma.$executeRaw`update order_sync set last_attempt_at = now() - ${ATTEMPT_LEASE_MS + 1000}::int * interval '1 millisecond' where order_id = ${orderId}`;
}

describe("two jobs for one order", () => {
  it("a job that read the order before another attempt synced it claims nothing and posts nothing", async () => {
    const order = usOrder(1005);
    await deliverOrder(order);
    const orderId = String(order.id);
    // The late job has read the order (queued, no invoice yet); the other attempt then runs to the end.
    let other: Awaited<ReturnType<typeof attemptOrderSync>> | undefined;
    const syncAttempt = new Proxy(prisma.syncAttempt, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== "create" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
        return async (args: Parameters<typeof prisma.syncAttempt.create>[0]) => {
          other ??= await attemptOrderSync(TEST_SHOP, orderId, "job-1", { db: prisma, logger });
          return value.call(target, args);
        };
      },
    });
    const lateDb = new Proxy(prisma, {
      get: (target, property, receiver) => (property === "syncAttempt" ? syncAttempt : Reflect.get(target, property, receiver)),
    });

    const late = await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: lateDb, logger });

    expect(other?.outcome).toBe("synced");
    expect(late.outcome).toBe("noop");
    expect(sandbox.state.count({ method: "POST", path: /\/invoices\/invoices$/ })).toBe(1);
    expect(await prisma.orderSync.findFirstOrThrow({ where: { orderId } })).toMatchObject({ status: "synced", attempts: 1 });
  });
});

describe("a worker killed mid-sync", () => {
  it("between the invoice POST and our commit: the next attempt finds the invoice, never creates a second", async () => {
    const order = usOrder(1001);
    await deliverOrder(order);
    const orderId = String(order.id);

    await expect(attemptOrderSync(TEST_SHOP, orderId, "job-1", { db: dbOfAWorkerKilledAfterTheInvoicePost(), logger })).rejects.toThrow(
      "worker killed",
    );
    const crashed = await prisma.orderSync.findFirstOrThrow({ where: { orderId } });
    expect(crashed).toMatchObject({ status: "syncing", freshbooksInvoiceId: null, invoiceNumber: "SHOP-1001" });
    expect(crashed.invoiceIntentAt).not.toBeNull();
    expect(sandbox.state.invoices()).toHaveLength(1);

    // While the dead attempt's lease runs, nothing else may take the order.
    expect((await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: prisma, logger })).outcome).toBe("busy");

    await leaseRunsOut(orderId);
    const result = await attemptOrderSync(TEST_SHOP, orderId, "job-3", { db: prisma, logger });

    expect(result.outcome).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
    expect(sandbox.state.count({ method: "POST", path: /\/invoices\/invoices$/ })).toBe(1);
    expect((await prisma.orderSync.findFirstOrThrow({ where: { orderId } })).freshbooksInvoiceId).toBe(sandbox.state.invoices()[0]!.id);
  });

  it("and the merchant changes the invoice prefix before the retry: the invoice is found by the number it was created with", async () => {
    const order = usOrder(1003);
    await deliverOrder(order);
    const orderId = String(order.id);
    await expect(attemptOrderSync(TEST_SHOP, orderId, "job-1", { db: dbOfAWorkerKilledAfterTheInvoicePost(), logger })).rejects.toThrow(
      "worker killed",
    );
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, invoicePrefix: "WEB-" } });
    await leaseRunsOut(orderId);

    const result = await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: prisma, logger });

    expect(result.outcome).toBe("synced");
    expect(sandbox.state.invoices().map((invoice) => invoice.invoice_number)).toEqual(["SHOP-1003"]);
    expect(await prisma.orderSync.findFirstOrThrow({ where: { orderId } })).toMatchObject({ invoiceNumber: "SHOP-1003" });
  });

  it("records every attempt for the sync log's timeline", async () => {
    const order = usOrder(1002);
    await deliverOrder(order);
    await expect(
      attemptOrderSync(TEST_SHOP, String(order.id), "job-1", { db: dbOfAWorkerKilledAfterTheInvoicePost(), logger }),
    ).rejects.toThrow();
    await leaseRunsOut(String(order.id));
    await attemptOrderSync(TEST_SHOP, String(order.id), "job-2", { db: prisma, logger });

    const attempts = await prisma.syncAttempt.findMany({ orderBy: { id: "asc" } });
    expect(attempts.map((a) => [a.jobId, a.outcome])).toEqual([
      ["job-1", "error"],
      ["job-2", "synced"],
    ]);
    expect(attempts[0]?.message).toContain("worker killed");
  });
});
