import { beforeEach, describe, expect, it } from "vitest";
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
const twoMinutesAgo = () => new Date(Date.now() - 2 * 60_000);
const viaPrisma = (sql: string, values: unknown[]) => prisma.$executeRawUnsafe(sql, ...values);

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await prisma.workerHeartbeat.deleteMany();
});

async function lockJob(key: string, workerId: string) {
  await enqueue(prisma, "worker-heartbeat", {}, { jobKey: key });
  await prisma.$executeRaw`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = ${twoMinutesAgo()} where key = ${key}`;
}

const lockedBy = async (key: string) =>
  (await prisma.$queryRaw<{ locked_by: string | null }[]>`select locked_by from graphile_worker._private_jobs where key = ${key}`)[0]?.locked_by;

describe("recovering from killed workers", () => {
  it("unlocks the jobs of a worker that stopped beating, not those of live workers", async () => {
    const unlocked: string[][] = [];
    const utils = { forceUnlockWorkers: async (ids: string[]) => void unlocked.push(ids) };
    await lockJob("held-by-dead", "worker-dead");
    await lockJob("held-by-live", "worker-live");
    await beat(viaPrisma, ["worker-live"], new Date());
    await beat(viaPrisma, ["worker-dead"], new Date(Date.now() - DEAD_AFTER_MS - 5_000));

    expect(await reapDeadWorkers(prisma, utils, new Set(["worker-me"]), new Date())).toEqual(["worker-dead"]);
    expect(unlocked).toEqual([["worker-dead"]]);
  });

  it("really frees the job in graphile-worker's queue", async () => {
    const { makeWorkerUtils } = await import("graphile-worker");
    const utils = await makeWorkerUtils({ connectionString: process.env.DATABASE_URL! });
    try {
      await lockJob("held-by-killed", "worker-killed");
      await reapDeadWorkers(prisma, utils, new Set(), new Date());
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
      prisma.orderSync.updateMany({ where: { orderId }, data: { status: "syncing", claimedBy: workerId, lastAttemptAt: twoMinutesAgo() } });

    await claimBy("worker-alive");
    await beat(viaPrisma, ["worker-alive"], new Date());
    expect((await attemptOrderSync(TEST_SHOP, orderId, "job-2", { db: prisma, logger, workerId: "worker-2" })).outcome).toBe("busy");

    await claimBy("worker-killed");
    expect((await attemptOrderSync(TEST_SHOP, orderId, "job-3", { db: prisma, logger, workerId: "worker-2" })).outcome).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
  });
});
