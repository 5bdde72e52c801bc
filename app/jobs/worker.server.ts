import { run, type Runner, type TaskList } from "graphile-worker";
import type { TaskName } from "./catalog";
import { purgeExpiredDataTask } from "./tasks/purge-expired-data.server";
import { syncOrderTask } from "./tasks/sync-order.server";
import { workerHeartbeat } from "./tasks/worker-heartbeat.server";
import { importOrdersTask, sweepCrontab, sweepShopsTask, sweepShopTask, writeBackOrderTask } from "./tasks/admin-sync.server";
import { closeAdvisoryLocks } from "../db/advisory-lock.server";
import prisma from "../db.server";
import { startLiveness, workerEvents } from "./liveness.server";
import { workerLogger } from "./worker-logger.server";

/** Every task of the catalog, by name (the type makes a missing one a compile error). */
export const tasks: Record<TaskName, TaskList[string]> = {
  "worker-heartbeat": workerHeartbeat,
  "sync-order": syncOrderTask,
  "purge-expired-data": purgeExpiredDataTask,
  "sweep-shops": sweepShopsTask,
  "sweep-shop": sweepShopTask,
  "import-orders": importOrdersTask,
  "write-back-order": writeBackOrderTask,
};

/**
 * Cron items (graphile-worker crontab syntax): a missed beat is not back-filled or retried; the
 * retention purge runs daily at 03:17 UTC, and once on start-up if the worker missed it that day.
 */
export const CRONTAB = [
  "* * * * * worker-heartbeat ?id=worker-heartbeat&max=1",
  "17 3 * * * purge-expired-data ?id=purge-expired-data&fill=1d&max=3",
].join("\n");

/**
 * Starts a graphile-worker runner. Signals are handled by the caller (app/bin/worker.ts or the
 * web server), which calls `runner.stop()` for a graceful shutdown: running jobs finish,
 * no new ones start.
 */
export async function startWorker(options: { connectionString: string; concurrency: number }): Promise<Runner> {
  const { events, ids } = workerEvents();
  const runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    taskList: tasks,
    crontab: [CRONTAB, sweepCrontab()].join("\n"),
    noHandleSignals: true,
    logger: workerLogger,
    events,
  });
  const liveness = await startLiveness(prisma, options.connectionString, ids);
  const stop = runner.stop.bind(runner);
  runner.stop = async (reason?: string) => {
    await stop(reason);
    await liveness.stop();
    await closeAdvisoryLocks();
  };
  return runner;
}
