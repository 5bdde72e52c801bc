import type { ConnectionStatus } from "../freshbooks/connection.server";
import type { StatusFilter, SyncStatus } from "./sync-status";

/**
 * The one vocabulary of states: what each state of an order, of an attempt and of the
 * FreshBooks connection is called and which tone it has. The badge, the tab, the banner, the
 * overview tiles and the demo's terminal output all read it from here, so a state has one name
 * and one colour wherever the merchant meets it. A new state (e.g. a partial sync) is one row.
 *
 * Shared by the server, the browser and the demo: no *.server imports.
 */
export type Tone = "success" | "info" | "warning" | "critical" | "neutral";

export interface StateWords {
  label: string;
  tone: Tone;
  /** Polaris Badge's progress dot. */
  progress?: "incomplete" | "partiallyComplete" | "complete";
}

/** "Reconnect needed": the one name for a FreshBooks connection (and the orders) waiting for the merchant to reconnect. */
export const RECONNECT_NEEDED = "Reconnect needed";

export const ORDER_STATES: Record<SyncStatus, StateWords> = {
  queued: { label: "Queued", tone: "info", progress: "incomplete" },
  syncing: { label: "Syncing", tone: "info", progress: "partiallyComplete" },
  synced: { label: "Synced", tone: "success", progress: "complete" },
  synced_with_difference: { label: "Synced with difference", tone: "warning", progress: "complete" },
  failed: { label: "Failed", tone: "critical", progress: "incomplete" },
  needs_reconnect: { label: RECONNECT_NEEDED, tone: "critical", progress: "incomplete" },
  skipped: { label: "Skipped", tone: "neutral" },
};

/** The sync log's tabs (and overview tiles): named after the states they show. */
export const FILTER_WORDS: Record<StatusFilter, StateWords> = {
  all: { label: "All", tone: "neutral" },
  synced: ORDER_STATES.synced,
  difference: ORDER_STATES.synced_with_difference,
  failed: { label: "Failed", tone: "critical" },
  pending: { label: "Queued", tone: "info" },
  skipped: ORDER_STATES.skipped,
};

/** One attempt's outcome (sync_attempt.outcome). */
export const ATTEMPT_OUTCOMES: Record<string, StateWords> = {
  syncing: { label: "Running", tone: "info" },
  synced: ORDER_STATES.synced,
  synced_with_difference: ORDER_STATES.synced_with_difference,
  retry: { label: "Will retry", tone: "warning" },
  failed: ORDER_STATES.failed,
  needs_reconnect: ORDER_STATES.needs_reconnect,
  skipped: ORDER_STATES.skipped,
  paused: { label: "Paused", tone: "warning" },
  error: { label: "Internal error", tone: "critical" },
};

export function attemptOutcome(outcome: string): StateWords {
  return ATTEMPT_OUTCOMES[outcome] ?? { label: outcome.replaceAll("_", " "), tone: "neutral" };
}

/** A later event of an order (order_event.status): the order page's timeline and the demo's output. */
export const EVENT_STATES: Record<string, StateWords> = {
  done: { label: "Recorded", tone: "success" },
  ignored: { label: "Nothing to record", tone: "neutral" },
  waiting: { label: "Waiting for the invoice", tone: "warning" },
  queued: { label: "Queued", tone: "info" },
  processing: { label: "Syncing", tone: "info" },
  failed: ORDER_STATES.failed,
};

export function eventState(status: string): StateWords {
  return EVENT_STATES[status] ?? { label: status, tone: "neutral" };
}

/** What each later event is called (order_event.topic, the library's form). */
export const EVENT_KINDS: Record<string, string> = {
  ORDERS_PAID: "Paid",
  ORDER_TRANSACTIONS_CREATE: "Transaction",
  REFUNDS_CREATE: "Refund",
  ORDERS_CANCELLED: "Cancelled",
  ORDERS_UPDATED: "Edited",
};

export type ConnectionState = ConnectionStatus | "not_connected";

/** The FreshBooks connection: its badge and its banner share the name and the tone. */
export const CONNECTION_STATES: Record<ConnectionState, StateWords> = {
  not_connected: { label: "Not connected", tone: "warning" },
  connected: { label: "Connected", tone: "success" },
  pending: { label: "Waiting for your confirmation", tone: "warning" },
  needs_reconnect: { label: RECONNECT_NEEDED, tone: "critical" },
};

export function connectionState(connection: { status: ConnectionStatus } | null): ConnectionState {
  return connection ? connection.status : "not_connected";
}

/** Polaris' tone names for each element (a neutral badge has no tone; a neutral banner is info). */
export function badgeTone(tone: Tone): "success" | "info" | "warning" | "critical" | undefined {
  return tone === "neutral" ? undefined : tone;
}

export function bannerTone(tone: Tone): "success" | "info" | "warning" | "critical" {
  return tone === "neutral" ? "info" : tone;
}

export function textTone(tone: Tone): "success" | "caution" | "critical" | "subdued" | undefined {
  if (tone === "warning") return "caution";
  if (tone === "neutral") return "subdued";
  if (tone === "info") return undefined;
  return tone;
}

/** The terminal's ANSI colour for a tone (the demo's output). */
export const ANSI_COLOR: Record<Tone, number> = { success: 32, info: 36, warning: 33, critical: 31, neutral: 90 };
