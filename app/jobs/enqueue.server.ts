import { Prisma, type PrismaClient } from "@prisma/client";
import { jobKey, keyFields, parsePayload, taskCatalog, type TaskDefinition, type TaskName, type TaskPayload } from "./catalog";

/** What a caller may set for one job; everything else comes from the task's catalog entry. */
export interface JobSpec {
  runAt?: Date;
  /** Overrides the catalog's key rule (tests, one-off jobs). */
  jobKey?: string;
  /**
   * The queue, for a task whose queue is per entity rather than per task (an order's events run in
   * the order's queue): a value, or SQL of the statement's rows. Absent: the catalog's `queue`.
   */
  queueName?: string | Prisma.Sql;
  /** Overrides the catalog's priority (an imported order's sync stays behind live orders). */
  priority?: number;
}

type Queryable = PrismaClient | Prisma.TransactionClient;

/** A payload whose fields are SQL expressions of the statement's rows (one job per row). */
export type RowPayload<T extends TaskName> = { [K in keyof TaskPayload<T>]-?: Prisma.Sql };

/**
 * The one way to add a job: the SQL call `graphile_worker.add_job(...)` for this task, with its
 * catalog entry's key rule, max attempts, queue and priority, to put inside a statement (a CTE
 * `select ${addJobSql(...)} from rows`, or `select ${addJobSql(...)}`). The payload is either a
 * value (checked against the task's schema now) or, with `fromRow`, SQL expressions of the
 * statement's rows (each is cast to text: payload fields of a per-row job are strings).
 */
export function addJobSql<T extends TaskName>(task: T, payload: TaskPayload<T> | RowPayloadOf<T>, spec: JobSpec = {}): Prisma.Sql {
  const definition: TaskDefinition = taskCatalog[task];
  let payloadSql: Prisma.Sql;
  let keySql: Prisma.Sql;
  if (payload instanceof RowPayloadOf) {
    ({ payloadSql, keySql } = rowJobSql(task, payload));
    if (spec.jobKey !== undefined) keySql = Prisma.sql`${spec.jobKey}::text`;
  } else {
    const checked = parsePayload(task, payload);
    payloadSql = Prisma.sql`${JSON.stringify(checked)}::json`;
    keySql = Prisma.sql`${spec.jobKey ?? jobKey(task, checked)}::text`;
  }
  return Prisma.sql`graphile_worker.add_job(
      identifier => ${task}::text,
      payload => ${payloadSql},
      queue_name => ${spec.queueName ?? definition.queue ?? null}::text,
      run_at => ${spec.runAt ?? null}::timestamptz,
      max_attempts => ${definition.maxAttempts}::int,
      job_key => ${keySql},
      priority => ${spec.priority ?? definition.priority ?? null}::int,
      job_key_mode => ${definition.jobKeyMode ?? null}::text
    )`;
}

/**
 * The batch form of `addJobSql`: ONE `graphile_worker.add_jobs(...)` call for a job per row of
 * `rows` (a relation the statement can select from, e.g. a CTE's name), each with the same catalog
 * settings as `addJobSql` gives one job. One call costs one notification and one plpgsql run
 * whatever the batch's size (the intake's batches, docs/decisions/0019). Rows must carry distinct
 * job keys. Use as `select count(*) from ${addJobsSql(...)}`; an empty relation adds nothing.
 */
export function addJobsSql<T extends TaskName>(task: T, rows: Prisma.Sql, payload: RowPayloadOf<T>): Prisma.Sql {
  const definition: TaskDefinition = taskCatalog[task];
  const { payloadSql, keySql } = rowJobSql(task, payload);
  return Prisma.sql`graphile_worker.add_jobs(
      array(select row(${task}::text, ${payloadSql}, ${definition.queue ?? null}::text, null::timestamptz,
        ${definition.maxAttempts}::int, ${keySql}, ${definition.priority ?? null}::int, null::text[])::graphile_worker.job_spec
        from ${rows}),
      job_key_preserve_run_at => ${definition.jobKeyMode === "preserve_run_at"}::boolean
    )`;
}

/** A per-row job's payload (each field cast to text) and its key under the task's key rule (null when it has none), as SQL of the row. */
function rowJobSql<T extends TaskName>(task: T, payload: RowPayloadOf<T>): { payloadSql: Prisma.Sql; keySql: Prisma.Sql } {
  const fields = Object.entries(payload.fields) as [string, Prisma.Sql][];
  const payloadSql = Prisma.sql`json_build_object(${Prisma.join(fields.map(([name, value]) => Prisma.sql`${name}::text, (${value})::text`))})`;
  const parts = keyFields(task).map((field) => Prisma.sql`':' || (${payload.fields[field as keyof RowPayload<T>]})::text`);
  const keySql = parts.length === 0 ? Prisma.sql`null::text` : Prisma.sql`${task}::text ${Prisma.join(parts, " || ", "|| ")}`;
  return { payloadSql, keySql };
}

/** Wraps SQL expressions as a per-row payload for `addJobSql` (see RowPayload). */
export class RowPayloadOf<T extends TaskName> {
  constructor(readonly fields: RowPayload<T>) {}
}

export function fromRow<T extends TaskName>(_task: T, fields: RowPayload<T>): RowPayloadOf<T> {
  return new RowPayloadOf<T>(fields);
}

/**
 * Adds one job through the given Prisma client or transaction, so that the job exists exactly
 * when the surrounding transaction commits (the transactional-outbox pattern: never enqueue
 * outside the data transaction).
 */
export async function enqueue<T extends TaskName>(db: Queryable, task: T, payload: TaskPayload<T>, spec: JobSpec = {}): Promise<void> {
  await db.$executeRaw`select ${addJobSql(task, payload, spec)}`;
}
