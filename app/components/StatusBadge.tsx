import { Badge } from "@shopify/polaris";
import { attemptOutcome, badgeTone, CONNECTION_STATES, ORDER_STATES, type ConnectionState } from "../models/state-words";
import type { SyncStatus } from "../models/sync-status";

/** An order's state, named and coloured as everywhere else (models/state-words.ts). */
export function StatusBadge({ status }: { status: SyncStatus }) {
  const { label, tone, progress } = ORDER_STATES[status];
  return (
    <Badge tone={badgeTone(tone)} progress={progress}>
      {label}
    </Badge>
  );
}

/** One attempt's outcome (sync_attempt.outcome), as the admin shows states: a badge. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  const { label, tone } = attemptOutcome(outcome);
  return <Badge tone={badgeTone(tone)}>{label}</Badge>;
}

/** The FreshBooks connection's state; `label` replaces the state's name (e.g. "Connected to Acme"). */
export function ConnectionBadge({ state, label }: { state: ConnectionState; label?: string }) {
  const words = CONNECTION_STATES[state];
  return <Badge tone={badgeTone(words.tone)}>{label ?? words.label}</Badge>;
}
