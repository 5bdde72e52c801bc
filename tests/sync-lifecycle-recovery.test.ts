import { beforeEach, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import prisma from "../app/db.server";
import { logger } from "../app/logger.server";
import { loader as detailLoader, action as detailAction } from "../app/routes/app.orders.$id";
import { processOrderEvent } from "../app/sync/lifecycle/process.server";
import { attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { deliverEvent, lifecycleFixture, resetEvents } from "./helpers/lifecycle";
import { orderFixture } from "./helpers/orders";
import { deliverOrder, resetSyncTables } from "./helpers/sync";
import { routeArgs, sessionToken, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { action as refundsCreate } from "../app/routes/webhooks.refunds.create";
import { action as settingsAction, loader as settingsLoader } from "../app/routes/app.settings";
import { TEST_SHOPIFY } from "./test-env";

const sandbox = await useFreshBooksSandbox();

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await resetEvents();
  await connectThroughOAuth();
});

/** The database as a worker sees it that dies right after FreshBooks answered a write: the write recording the answer never happens. */
function dbOfAWorkerKilledAfterThePost(): PrismaClient {
  const orderEvent = new Proxy(prisma.orderEvent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "updateMany" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (args: { data: { freshbooksId?: unknown } }) => {
        if (args.data.freshbooksId !== undefined && args.data.freshbooksId !== null) throw new Error("worker killed (simulated SIGKILL)");
        return value.call(target, args);
      };
    },
  });
  return new Proxy(prisma, {
    get: (target, property, receiver) => (property === "orderEvent" ? orderEvent : Reflect.get(target, property, receiver)),
  });
}

async function syncedOrder(order: Record<string, unknown>) {
  await deliverOrder(order);
  const result = await attemptOrderSync(TEST_SHOP, String(order.id), "job-1", { db: prisma, logger });
  expect(result.outcome).toBe("synced");
}

async function onlyEventId(): Promise<string> {
  const event = await prisma.orderEvent.findFirstOrThrow({ where: { shop: TEST_SHOP } });
  return event.id.toString();
}

describe.each(["honoured", "ignored"] as const)(
  "a worker killed between the FreshBooks write and its record (credit-note search %s)",
  (creditSearch) => {
    beforeEach(() => {
      sandbox.setDialect({ creditSearch });
    });

    it("exactly one credit note: the next attempt finds it by its number", async () => {
      await syncedOrder(orderFixture("us-discount-tax-shipping"));
      // Another order's credit note in the same account, which an ignored filter also returns.
      await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"));
      const id = await onlyEventId();

      await expect(processOrderEvent(TEST_SHOP, id, { db: dbOfAWorkerKilledAfterThePost(), logger })).rejects.toThrow("worker killed");
      expect(sandbox.state.creditNotes()).toHaveLength(1);

      const result = await processOrderEvent(TEST_SHOP, id, { db: prisma, logger });
      expect(result.outcome).toBe("done");
      expect(sandbox.state.creditNotes()).toHaveLength(1);
      expect(await prisma.orderEvent.findFirstOrThrow({})).toMatchObject({
        status: "done",
        freshbooksNumber: "SHOP-1001-R1",
        recordedAmount: "9.80",
      });
      // The money leg too: taken off once.
      expect((sandbox.state.payments()[0] as { amount: { amount: string } }).amount.amount).toBe("39.30");
    });

    it("exactly one payment: the next attempt finds it by its note", async () => {
      await syncedOrder(lifecycleFixture("orders-create.unpaid-cod"));
      await deliverEvent("order_transactions/create", lifecycleFixture("order_transactions-create.cod-marked-paid"));
      const id = await onlyEventId();

      await expect(processOrderEvent(TEST_SHOP, id, { db: dbOfAWorkerKilledAfterThePost(), logger })).rejects.toThrow("worker killed");
      expect(sandbox.state.payments()).toHaveLength(1);

      expect((await processOrderEvent(TEST_SHOP, id, { db: prisma, logger })).outcome).toBe("done");
      expect(sandbox.state.payments()).toHaveLength(1);
      expect((sandbox.state.invoices()[0] as { payment_status: string }).payment_status).toBe("paid");
    });
  },
);

