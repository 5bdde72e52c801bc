import { BlockStack, Box, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import type { Summary } from "../models/sync-log.server";
import { connectionState, FILTER_WORDS, textTone } from "../models/state-words";
import type { StatusFilter } from "../models/sync-status";
import { ConnectionBadge } from "./StatusBadge";
import { SyncChart } from "./SyncChart";

const TILES: StatusFilter[] = ["synced", "difference", "failed", "pending", "skipped"];

/** At a glance: how many orders are in each state over the period, the connection, a chart. */
export function SyncOverview({
  summary,
  connection,
  periodLabel,
}: {
  summary: Summary;
  connection: ConnectionSummary | null;
  periodLabel: string;
}) {
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
            <ConnectionBadge
              state={connectionState(connection)}
              label={connected ? `Connected to ${connection?.businessName ?? "FreshBooks"}` : undefined}
            />
          </InlineStack>
        </InlineStack>
        <InlineGrid columns={{ xs: 2, sm: 3, md: 5 }} gap="300">
          {TILES.map((tile) => (
            <Box key={tile} padding="300" background="bg-surface-secondary" borderRadius="200">
              <BlockStack gap="100">
                <Text as="p" variant="bodySm" tone="subdued">
                  {FILTER_WORDS[tile].label}
                </Text>
                <Text as="p" variant="headingLg" tone={summary.counts[tile] > 0 ? textTone(FILTER_WORDS[tile].tone) : undefined}>
                  {summary.counts[tile]}
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
