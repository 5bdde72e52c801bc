/**
 * Sync states and the sync log's filters: shared by the server (queries) and the browser
 * (tabs, badges), so they live outside *.server modules.
 */
export const SYNC_STATUSES = ["queued", "syncing", "synced", "synced_with_difference", "failed", "needs_reconnect", "skipped"] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const STATUS_FILTERS = {
  all: null,
  synced: ["synced"],
  difference: ["synced_with_difference"],
  failed: ["failed", "needs_reconnect"],
  pending: ["queued", "syncing"],
  skipped: ["skipped"],
} as const satisfies Record<string, readonly SyncStatus[] | null>;
export type StatusFilter = keyof typeof STATUS_FILTERS;

/**
 * What the merchant's Retry re-queues: these states, and a queued order that waits out a
 * scheduled retry (Retry runs it now). A queued order without one is about to run anyway;
 * synced, skipped and syncing orders are never retried.
 */
export const RETRY_STATES = ["failed", "needs_reconnect", "synced_with_difference"] as const satisfies readonly SyncStatus[];

/**
 * Whether the page offers Retry for an order. An order waiting for a reconnect offers none:
 * retrying cannot help until FreshBooks is reconnected, and reconnecting re-queues it (the
 * page offers Reconnect instead).
 */
export function canRetry(row: { status: SyncStatus; nextAttemptAt: string | null }, now: number = Date.now()): boolean {
  if (row.status === "needs_reconnect") return false;
  if ((RETRY_STATES as readonly string[]).includes(row.status)) return true;
  return row.status === "queued" && row.nextAttemptAt !== null && new Date(row.nextAttemptAt).getTime() > now;
}

export const DUE_TERMS = [
  { value: "0", label: "Due on receipt" },
  { value: "7", label: "Net 7" },
  { value: "15", label: "Net 15" },
  { value: "30", label: "Net 30" },
  { value: "60", label: "Net 60" },
  { value: "custom", label: "Custom number of days" },
] as const;