describe("intake of the lifecycle topics", () => {
  it("a forged refund is refused 401 and stores nothing; an unreadable one is 400 and kept as rejected", async () => {
    const forged = (await settle(() =>
      refundsCreate(
        routeArgs(
          webhookRequest({ topic: "refunds/create", body: lifecycleFixture("refunds-create.line-item"), secret: "not-the-secret" }),
        ),
      ),
    )) as Response;
    expect(forged.status).toBe(401);
    const unreadable = await deliverEvent("refunds/create", { id: 1, note: "no order id" });
    expect(unreadable.status).toBe(400);
    expect(await prisma.orderEvent.count()).toBe(0);
    expect(await prisma.rejectedDelivery.count({ where: { topic: "REFUNDS_CREATE" } })).toBe(1);
  });

  it("a delivery sent to another topic's address is refused 400", async () => {
    const request = webhookRequest({
      topic: "orders/paid",
      body: lifecycleFixture("orders-paid.cod-marked-paid"),
      path: "/webhooks/refunds/create",
    });
    expect(((await settle(() => refundsCreate(routeArgs(request)))) as Response).status).toBe(400);
  });

  it("each event is its own record with its own job key, in the order's queue; a duplicate adds nothing", async () => {
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"), "w1");
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"), "w2");
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.shipping"), "w3");
    const jobs = await prisma.$queryRaw<
      { key: string; queue_name: string }[]
    >`select key, queue_name from graphile_worker.jobs where task_identifier = 'order-event' order by key`;
    expect(jobs).toHaveLength(2);
    expect(new Set(jobs.map((job) => job.queue_name))).toEqual(new Set([`order:${TEST_SHOP}:5812345678901`]));
    expect(jobs.map((job) => job.key)).toEqual([`order-event:${TEST_SHOP}:1`, `order-event:${TEST_SHOP}:3`]);
  });
});

describe("the order page shows the order's life", () => {
  const page = async (id: string) => {
    const request = new Request(`${TEST_SHOPIFY.appUrl}/app/orders/${id}`, { headers: { Authorization: `Bearer ${sessionToken()}` } });
    return (await detailLoader({ ...routeArgs(request), params: { id } })) as Awaited<ReturnType<typeof detailLoader>>;
  };

  it("a refused credit note is failed with FreshBooks' reason and its own Retry, which then records it; state and tie-out follow", async () => {
    sandbox.setDialect({ creditNegativeLines: "refused" });
    await syncedOrder(orderFixture("us-discount-tax-shipping"));
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.restocking-fee"));
    const eventId = await onlyEventId();
    expect((await processOrderEvent(TEST_SHOP, eventId, { db: prisma, logger })).outcome).toBe("failed");
    const orderRow = await prisma.orderSync.findFirstOrThrow({});

    const before = await page(orderRow.id.toString());
    expect(before.lifecycle.events).toEqual([
      expect.objectContaining({ kind: "Refund", status: "failed", retryable: true, text: expect.stringContaining("negative") }),
    ]);
    expect(before.lifecycle.accountingState).toBe("Paid");

    sandbox.setDialect({ creditNegativeLines: "accepted" });
    const form = new URLSearchParams({ intent: "retry-event", eventId });
    const post = new Request(`${TEST_SHOPIFY.appUrl}/app/orders/${orderRow.id}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sessionToken()}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(await settle(() => detailAction({ ...routeArgs(post), params: { id: orderRow.id.toString() } }))).toEqual({
      message: "Event queued for retry",
    });
    expect((await processOrderEvent(TEST_SHOP, eventId, { db: prisma, logger })).outcome).toBe("done");

    const after = await page(orderRow.id.toString());
    expect(after.lifecycle.events).toEqual([
      expect.objectContaining({ status: "done", freshbooksNumber: "SHOP-1001-R1", amount: "21.50", retryable: false }),
    ]);
    expect(after.lifecycle.accountingState).toBe("Partly refunded");
    expect(after.lifecycle.tieOut).toEqual({ shopifyNet: "27.60", freshbooksNet: "27.60", difference: null });
  });

  it("an event switched off in Settings is not synced", async () => {
    const headers = { Authorization: `Bearer ${sessionToken()}` };
    const shown = (await settingsLoader(routeArgs(new Request(`${TEST_SHOPIFY.appUrl}/app/settings`, { headers })))) as {
      lifecycle: Record<string, boolean>;
    };
    expect(shown.lifecycle).toEqual({ syncLaterPayments: true, syncRefunds: true, syncCancellations: true, syncEdits: true });
    const body = new URLSearchParams({
      intent: "save-lifecycle",
      syncLaterPayments: "on",
      syncRefunds: "off",
      syncCancellations: "on",
      syncEdits: "on",
    });
    const saved = await settingsAction(
      routeArgs(
        new Request(`${TEST_SHOPIFY.appUrl}/app/settings`, {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
          body,
        }),
      ),
    );
    expect(saved).toMatchObject({ toast: expect.stringContaining("saved") });
    await syncedOrder(orderFixture("us-discount-tax-shipping"));
    await deliverEvent("refunds/create", lifecycleFixture("refunds-create.line-item"));
    expect((await processOrderEvent(TEST_SHOP, await onlyEventId(), { db: prisma, logger })).outcome).toBe("ignored");
    expect(sandbox.state.creditNotes()).toHaveLength(0);
  });
});
