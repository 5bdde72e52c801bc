import { Badge } from "@shopify/polaris";
import type { SyncStatus } from "../models/sync-status";

type Tone = "success" | "warning" | "critical" | "attention" | "info" | undefined;

export const STATUS_LABELS: Record<SyncStatus, { label: string; tone: Tone; progress?: "incomplete" | "partiallyComplete" | "complete" }> = {
  queued: { label: "Queued", tone: "info", progress: "incomplete" },
  syncing: { label: "Syncing", tone: "info", progress: "partiallyComplete" },
  synced: { label: "Synced", tone: "success", progress: "complete" },
  synced_with_difference: { label: "Synced with difference", tone: "warning", progress: "complete" },
  failed: { label: "Failed", tone: "critical", progress: "incomplete" },
  needs_reconnect: { label: "Needs reconnect", tone: "critical", progress: "incomplete" },
  skipped: { label: "Skipped", tone: undefined },
};

export function StatusBadge({ status }: { status: SyncStatus }) {
  const { label, tone, progress } = STATUS_LABELS[status];
  return (
    <Badge tone={tone} progress={progress}>
      {label}
    </Badge>
  );
}

/** One attempt's outcome (sync_attempt.outcome), as the admin shows states: a badge. */
const OUTCOMES: Record<string, { label: string; tone: Tone }> = {
  syncing: { label: "Running", tone: "info" },
  synced: { label: "Synced", tone: "success" },
  synced_with_difference: { label: "Synced with difference", tone: "warning" },
  retry: { label: "Will retry", tone: "attention" },
  failed: { label: "Failed", tone: "critical" },
  needs_reconnect: { label: "Needs reconnect", tone: "critical" },
  skipped: { label: "Skipped", tone: undefined },
  paused: { label: "Paused", tone: "warning" },
  error: { label: "Internal error", tone: "critical" },
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const { label, tone } = OUTCOMES[outcome] ?? { label: outcome.replaceAll("_", " "), tone: undefined };
  return <Badge tone={tone}>{label}</Badge>;
}
