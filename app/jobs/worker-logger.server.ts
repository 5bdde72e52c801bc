import { Logger } from "graphile-worker";
import { logger as appLogger, type Logger as AppLogger } from "../logger.server";

/**
 * Tasks that run on a schedule whatever happens (the liveness heartbeat, every minute): their
 * routine "Completed task" lines are debug, not info, so a quiet worker's log stays quiet.
 * Their failures are still warnings and errors.
 */
const ROUTINE_TASKS = new Set(["worker-heartbeat"]);

/** graphile-worker's log lines, routed into our structured logger. */
export function createWorkerLogger(target: AppLogger = appLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const fields = { scope: { label: scope.label, task: scope.taskIdentifier, jobId: scope.jobId }, ...meta };
    const task = scope.taskIdentifier ?? (meta as { job?: { task_identifier?: string } } | undefined)?.job?.task_identifier;
    if (level === "error") target.error(fields, message);
    else if (level === "warning") target.warn(fields, message);
    else if (level === "debug" || (task && ROUTINE_TASKS.has(task))) target.debug(fields, message);
    else target.info(fields, message);
  });
}

export const workerLogger = createWorkerLogger();
