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
  /** Cron (ADMIN_SWEEP_INTERVAL_MINUTES): queues one sweep-shop per installed shop. */
  "sweep-shops": z.object({}).passthrough(),
  /** The completeness sweep of one shop: queues the orders no webhook delivered (app/admin-sync/sweep.server.ts). */
  "sweep-shop": z.object({ shop: z.string().min(1) }),
  /** One step of an import of past orders: a page of orders, then itself again (app/admin-sync/import.server.ts). */
  "import-orders": z.object({ shop: z.string().min(1), importId: z.string().regex(/^\d+$/) }),
  /** Writes the FreshBooks invoice number onto the Shopify order (metafield + tag; app/admin-sync/write-back.server.ts). */
  "write-back-order": z.object({ shop: z.string().min(1), orderId: z.string().regex(/^\d+$/) }),
} as const;

export type TaskName = keyof typeof taskCatalog;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskCatalog)[T]>;

export function parsePayload<T extends TaskName>(task: T, payload: unknown): TaskPayload<T> {
  return taskCatalog[task].parse(payload) as TaskPayload<T>;
}
