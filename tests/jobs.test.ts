import { runOnce } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import prisma from "../app/db.server";
import { Prisma } from "@prisma/client";
import { crontab } from "../app/jobs/catalog";
import { addJobSql, enqueue, fromRow } from "../app/jobs/enqueue.server";
import { WORKER_HEARTBEAT_ID, workerHeartbeat } from "../app/jobs/tasks/worker-heartbeat.server";

type JobRow = { task_identifier: string; payload: unknown; key: string | null };

async function queuedJobs(): Promise<JobRow[]> {
  // The public `jobs` view leaves the payload out; the private table has it.
  return prisma.$queryRaw<JobRow[]>`
    select t.identifier as task_identifier, j.payload, j.key
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    order by j.id`;
}

describe("background jobs", () => {
  it("adds the job when the surrounding transaction commits", async () => {
    await prisma.$transaction(async (tx) => {
      await enqueue(tx, "worker-heartbeat", {}, { jobKey: "committed" });
    });
    expect(await queuedJobs()).toEqual([{ task_identifier: "worker-heartbeat", payload: {}, key: "committed" }]);
  });

  it("adds nothing when the transaction rolls back", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await enqueue(tx, "worker-heartbeat", {}, { jobKey: "rolled-back" });
        throw new Error("the data write failed");
      }),
    ).rejects.toThrow("the data write failed");
    expect((await queuedJobs()).map((job) => job.key)).not.toContain("rolled-back");
  });

  it("absorbs a second job with the same key", async () => {
    await enqueue(prisma, "worker-heartbeat", {}, { jobKey: "same-key" });
    await enqueue(prisma, "worker-heartbeat", {}, { jobKey: "same-key" });
    expect((await queuedJobs()).filter((job) => job.key === "same-key")).toHaveLength(1);
  });

  it("refuses a payload that does not match the task's schema", async () => {
    await expect(enqueue(prisma, "worker-heartbeat", "nope" as unknown as Record<string, never>)).rejects.toBeInstanceOf(ZodError);
  });

  it("runs queued jobs in a real graphile-worker, which records the heartbeat", async () => {
    await enqueue(prisma, "worker-heartbeat", {});
    await runOnce({
      connectionString: process.env.DATABASE_URL!,
      taskList: { "worker-heartbeat": workerHeartbeat },
    });
    const beat = await prisma.workerHeartbeat.findUnique({ where: { id: WORKER_HEARTBEAT_ID } });
    expect(beat?.beatAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await queuedJobs()).toEqual([]);
  });

  it("adds every job with its catalog entry's key rule and max attempts, from a value or from a statement's rows", async () => {
    await enqueue(prisma, "sync-order", { shop: "a.myshopify.com", orderId: "1" });
    await prisma.$executeRaw`
      with rows as (select * from (values ('2'), ('3')) as t(order_id))
      select ${addJobSql("sync-order", fromRow("sync-order", { shop: Prisma.sql`${"a.myshopify.com"}::text`, orderId: Prisma.sql`order_id` }))} from rows`;
    const jobs = await prisma.$queryRaw<{ key: string; payload: unknown; max_attempts: number }[]>`
      select key, payload, max_attempts from graphile_worker._private_jobs where key like 'sync-order:%' order by key`;
    expect(jobs).toEqual(
      ["1", "2", "3"].map((orderId) => ({
        key: `sync-order:a.myshopify.com:${orderId}`,
        payload: { shop: "a.myshopify.com", orderId },
        max_attempts: 10,
      })),
    );
    await enqueue(prisma, "sync-order", { shop: "a.myshopify.com", orderId: "1" }, { runAt: new Date(Date.now() + 60_000) });
    expect(await prisma.$queryRaw`select count(*)::int as n from graphile_worker._private_jobs where key like 'sync-order:%'`).toEqual([
      { n: 3 },
    ]);
    await prisma.$executeRaw`delete from graphile_worker._private_jobs where key like 'sync-order:%'`;
  });

  it("builds the worker's crontab from the catalog's cron entries", () => {
    expect(crontab()).toBe(
      ["* * * * * worker-heartbeat ?id=worker-heartbeat&max=1", "17 3 * * * purge-expired-data ?id=purge-expired-data&fill=1d&max=3"].join(
        "\n",
      ),
    );
  });
});
