import { Logger } from "graphile-worker";
import { logger } from "../logger.server";

/** graphile-worker's log lines, routed into our structured logger. */
export const workerLogger = new Logger((scope) => (level, message, meta) => {
  const fields = { scope: { label: scope.label, task: scope.taskIdentifier, jobId: scope.jobId }, ...meta };
  if (level === "error") logger.error(fields, message);
  else if (level === "warning") logger.warn(fields, message);
  else if (level === "debug") logger.debug(fields, message);
  else logger.info(fields, message);
});
