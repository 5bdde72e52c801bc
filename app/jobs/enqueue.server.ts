import type { Prisma, PrismaClient } from "@prisma/client";
import { parsePayload, type TaskName, type TaskPayload } from "./catalog";

export interface JobSpec {
  /** Deduplication key: a second job with the same key replaces (or is absorbed by) the first. */
  jobKey?: string;
  /** "preserve_run_at" keeps a pending job's schedule when the same key is added again. */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  /** Jobs in one named queue run one at a time, in order. */
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

type Queryable = PrismaClient | Prisma.TransactionClient;

/**
 * Adds a graphile-worker job through the given Prisma client or transaction, so that the job
 * exists exactly when the surrounding transaction commits (the transactional-outbox pattern:
 * never enqueue outside the data transaction).
 */
export async function enqueue<T extends TaskName>(
  db: Queryable,
  task: T,
  payload: TaskPayload<T>,
  spec: JobSpec = {},
): Promise<void> {
  const checked = parsePayload(task, payload);
  await db.$executeRaw`
    select graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${JSON.stringify(checked)}::json,
      queue_name => ${spec.queueName ?? null}::text,
      run_at => ${spec.runAt ?? null}::timestamptz,
      max_attempts => ${spec.maxAttempts ?? null}::int,
      job_key => ${spec.jobKey ?? null}::text,
      priority => ${spec.priority ?? null}::int,
      job_key_mode => ${spec.jobKeyMode ?? null}::text
    )`;
}
