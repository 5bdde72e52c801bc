import pg from "pg";
import type { WorkerEvents } from "graphile-worker";
import { logger } from "../logger.server";

/**
 * The worker process's own watchdog: a safety net for a worker that is alive (its liveness tick
 * beats, so no other worker frees its jobs) but no longer works (a wedged connection, a library
 * bug after a database restart). When jobs it could run are due and it has neither started nor
 * finished one for a bounded time, it reports a stall; the worker then exits, so its supervisor
 * (systemd, the container orchestrator, the bench) starts a fresh one.
 *
 * - A free slot and no job started for `idleStallMs` while jobs are due: graphile-worker polls
 *   every 2 s and is woken by LISTEN/NOTIFY, so a healthy worker with room starts a due job
 *   within seconds.
 * - Every slot busy and no job finished for `busyStallMs` while jobs are due: longer, since a
 *   sync attempt waits on FreshBooks (each request bounded by FRESHBOOKS_TIMEOUT_MS).
 * - Fetching a job has failed at every poll for `getJobStallMs` while the database answers the
 *   watchdog: graphile-worker 0.18 caches its task ids as a promise on the first poll, and when
 *   that first poll hits a database outage (a worker starting while Postgres restarts) the
 *   rejected promise stays cached: every later poll fails at once, for ever, with nothing but
 *   a debug line (taskIdentifiers.js). Only a fresh process recovers.
 *
 * "Due" is read from the queue on a connection of its own, made for each check with short
 * timeouts: if the database cannot be reached, nothing is decided (restarting the worker would
 * not bring the database back), and the stall clock starts again.
 */
export const IDLE_STALL_MS = 30_000;
export const BUSY_STALL_MS = 5 * 60_000;
export const GET_JOB_STALL_MS = 10_000;
export const CHECK_EVERY_MS = 5_000;

export interface StallReport {
  kind: "idle" | "busy" | "getJob";
  dueJobs: number;
  runningJobs: number;
  stalledForMs: number;
}

export interface WatchdogOptions {
  events: WorkerEvents;
  connectionString: string;
  concurrency: number;
  taskNames: readonly string[];
  onStall: (report: StallReport) => void;
  idleStallMs?: number;
  busyStallMs?: number;
  getJobStallMs?: number;
  checkEveryMs?: number;
}

/** Jobs a worker with these tasks could take now: unlocked, attempts left, run_at passed, queue (if any) free. */
export async function countDueJobs(connectionString: string, taskNames: readonly string[]): Promise<number> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000, query_timeout: 5_000, statement_timeout: 5_000 });
  client.on("error", () => {}); // a dropped connection fails the query below
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from graphile_worker._private_jobs j
         join graphile_worker._private_tasks t on t.id = j.task_id
         left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
       where t.identifier = any($1::text[]) and j.is_available and j.run_at <= now() and (q.id is null or q.locked_at is null)`,
      [[...taskNames]],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => {});
  }
}

export function startWatchdog(options: WatchdogOptions): { stop(): void } {
  const idleStallMs = options.idleStallMs ?? IDLE_STALL_MS;
  const busyStallMs = options.busyStallMs ?? BUSY_STALL_MS;
  const getJobStallMs = options.getJobStallMs ?? GET_JOB_STALL_MS;
  const running = new Set<string>();
  let lastStart = Date.now();
  let lastFinish = Date.now();
  // Since when (this process's clock) due jobs have been seen at every check, with no start / no finish.
  let idleSince: number | undefined;
  let busySince: number | undefined;
  // Since when every poll for a job has failed (undefined after one that worked).
  let getJobFailingSince: number | undefined;
  let lastGetJobError = 0;
  let stopped = false;

  const onStart = ({ job }: { job: { id: string } }) => {
    running.add(job.id);
    lastStart = Date.now();
    getJobFailingSince = undefined;
  };
  const onPollWorked = () => {
    getJobFailingSince = undefined;
  };
  const onPollFailed = () => {
    lastGetJobError = Date.now();
    getJobFailingSince ??= lastGetJobError;
  };
  const onFinish = ({ job }: { job: { id: string } }) => {
    running.delete(job.id);
    lastFinish = Date.now();
  };
  options.events.on("job:start", onStart);
  options.events.on("job:complete", onFinish);
  options.events.on("worker:getJob:empty", onPollWorked);
  options.events.on("worker:getJob:error", onPollFailed);

  let checking = false;
  const check = async () => {
    if (checking || stopped) return;
    checking = true;
    const checkedAt = Date.now();
    try {
      const due = await countDueJobs(options.connectionString, options.taskNames).catch(() => undefined);
      if (stopped) return;
      if (due === undefined) {
        idleSince = busySince = undefined;
        return;
      }
      // The database answers, yet every poll for a job failed lately and for long: no job can ever start.
      const pollsFailingFor =
        getJobFailingSince !== undefined && checkedAt - lastGetJobError < CHECK_EVERY_MS ? checkedAt - getJobFailingSince : 0;
      if (pollsFailingFor >= getJobStallMs) {
        stopped = true;
        clearInterval(timer);
        options.onStall({ kind: "getJob", dueJobs: due, runningJobs: running.size, stalledForMs: pollsFailingFor });
        return;
      }
      if (due === 0) {
        idleSince = busySince = undefined;
        return;
      }
      const free = running.size < options.concurrency;
      idleSince = free ? Math.max(idleSince ?? checkedAt, lastStart) : undefined;
      busySince = free ? undefined : Math.max(busySince ?? checkedAt, lastFinish);
      const idleFor = idleSince === undefined ? 0 : checkedAt - idleSince;
      const busyFor = busySince === undefined ? 0 : checkedAt - busySince;
      if (idleFor >= idleStallMs || busyFor >= busyStallMs) {
        stopped = true;
        clearInterval(timer);
        options.onStall({
          kind: idleFor >= idleStallMs ? "idle" : "busy",
          dueJobs: due,
          runningJobs: running.size,
          stalledForMs: Math.max(idleFor, busyFor),
        });
      }
    } catch (error) {
      logger.error({ reason: String(error) }, "worker watchdog check failed");
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.checkEveryMs ?? CHECK_EVERY_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      options.events.off("job:start", onStart);
      options.events.off("job:complete", onFinish);
      options.events.off("worker:getJob:empty", onPollWorked);
      options.events.off("worker:getJob:error", onPollFailed);
    },
  };
}
