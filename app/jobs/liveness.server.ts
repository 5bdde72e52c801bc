import { EventEmitter } from "node:events";
import type { PrismaClient } from "@prisma/client";
import pg from "pg";
import { makeWorkerUtils, type WorkerEvents, type WorkerUtils } from "graphile-worker";
import { logger } from "../logger.server";
import { DEAD_AFTER_MS, renewLeases } from "../models/order-claim.server";
import { workerLogger } from "./worker-logger.server";

/**
 * Recovery from killed workers. graphile-worker leaves a job locked by a worker that died
 * (SIGKILL, lost machine) for 4 hours before another worker may take it. Each worker process
 * therefore records a heartbeat for its worker ids, and unlocks jobs held by workers whose
 * heartbeat stopped, so a killed worker's orders continue within a minute or two.
 */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export { DEAD_AFTER_MS };

const PREFIX = "worker-id:";

export function workerEvents(): { events: WorkerEvents; ids: Set<string> } {
  const events = new EventEmitter() as WorkerEvents;
  const ids = new Set<string>();
  events.on("worker:create", ({ worker }) => ids.add(worker.workerId));
  events.on("worker:release", ({ worker }) => ids.delete(worker.workerId));
  return { events, ids };
}

type Query = (sql: string, values: unknown[]) => Promise<unknown>;

/**
 * Records that these workers are alive (one statement, on whatever connection `query` uses).
 * The time is the database's now(), never this machine's clock: workers on machines whose
 * clocks drift apart are compared on one clock, so a clock running behind cannot make a live
 * worker look dead (which would let a second attempt start beside the first).
 */
export async function beat(query: Query, ids: Iterable<string>): Promise<void> {
  const names = [...ids].map((id) => PREFIX + id);
  if (names.length === 0) return;
  await query(
    `insert into worker_heartbeat (id, beat_at) select unnest($1::text[]), now()
     on conflict (id) do update set beat_at = excluded.beat_at`,
    [names],
  );
}

/** Unlocks jobs held by workers that stopped beating; returns their ids. Cutoffs use the database's clock. */
export async function reapDeadWorkers(
  db: PrismaClient,
  utils: Pick<WorkerUtils, "forceUnlockWorkers">,
  ownIds: Set<string>,
): Promise<string[]> {
  const dead = await db.$queryRaw<{ locked_by: string }[]>`
    select distinct j.locked_by from graphile_worker._private_jobs j
    where j.locked_by is not null and j.locked_at < now() - ${DEAD_AFTER_MS}::int * interval '1 millisecond'
      and not exists (
        select 1 from worker_heartbeat h
        where h.id = ${PREFIX}::text || j.locked_by and h.beat_at >= now() - ${DEAD_AFTER_MS}::int * interval '1 millisecond')`;
  const ids = dead.map((row) => row.locked_by).filter((id) => !ownIds.has(id));
  if (ids.length > 0) {
    await utils.forceUnlockWorkers(ids);
    logger.warn({ workers: ids }, "unlocked jobs of workers that stopped (killed or lost)");
  }
  await db.$executeRaw`delete from worker_heartbeat where id like ${PREFIX + "%"} and beat_at < now() - interval '1 day'`;
  return ids;
}

/**
 * A worker process about to exit without finishing its jobs (its watchdog saw it stalled, or it
 * crashed) frees what it holds on the way out, so the next worker starts them at once instead of
 * after DEAD_AFTER_MS: its jobs are unlocked, its orders' claims released (back to queued, as
 * releaseClaim does for one order), its heartbeat rows deleted. On a connection of its own with
 * short timeouts: when the database is what failed, this fails fast and the reaper of the
 * next worker frees the jobs as after a SIGKILL. Call it right before exiting: nothing of this
 * process may write after its claims are released.
 */
export async function releaseOwnWork(connectionString: string, ids: Iterable<string>): Promise<void> {
  const workerIds = [...ids];
  if (workerIds.length === 0) return;
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3_000, query_timeout: 3_000, statement_timeout: 3_000 });
  client.on("error", () => {}); // a dropped connection fails the query below
  await client.connect();
  try {
    await client.query("select graphile_worker.force_unlock_workers($1::text[])", [workerIds]);
    await client.query(
      `update order_sync set status = 'queued', claimed_by = null, lease_renewed_at = null, updated_at = now()
       where status = 'syncing' and claimed_by = any($1::text[])`,
      [workerIds],
    );
    await client.query("delete from worker_heartbeat where id = any($1::text[])", [workerIds.map((id) => PREFIX + id)]);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Beats and reaps on an interval until stopped (one shared WorkerUtils per process, on the pool or database given). */
export async function startLiveness(db: PrismaClient, database: pg.Pool | string, ids: Set<string>): Promise<{ stop(): Promise<void> }> {
  const utils = await makeWorkerUtils(
    typeof database === "string" ? { connectionString: database, logger: workerLogger } : { pgPool: database, logger: workerLogger },
  );
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      // On graphile-worker's own pool: a busy Prisma pool must not make live workers look dead.
      await utils.withPgClient(async (client) => {
        await beat((sql, values) => client.query(sql, values), ids);
        await renewLeases((sql, values) => client.query(sql, values), ids); // a live worker's attempts keep their claim
      });
      await reapDeadWorkers(db, utils, ids);
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
