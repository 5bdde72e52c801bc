import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "../app/db.server";
import { beat, DEAD_AFTER_MS, reapDeadWorkers } from "../app/jobs/liveness.server";
import { enqueue } from "../app/jobs/enqueue.server";
import { logger } from "../app/logger.server";
import { attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

const sandbox = await useFreshBooksSandbox();
const viaPrisma = (sql: string, values: unknown[]) => prisma.$executeRawUnsafe(sql, ...values);
const MINUTE = 60_000;

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await prisma.workerHeartbeat.deleteMany();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A job locked two minutes ago (database time) by `workerId`. */
async function lockJob(key: string, workerId: string) {
  await enqueue(prisma, "worker-heartbeat", {}, { jobKey: key });
  await prisma.$executeRaw`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - interval '2 minutes' where key = ${key}`;
}

/** A worker whose last heartbeat is older than DEAD_AFTER_MS (database time). */
async function stoppedBeating(workerId: string) {
  await beat(viaPrisma, [workerId]);
  await prisma.$executeRaw`update worker_heartbeat set beat_at = now() - ${DEAD_AFTER_MS + 5_000}::int * interval '1 millisecond' where id = ${`worker-id:${workerId}`}`;
}

/** This process's clock, off by `ms` from the database's (another machine, drifted). */
function skewClock(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(Date.now() + ms));
}

const lockedBy = async (key: string) =>
  (await prisma.$queryRaw<{ locked_by: string | null }[]>`select locked_by from graphile_worker._private_jobs where key = ${key}`)[0]
    ?.locked_by;

describe("recovering from killed workers", () => {
  it("unlocks the jobs of a worker that stopped beating, not those of live workers", async () => {
    const unlocked: string[][] = [];
    const utils = { forceUnlockWorkers: async (ids: string[]) => void unlocked.push(ids) };
    await lockJob("held-by-dead", "worker-dead");
    await lockJob("held-by-live", "worker-live");
    await beat(viaPrisma, ["worker-live"]);
    await stoppedBeating("worker-dead");

    expect(await reapDeadWorkers(prisma, utils, new Set(["worker-me"]))).toEqual(["worker-dead"]);
    expect(unlocked).toEqual([["worker-dead"]]);
  });

  it("really frees the job in graphile-worker's queue", async () => {
    const { makeWorkerUtils } = await import("graphile-worker");
    const utils = await makeWorkerUtils({ connectionString: process.env.DATABASE_URL! });
    try {
      await lockJob("held-by-killed", "worker-killed");
      await reapDeadWorkers(prisma, utils, new Set());
      expect(await lockedBy("held-by-killed")).toBeNull();
    } finally {
      await utils.release();
    }
  });

  it("lets a new attempt take an order whose worker died mid-sync, but not one whose worker is alive", async () => {
    await connectThroughOAuth();
    const order = usOrder(1001);
    await deliverOrder(order);
    const orderId = String(order.id);
    const claimBy = async (workerId: string) =>
      prisma.$executeRaw`update order_sync set status = 'syncing', claimed_by = ${workerId}, last_attempt_at = now() - interval '2 minutes' where order_id = ${orderId}`;

    await claimBy("worker-alive");
    await beat(viaPrisma, ["worker-alive"]);
    expect((await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: prisma, logger, workerId: "worker-2" })).outcome).toBe("busy");

    await claimBy("worker-killed");
    expect((await attemptOrderSync(TEST_SHOP, orderId, "job-3", { db: prisma, logger, workerId: "worker-2" })).outcome).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
  });
});

describe("machines whose clocks drift apart", () => {
  it("a live worker on a machine whose clock is 2 minutes behind is not taken for dead", async () => {
    const unlocked: string[][] = [];
    const utils = { forceUnlockWorkers: async (ids: string[]) => void unlocked.push(ids) };
    await lockJob("held-by-slow-clock", "worker-slow-clock");

    skewClock(-2 * MINUTE);
    await beat(viaPrisma, ["worker-slow-clock"]);
    vi.useRealTimers();

    expect(await reapDeadWorkers(prisma, utils, new Set())).toEqual([]);
    expect(unlocked).toEqual([]);
  });

  it.each([
    ["5 minutes ahead (past the dead-worker cutoff)", 5 * MINUTE],
    ["11 minutes ahead (past the attempt lease)", 11 * MINUTE],
  ])("an attempt on a machine whose clock is %s does not take a live worker's order", async (_label, skewMs) => {
    await connectThroughOAuth();
    const order = usOrder(1001);
    await deliverOrder(order);
    const orderId = String(order.id);
    await prisma.$executeRaw`update order_sync set status = 'syncing', claimed_by = 'worker-alive', last_attempt_at = now() where order_id = ${orderId}`;
    await beat(viaPrisma, ["worker-alive"]);

    const ahead = () => new Date(Date.now() + skewMs);
    const result = await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: prisma, logger, workerId: "worker-2", now: ahead });

    expect(result.outcome).toBe("busy");
    expect(sandbox.state.invoices()).toHaveLength(0);
  });
});
