import { z } from "zod";

/**
 * Every background task, by name, with the schema of its payload. Enqueueing checks the
 * payload against it at compile time (types) and at run time (zod); each task parses it again
 * before doing anything, since a job row may outlive the code that wrote it.
 */
export const taskCatalog = {
  /** Records that a worker is alive and draining the queue (read by the health check). */
  "worker-heartbeat": z.object({}).passthrough(),
  /** Daily (crontab): deletes what is past its retention period; the cron's own payload only. */
  "purge-expired-data": z.object({}).passthrough(),
  /** Sync one Shopify order to FreshBooks (client, invoice, payment); idempotent at every step. */
  "sync-order": z.object({ shop: z.string().min(1), orderId: z.string().regex(/^\d+$/) }),
  /** One order lifecycle event (payment, refund, cancellation, edit) → FreshBooks; runs in the order's queue (docs/decisions/0016). */
  "order-event": z.object({ shop: z.string().min(1), eventId: z.string().regex(/^\d+$/) }),
} as const;

export type TaskName = keyof typeof taskCatalog;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskCatalog)[T]>;

export function parsePayload<T extends TaskName>(task: T, payload: unknown): TaskPayload<T> {
  return taskCatalog[task].parse(payload) as TaskPayload<T>;
}
