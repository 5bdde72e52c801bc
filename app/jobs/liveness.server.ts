import { EventEmitter } from "node:events";
import type { PrismaClient } from "@prisma/client";
import { makeWorkerUtils, type WorkerEvents, type WorkerUtils } from "graphile-worker";
import { logger } from "../logger.server";
import { workerLogger } from "./worker-logger.server";

/**
 * Recovery from killed workers. graphile-worker leaves a job locked by a worker that died
 * (SIGKILL, lost machine) for 4 hours before another worker may take it. Each worker process
 * therefore records a heartbeat for its worker ids, and unlocks jobs held by workers whose
 * heartbeat stopped, so a killed worker's orders continue within a minute or two.
 */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const DEAD_AFTER_MS = 60_000;

const PREFIX = "worker-id:";

export function workerEvents(): { events: WorkerEvents; ids: Set<string> } {
  const events = new EventEmitter() as WorkerEvents;
  const ids = new Set<string>();
  events.on("worker:create", ({ worker }) => ids.add(worker.workerId));
  events.on("worker:release", ({ worker }) => ids.delete(worker.workerId));
  return { events, ids };
}

type Query = (sql: string, values: unknown[]) => Promise<unknown>;

/** Records that these workers are alive (one statement, on whatever connection `query` uses). */
export async function beat(query: Query, ids: Iterable<string>, now: Date): Promise<void> {
  const names = [...ids].map((id) => PREFIX + id);
  if (names.length === 0) return;
  await query(
    `insert into worker_heartbeat (id, beat_at) select unnest($1::text[]), $2
     on conflict (id) do update set beat_at = excluded.beat_at`,
    [names, now],
  );
}

/** Unlocks jobs held by workers that stopped beating; returns their ids. */
export async function reapDeadWorkers(db: PrismaClient, utils: Pick<WorkerUtils, "forceUnlockWorkers">, ownIds: Set<string>, now: Date): Promise<string[]> {
  const cutoff = new Date(now.getTime() - DEAD_AFTER_MS);
  const holders = await db.$queryRaw<{ locked_by: string }[]>`
    select distinct locked_by from graphile_worker._private_jobs
    where locked_by is not null and locked_at < ${cutoff}`;
  if (holders.length === 0) return [];
  const live = await db.workerHeartbeat.findMany({
    where: { id: { in: holders.map((h) => PREFIX + h.locked_by) }, beatAt: { gte: cutoff } },
    select: { id: true },
  });
  const liveIds = new Set(live.map((row) => row.id.slice(PREFIX.length)));
  const dead = holders.map((h) => h.locked_by).filter((id) => !liveIds.has(id) && !ownIds.has(id));
  if (dead.length > 0) {
    await utils.forceUnlockWorkers(dead);
    logger.warn({ workers: dead }, "unlocked jobs of workers that stopped (killed or lost)");
  }
  await db.workerHeartbeat.deleteMany({ where: { id: { startsWith: PREFIX }, beatAt: { lt: new Date(now.getTime() - 86_400_000) } } });
  return dead;
}

/** Beats and reaps on an interval until stopped (one shared WorkerUtils per process). */
export async function startLiveness(db: PrismaClient, connectionString: string, ids: Set<string>): Promise<{ stop(): Promise<void> }> {
  const utils = await makeWorkerUtils({ connectionString, logger: workerLogger });
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      const now = new Date();
      // On graphile-worker's own pool: a busy Prisma pool must not make live workers look dead.
      await utils.withPgClient((client) => beat((sql, values) => client.query(sql, values), ids, now));
      await reapDeadWorkers(db, utils, ids, now);
    })().catch((error: unknown) => logger.error({ reason: String(error) }, "worker liveness check failed"));
  };
  tick();
  const timer = setInterval(tick, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await utils.release();
    },
  };
}
