import { Badge, BlockStack, Box, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import type { Summary } from "../models/sync-log.server";
import { SyncChart } from "./SyncChart";

const TILES = [
  { key: "synced", label: "Synced", tone: "success" },
  { key: "difference", label: "Synced with difference", tone: "caution" },
  { key: "failed", label: "Failed", tone: "critical" },
  { key: "pending", label: "Queued or syncing", tone: undefined },
  { key: "skipped", label: "Skipped", tone: "subdued" },
] as const;

/** At a glance: how many orders are in each state over the period, the connection, a chart. */
export function SyncOverview({ summary, connection, periodLabel }: { summary: Summary; connection: ConnectionSummary | null; periodLabel: string }) {
  const connected = connection?.status === "connected";
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {periodLabel}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" tone="subdued">
              FreshBooks
            </Text>
            <Badge tone={connected ? "success" : "critical"}>
              {connected ? `Connected to ${connection?.businessName ?? "FreshBooks"}` : connection ? "Needs attention" : "Not connected"}
            </Badge>
          </InlineStack>
        </InlineStack>
        <InlineGrid columns={{ xs: 2, sm: 3, md: 5 }} gap="300">
          {TILES.map((tile) => (
            <Box key={tile.key} padding="300" background="bg-surface-secondary" borderRadius="200">
              <BlockStack gap="100">
                <Text as="p" variant="bodySm" tone="subdued">
                  {tile.label}
                </Text>
                <Text as="p" variant="headingLg" tone={tile.tone}>
                  {summary.counts[tile.key]}
                </Text>
              </BlockStack>
            </Box>
          ))}
        </InlineGrid>
        <SyncChart days={summary.perDay} />
      </BlockStack>
    </Card>
  );
}
