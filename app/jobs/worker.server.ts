import { run, type Runner, type TaskList } from "graphile-worker";
import { crontab, type TaskName } from "./catalog";
import { orderEventTask } from "./tasks/order-event.server";
import { purgeExpiredDataTask } from "./tasks/purge-expired-data.server";
import { syncOrderTask } from "./tasks/sync-order.server";
import { workerHeartbeat } from "./tasks/worker-heartbeat.server";
import { importOrdersTask, sweepCrontab, sweepShopsTask, sweepShopTask, writeBackOrderTask } from "./tasks/admin-sync.server";
import { closeAdvisoryLocks } from "../db/advisory-lock.server";
import prisma from "../db.server";
import { PatientPool } from "../db/patient-pool.server";
import { logger } from "../logger.server";
import { releaseOwnWork, startLiveness, workerEvents } from "./liveness.server";
import { startWatchdog, type StallReport } from "./watchdog.server";
import { workerLogger } from "./worker-logger.server";
import { INTAKE_SWEEP_MS, startIntakeSweep } from "../webhooks/order-intake.server";

/** Every task of the catalog, by name (the type makes a missing one a compile error). */
export const tasks: Record<TaskName, TaskList[string]> = {
  "worker-heartbeat": workerHeartbeat,
  "sync-order": syncOrderTask,
  "purge-expired-data": purgeExpiredDataTask,
  "order-event": orderEventTask,
  "sweep-shops": sweepShopsTask,
  "sweep-shop": sweepShopTask,
  "import-orders": importOrdersTask,
  "write-back-order": writeBackOrderTask,
};

/**
 * Cron items (graphile-worker crontab syntax), from the catalog's `cron` entries: a missed beat is
 * not back-filled or retried; the retention purge runs daily at 03:17 UTC, and once on start-up
 * if the worker missed it that day.
 */
export const CRONTAB = crontab();

/**
 * How long graphile-worker's connections wait for an unreachable database (down, restarting)
 * before its operation fails: a restart of a few seconds must not kill the worker through a
 * job it could not mark done (app/db/patient-pool.server.ts). Also how long the worker waits for
 * its database when it starts.
 */
export const DATABASE_PATIENCE_MS = 60_000;

export interface WorkerOptions {
  connectionString: string;
  concurrency: number;
  /**
   * The watchdog (app/jobs/watchdog.server.ts): called when jobs are due but this worker stopped
   * taking or finishing them, after its jobs and claims were released. The worker process exits
   * there; without it, no watchdog runs (tests, the web process's optional in-process worker).
   */
  onStall?: (report: StallReport) => void;
}

/** The runner, plus what a process that must exit without a graceful stop frees first. */
export type WorkerRunner = Runner & { releaseOwnWork(): Promise<void> };

/**
 * Starts a graphile-worker runner. Signals are handled by the caller (app/bin/worker.ts or the
 * web server), which calls `runner.stop()` for a graceful shutdown: running jobs finish,
 * no new ones start.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerRunner> {
  const { events, ids } = workerEvents();
  const patience = { patienceMs: DATABASE_PATIENCE_MS, logger };
  const pgPool = new PatientPool({ connectionString: options.connectionString, max: Math.max(10, options.concurrency + 5) }, patience);
  // The liveness tick on a pool of its own: graphile-worker's busy pool must not delay a beat.
  const livenessPool = new PatientPool({ connectionString: options.connectionString, max: 2 }, patience);
  let runner: Runner;
  try {
    runner = await run({
      pgPool,
      concurrency: options.concurrency,
      taskList: tasks,
      crontab: [CRONTAB, sweepCrontab()].join("\n"),
      noHandleSignals: true,
      logger: workerLogger,
      events,
    });
  } catch (error) {
    await Promise.all([pgPool.end(), livenessPool.end()]).catch(() => {});
    throw error;
  }
  const liveness = await startLiveness(prisma, livenessPool, ids);
  // Received orders a web process left behind (it died between its 200 and its batch): docs/decisions/0019.
  const intake = startIntakeSweep(pgPool, INTAKE_SWEEP_MS);
  const release = () => releaseOwnWork(options.connectionString, ids);
  const watchdog = options.onStall
    ? startWatchdog({
        events,
        connectionString: options.connectionString,
        concurrency: options.concurrency,
        taskNames: Object.keys(tasks),
        onStall: (report) => {
          logger.error({ ...report }, "worker stalled: jobs are due but none was started or finished; releasing them and exiting");
          liveness.stop().catch(() => {}); // no beat for ids whose jobs are being released
          void release()
            .catch((error: unknown) =>
              logger.error({ reason: String(error) }, "could not release this worker's jobs; the next worker's reaper will"),
            )
            .finally(() => options.onStall?.(report));
        },
      })
    : undefined;
  const stop = runner.stop.bind(runner);
  return Object.assign(runner, {
    releaseOwnWork: release,
    stop: async (reason?: string) => {
      watchdog?.stop();
      await intake.stop();
      await stop(reason);
      await liveness.stop();
      await closeAdvisoryLocks();
      await Promise.all([pgPool.end(), livenessPool.end()]);
    },
  });
}
