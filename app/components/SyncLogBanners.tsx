import { Banner, BlockStack, Card, List, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import { ConnectionBanner } from "./FreshBooksConnectionCard";

export const BACKLOG_WARNING = { waiting: 50, oldestSeconds: 300 };

export interface BannerState {
  connection: ConnectionSummary | null;
  backlog: { waiting: number; oldestSeconds: number };
  paused: boolean;
}

/** The sync log's warnings, most urgent first: each says what happened and what to do. */
export function SyncLogBanners({ state, onConnect, onResume }: { state: BannerState; onConnect(): void; onResume(): void }) {
  const growing = state.backlog.waiting >= BACKLOG_WARNING.waiting || state.backlog.oldestSeconds >= BACKLOG_WARNING.oldestSeconds;
  return (
    <BlockStack gap="300">
      <ConnectionBanner connection={state.connection} onConnect={onConnect} />
      {state.paused ? (
        <Banner tone="warning" title="Syncing is paused" action={{ content: "Resume syncing", onAction: onResume }}>
          <p>The app was uninstalled and installed again. Orders received meanwhile are waiting; resume to sync them.</p>
        </Banner>
      ) : null}
      {growing && state.connection?.status === "connected" ? (
        <Banner tone="info" title="Orders are waiting to sync">
          <p>
            {state.backlog.waiting} orders are queued; the oldest has waited {Math.round(state.backlog.oldestSeconds / 60)} minutes. FreshBooks may be
            slow or limiting requests; they will sync automatically.
          </p>
        </Banner>
      ) : null}
    </BlockStack>
  );
}

/** A new install: what happens, in three steps. */
export function GettingStarted({ connected }: { connected: boolean }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          No orders synced yet
        </Text>
        <List type="number">
          <List.Item>{connected ? "FreshBooks is connected." : "Connect FreshBooks in Settings."}</List.Item>
          <List.Item>Choose your invoice settings: number prefix, payment terms, one client per customer or one shared client.</List.Item>
          <List.Item>That's it: every new order becomes a FreshBooks invoice within seconds, and shows up here.</List.Item>
        </List>
      </BlockStack>
    </Card>
  );
}
