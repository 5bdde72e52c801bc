import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../app/logger.server";
import { createWorkerLogger } from "../app/jobs/worker-logger.server";

function captured(level: string) {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger(level, destination), lines };
}

describe("the worker's log", () => {
  it("does not say every minute that the heartbeat ran; it still says when a sync job completed or the heartbeat failed", () => {
    const { logger, lines } = captured("info");
    const worker = createWorkerLogger(logger);
    // What graphile-worker writes when a job completes: the job in the meta, no task in the scope.
    worker.info("Completed task 12 (worker-heartbeat, 3.10ms) with success", { job: { task_identifier: "worker-heartbeat" } });
    worker.scope({ taskIdentifier: "worker-heartbeat" }).info("Completed task 13 (worker-heartbeat, 2.00ms) with success");
    worker.info("Completed task 14 (sync-order, 40.00ms) with success", { job: { task_identifier: "sync-order" } });
    worker.error("Failed task 15 (worker-heartbeat, 5.00ms) with error", { job: { task_identifier: "worker-heartbeat" } });
    expect(lines.map((line) => line.msg)).toEqual([
      "Completed task 14 (sync-order, 40.00ms) with success",
      "Failed task 15 (worker-heartbeat, 5.00ms) with error",
    ]);
  });

  it("keeps the heartbeat's lines at debug", () => {
    const { logger, lines } = captured("debug");
    createWorkerLogger(logger).info("Completed task 12 (worker-heartbeat, 3.10ms) with success", {
      job: { task_identifier: "worker-heartbeat" },
    });
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: "Completed task 12 (worker-heartbeat, 3.10ms) with success" })]);
  });
});
