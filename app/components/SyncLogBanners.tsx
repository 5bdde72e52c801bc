import { Banner, BlockStack, Box, Button, Card, EmptyState, InlineStack, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import { CAUSES, groupHeadline, type Cause } from "../models/sync-causes";
import type { Backlog, FailureGroup } from "../models/sync-log.server";
import type { RejectedSummary } from "../webhooks/rejected.server";
import { ConnectionBanner } from "./FreshBooksConnectionCard";
import { duration, plural } from "./format";

export const BACKLOG_WARNING = { waiting: 50, oldestSeconds: 300 };

export interface BannerState {
  connection: ConnectionSummary | null;
  backlog: Backlog;
  paused: boolean;
  /** Orders Shopify sent that we could not read (rejected deliveries, last 30 days). */
  rejected?: RejectedSummary;
  failures: FailureGroup[];
}

export interface BannerActions {
  onConnect(): void;
  onResume(): void;
  /** Retries every failed order of one cause (null: those without a known cause). */
  onRetryCause(cause: Cause | null): void;
  busy: boolean;
}

/** "Shopify sent 2 orders we could not read. The latest, order ID 123, arrived 2026-12-02 12:00 UTC: …". */
export function rejectedMessage(rejected: RejectedSummary): string {
  const latest = rejected.latest;
  const count = rejected.count === 1 ? "an order" : `${rejected.count} orders`;
  const which = latest
    ? ` The latest${latest.orderId ? `, order ID ${latest.orderId},` : ""} arrived ${latest.receivedAt.slice(0, 16).replace("T", " ")} UTC: ${latest.reason}`
    : "";
  return `In the last 30 days Shopify sent ${count} we could not read, so ${rejected.count === 1 ? "it is" : "they are"} not in this log and not in FreshBooks.${which}`;
}

/** "1 order is queued; it has waited 6 minutes", "120 orders are queued; the oldest has waited 2 hours". */
export function backlogMessage(backlog: Pick<Backlog, "waiting" | "oldestSeconds">): string {
  const waited = duration(backlog.oldestSeconds);
  return backlog.waiting === 1
    ? `1 order is queued; it has waited ${waited}.`
    : `${plural(backlog.waiting, "order", "orders")} are queued; the oldest has waited ${waited}.`;
}

/** The sync log's warnings, most urgent first: each says what happened and what to do. */
export function SyncLogBanners({ state, actions }: { state: BannerState; actions: BannerActions }) {
  const { onConnect, onResume } = actions;
  // Only orders due now count: one waiting out a scheduled retry is not a growing backlog.
  const growing =
    state.backlog.waiting > 0 &&
    (state.backlog.waiting >= BACKLOG_WARNING.waiting || state.backlog.oldestSeconds >= BACKLOG_WARNING.oldestSeconds);
  return (
    <BlockStack gap="300">
      <ConnectionBanner connection={state.connection} onConnect={onConnect} />
      <FailuresBanner groups={state.failures} actions={actions} />
      {state.paused ? (
        <Banner tone="warning" title="Syncing is paused" action={{ content: "Resume syncing", onAction: onResume }}>
          <p>The app was uninstalled and installed again. Orders received meanwhile are waiting; resume to sync them.</p>
        </Banner>
      ) : null}
      {state.rejected && state.rejected.count > 0 ? (
        <Banner
          tone="warning"
          title={state.rejected.count === 1 ? "Shopify sent an order we could not read" : "Shopify sent orders we could not read"}
        >
          <p>
            {rejectedMessage(state.rejected)} Create {state.rejected.count === 1 ? "its invoice" : "their invoices"} in FreshBooks by hand;
            the delivery is kept
            {state.rejected.latest ? ` (webhook ${state.rejected.latest.webhookId})` : ""} for support.
          </p>
        </Banner>
      ) : null}
      {growing && !state.paused && state.connection?.status === "connected" ? (
        <Banner tone="info" title="Orders are waiting to sync">
          <p>{backlogMessage(state.backlog)} FreshBooks may be slow or limiting requests; they will sync automatically.</p>
        </Banner>
      ) : null}
    </BlockStack>
  );
}

/**
 * Every failed order, on any page, grouped by cause: how many, what happened, the fix, and the
 * one action that applies to the group (Retry them, Reconnect, or Settings then Retry).
 */
export function FailuresBanner({ groups, actions }: { groups: FailureGroup[]; actions: BannerActions }) {
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  if (total === 0) return null;
  return (
    <Banner tone="critical" title={`${plural(total, "order", "orders")} did not sync`}>
      <BlockStack gap="300">
        {groups.map((group) => {
          const words = group.cause ? CAUSES[group.cause] : CAUSES.unknown;
          const retry = (
            <Button onClick={() => actions.onRetryCause(group.cause)} disabled={actions.busy}>
              {`Retry ${group.count === 1 ? "this order" : `these ${group.count} orders`}`}
            </Button>
          );
          return (
            <Box key={`${group.status}/${group.cause ?? ""}`}>
              <BlockStack gap="150">
                <Text as="p">
                  <Text as="span" fontWeight="semibold">
                    {groupHeadline(group.cause, group.count)}
                  </Text>{" "}
                  {group.cause ? words.fix : "Open an order to see what FreshBooks answered, then Retry."}
                </Text>
                <InlineStack gap="200">
                  {group.status === "needs_reconnect" ? (
                    <Button onClick={actions.onConnect}>Reconnect FreshBooks</Button>
                  ) : words.action === "settings" ? (
                    <>
                      <Button url="/app/settings">Open Settings</Button>
                      {retry}
                    </>
                  ) : words.action === "none" ? null : (
                    retry
                  )}
                </InlineStack>
              </BlockStack>
            </Box>
          );
        })}
      </BlockStack>
    </Banner>
  );
}

// A small inline illustration: the admin's CDN images are not reachable in tests or the demo.
const ILLUSTRATION =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 90"><rect x="14" y="10" width="60" height="72" rx="6" fill="#f1f1f1" stroke="#8a8a8a" stroke-width="2"/><path d="M26 28h36M26 40h36M26 52h22" stroke="#8a8a8a" stroke-width="3" stroke-linecap="round"/><circle cx="86" cy="60" r="20" fill="#29845a"/><path d="M77 60l6 6 12-12" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  );

/** A new install: no order yet. What happens next, and the one thing to do first. */
export function GettingStarted({ connection, onConnect }: { connection: ConnectionSummary | null; onConnect(): void }) {
  const connected = connection?.status === "connected";
  const reconnect = connection?.status === "needs_reconnect";
  const settings = { content: "Open settings", url: "/app/settings" };
  return (
    <Card>
      <EmptyState
        heading="No orders synced yet"
        image={ILLUSTRATION}
        action={
          connected
            ? settings
            : connection?.status === "pending"
              ? { content: "Confirm the FreshBooks connection", url: "/app/settings" }
              : { content: reconnect ? "Reconnect FreshBooks" : "Connect FreshBooks", onAction: onConnect }
        }
        secondaryAction={connected ? undefined : settings}
      >
        <Text as="p">
          {connected
            ? `Connected to ${connection?.businessName ?? "FreshBooks"}. Every new order becomes a FreshBooks invoice within seconds and shows up here.`
            : reconnect
              ? "Reconnect FreshBooks so that orders can sync. Orders received meanwhile wait, and none is lost."
              : "Connect FreshBooks, choose your invoice settings, and every new order becomes a FreshBooks invoice within seconds."}
        </Text>
      </EmptyState>
    </Card>
  );
}
