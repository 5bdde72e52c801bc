/** The demo's output: progress lines, and each order's way through the sync as it happens. */
import { ANSI_COLOR, EVENT_KINDS, eventState, ORDER_STATES } from "../../models/state-words";
import { explain } from "../../models/sync-causes";
import { SYNC_STATUSES, type SyncStatus } from "../../models/sync-status";
import type { DemoStore, EventRow, SyncRow } from "./store";

export function say(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

const COLOR = process.stdout.isTTY;
function paint(code: number, text: string): string {
  return COLOR ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** The state as the app names and colours it (models/state-words.ts). */
function stateWords(status: string): { label: string; color: number } {
  const words = (SYNC_STATUSES as readonly string[]).includes(status) ? ORDER_STATES[status as SyncStatus] : null;
  return words ? { label: words.label, color: ANSI_COLOR[words.tone] } : { label: status, color: ANSI_COLOR.neutral };
}

/** The reason as the app words it (models/sync-causes.ts), without FreshBooks' original text. */
function reason(row: SyncRow): string {
  return explain(row)?.what ?? "";
}

function describe(row: SyncRow): string {
  const who = `${row.customerName ?? "guest"} · ${row.totalPrice} ${row.currency}`;
  switch (row.status) {
    case "synced":
    case "synced_with_difference": {
      const note = row.statusCause ? ` · ${reason(row)}` : "";
      return `invoice ${row.invoiceNumber ?? "(none)"} · ${who}${note}`;
    }
    case "queued": {
      if (row.attempts === 0) return who;
      const wait = row.nextAttemptAt ? Math.max(0, Math.round((row.nextAttemptAt.getTime() - Date.now()) / 1000)) : null;
      const why = reason(row) || "It did not go through.";
      return `attempt ${row.attempts}: ${why} ${wait === null ? "Retrying." : `Retrying in ${wait} s.`}`;
    }
    case "syncing":
      return `attempt ${row.attempts + 1}`;
    default: {
      const explanation = explain(row);
      return explanation ? `${explanation.what} ${explanation.fix}` : "";
    }
  }
}

/** A later event's line: the order, what happened, its state as the order page words it, and why. */
function eventLine(event: EventRow): string {
  const words = eventState(event.status);
  const kind = `${EVENT_KINDS[event.topic] ?? event.topic}`.padEnd(11);
  return `        ${(event.orderName ?? "?").padEnd(7)} ${kind} ${paint(ANSI_COLOR[words.tone], words.label.padEnd(22))} ${event.statusReason ?? ""}\n`;
}

/** Polls the sync log of this run's orders (and their later events) and prints each change of status or attempt. */
export class SyncWatcher {
  private seen = new Map<string, string>();
  private seenEvents = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly store: DemoStore,
    private readonly fromNumber: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 500);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async poll(): Promise<SyncRow[]> {
    if (this.polling) return [];
    this.polling = true;
    try {
      const rows = await this.store.rows(this.fromNumber);
      for (const row of rows) {
        const key = `${row.status}/${row.attempts}`;
        if (this.seen.get(row.orderName) === key || row.status === "syncing") continue;
        this.seen.set(row.orderName, key);
        const words = stateWords(row.status);
        const status = paint(words.color, words.label.padEnd(22));
        process.stdout.write(`        ${row.orderName.padEnd(7)} ${status} ${describe(row)}\n`);
      }
      for (const event of await this.store.events(this.fromNumber)) {
        if (event.status === "processing" || this.seenEvents.get(event.id) === event.status) continue;
        this.seenEvents.set(event.id, event.status);
        process.stdout.write(eventLine(event));
      }
      return rows;
    } catch {
      return [];
    } finally {
      this.polling = false;
    }
  }
}
