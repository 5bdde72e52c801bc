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

export const RETRYABLE: readonly SyncStatus[] = ["failed", "needs_reconnect", "synced_with_difference", "queued"];
