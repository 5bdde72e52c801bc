import { z } from "zod";

/**
 * One background task: everything about its jobs is written here once, beside its payload
 * schema (the shape trigger.dev keeps beside each task). Whoever adds the job (enqueue, or a
 * statement through `addJobSql`, both in ./enqueue.server.ts) gets these settings from here.
 */
export interface TaskDefinition<S extends z.ZodType = z.ZodType> {
  /** The payload's schema: checked when the job is added, and again by the task before it runs. */
  payload: S;
  /**
   * The job key rule: the payload fields whose values make the key `<task>:<value>:<value>…`.
   * One pending job per key; adding the same key again replaces it (`jobKeyMode`). Absent: no key.
   */
  key?: readonly (keyof z.infer<S> & string)[];
  /** "replace" (graphile-worker's default) or "preserve_run_at" when the same key is added again. */
  jobKeyMode?: "replace" | "preserve_run_at";
  /**
   * graphile-worker's own retries (its backoff), for a task that throws. The sync's own retry
   * policy re-queues the job itself and never throws for FreshBooks' answers (docs/decisions/0008).
   */
  maxAttempts: number;
  /** Jobs of one named queue run one at a time, in order. Absent: no queue (run in parallel). */
  queue?: string;
  /** Lower runs first (graphile-worker's default 0). */
  priority?: number;
  /** A crontab item for a periodic task: `schedule` in crontab syntax, `fill` the back-fill window. */
  cron?: { schedule: string; fill?: string };
}

/** Declares a task, keeping its schema's type (so `key` can only name the payload's fields). */
function task<S extends z.ZodType>(definition: TaskDefinition<S>): TaskDefinition<S> {
  return definition;
}

/**
 * Every background task, by name. A new task: an entry here (schema, key rule, attempts, and
 * queue/priority/cron when it needs them), its implementation in ./tasks/, and its line in the
 * task list of ./worker.server.ts (a missing one is a compile error).
 */
export const taskCatalog = {
  /** Records that a worker is alive and draining the queue (read by the health check). A missed beat is not retried. */
  "worker-heartbeat": task({ payload: z.object({}).passthrough(), maxAttempts: 1, cron: { schedule: "* * * * *" } }),
  /** Daily (crontab): deletes what is past its retention period; the cron's own payload only. Runs on start-up if missed that day. */
  "purge-expired-data": task({ payload: z.object({}).passthrough(), maxAttempts: 3, cron: { schedule: "17 3 * * *", fill: "1d" } }),
  /** Sync one Shopify order to FreshBooks (client, invoice, payment); idempotent at every step. One pending job per order. */
  "sync-order": task({
    payload: z.object({ shop: z.string().min(1), orderId: z.string().regex(/^\d+$/) }),
    key: ["shop", "orderId"],
    jobKeyMode: "replace",
    // For failures that are not FreshBooks' answers (database, bugs); see docs/decisions/0008.
    maxAttempts: 10,
  }),
  /**
   * One order lifecycle event (payment, refund, cancellation, edit) → FreshBooks (docs/decisions/0016).
   * Its jobs run in the order's own queue, `order:<shop>:<orderId>` (one at a time, in order), named
   * by whoever adds them (`orderEventJobSql`): the queue is per order, not per task.
   */
  "order-event": task({
    payload: z.object({ shop: z.string().min(1), eventId: z.string().regex(/^\d+$/) }),
    key: ["shop", "eventId"],
    jobKeyMode: "replace",
    maxAttempts: 10,
  }),
  /** Cron (ADMIN_SWEEP_INTERVAL_MINUTES, see sweepCrontab in ./tasks/admin-sync.server.ts): queues one sweep-shop per installed shop. */
  "sweep-shops": task({ payload: z.object({}).passthrough(), maxAttempts: 1 }),
  /** The completeness sweep of one shop: queues the orders no webhook delivered (app/admin-sync/sweep.server.ts). One pending per shop, behind live orders. */
  "sweep-shop": task({
    payload: z.object({ shop: z.string().min(1) }),
    key: ["shop"],
    jobKeyMode: "preserve_run_at",
    maxAttempts: 3,
    priority: 5,
  }),
  /**
   * One step of an import of past orders: a page of orders, then itself again (app/admin-sync/import.server.ts).
   * Behind live orders, ahead of the imported orders it queued (priority 10): its next page is queued
   * while they run, so the worker never waits for it; how many may wait is its own limit.
   */
  "import-orders": task({
    payload: z.object({ shop: z.string().min(1), importId: z.string().regex(/^\d+$/) }),
    key: ["importId"],
    jobKeyMode: "replace",
    maxAttempts: 10,
    priority: 5,
  }),
  /** Writes the FreshBooks invoice number onto the Shopify order (metafield + tag; app/admin-sync/write-back.server.ts). Never part of the sync's outcome. */
  "write-back-order": task({
    payload: z.object({ shop: z.string().min(1), orderId: z.string().regex(/^\d+$/) }),
    key: ["shop", "orderId"],
    jobKeyMode: "replace",
    maxAttempts: 5,
    priority: 20,
  }),
} as const;

export type TaskName = keyof typeof taskCatalog;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskCatalog)[T]["payload"]>;

export function parsePayload<T extends TaskName>(task: T, payload: unknown): TaskPayload<T> {
  return taskCatalog[task].payload.parse(payload) as TaskPayload<T>;
}

/** The fields of the task's job key rule (empty: its jobs have no key). */
export function keyFields(task: TaskName): readonly string[] {
  const definition: TaskDefinition = taskCatalog[task];
  return definition.key ?? [];
}

/** The job key of this payload under the task's key rule, or null when the task has none. */
export function jobKey<T extends TaskName>(task: T, payload: TaskPayload<T>): string | null {
  const fields = keyFields(task);
  if (fields.length === 0) return null;
  return [task, ...fields.map((field) => String((payload as Record<string, unknown>)[field]))].join(":");
}

/** The worker's crontab (graphile-worker syntax), from the catalog's cron entries. */
export function crontab(): string {
  return Object.entries(taskCatalog)
    .flatMap(([name, definition]: [string, TaskDefinition]) => {
      if (!definition.cron) return [];
      const options = [`id=${name}`, ...(definition.cron.fill ? [`fill=${definition.cron.fill}`] : []), `max=${definition.maxAttempts}`];
      return [`${definition.cron.schedule} ${name} ?${options.join("&")}`];
    })
    .join("\n");
}
