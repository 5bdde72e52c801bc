import type { HandleErrorFunction } from "@remix-run/node";
import { logger } from "./logger.server";

/** Unexpected server errors: one structured log line, never the request body or headers. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  const url = new URL(request.url);
  logger.error(
    {
      method: request.method,
      path: url.pathname,
      err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error),
    },
    "unhandled error",
  );
};
