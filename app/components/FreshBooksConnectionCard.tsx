import { useState } from "react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Modal, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import { ConfirmFreshBooksConnection } from "./ConfirmFreshBooksConnection";

export interface ConnectionCardProps {
  connection: ConnectionSummary | null;
  busy: boolean;
  onConnect(): void;
  onDisconnect(): void;
  onConfirm(businessId: number): void;
}

const BADGES = {
  connected: { tone: "success", label: "Connected" },
  pending: { tone: "attention", label: "Waiting for your confirmation" },
  needs_reconnect: { tone: "critical", label: "Needs reconnecting" },
} as const;

/** The FreshBooks connection: connect, confirm the login and business, see what it is connected to, disconnect. */
export function FreshBooksConnectionCard({ connection, busy, onConnect, onDisconnect, onConfirm }: ConnectionCardProps) {
  // Disconnecting stops syncing: it is confirmed first.
  const [confirming, setConfirming] = useState(false);
  const badge = connection ? BADGES[connection.status] : { tone: undefined, label: "Not connected" };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            FreshBooks connection
          </Text>
          <Badge tone={badge.tone}>{badge.label}</Badge>
        </InlineStack>

        {!connection ? (
          <>
            <Text as="p">
              Connect your FreshBooks account: each new Shopify order then becomes a FreshBooks invoice for the right
              client, automatically.
            </Text>
            <InlineStack>
              <Button variant="primary" onClick={onConnect} loading={busy}>
                Connect FreshBooks
              </Button>
            </InlineStack>
          </>
        ) : null}

        {connection?.status === "pending" ? (
          <ConfirmFreshBooksConnection connection={connection} busy={busy} onConfirm={onConfirm} onCancel={onDisconnect} />
        ) : null}

        {connection?.status === "connected" || connection?.status === "needs_reconnect" ? (
          <>
            <Text as="p">
              Connected to <Text as="span" fontWeight="semibold">{connection.businessName}</Text>. New orders become invoices in
              this business.
            </Text>
            <InlineStack gap="200">
              <Button tone="critical" onClick={() => setConfirming(true)} loading={busy}>
                Disconnect
              </Button>
            </InlineStack>
            <Modal
              open={confirming}
              onClose={() => setConfirming(false)}
              title="Disconnect FreshBooks?"
              primaryAction={{
                content: "Disconnect",
                destructive: true,
                onAction: () => {
                  setConfirming(false);
                  onDisconnect();
                },
              }}
              secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
            >
              <Modal.Section>
                <Text as="p">
                  New orders will wait here and not reach {connection.businessName ?? "FreshBooks"} until you connect again. Invoices and clients
                  already in FreshBooks stay as they are.
                </Text>
              </Modal.Section>
            </Modal>
          </>
        ) : null}
      </BlockStack>
    </Card>
  );
}

/** Shown at the top of every page when FreshBooks is missing or broken: syncing waits for it. */
export function ConnectionBanner({ connection, onConnect }: { connection: ConnectionSummary | null; onConnect(): void }) {
  if (!connection) {
    return (
      <Banner tone="warning" title="FreshBooks is not connected" action={{ content: "Connect FreshBooks", onAction: onConnect }}>
        <p>Orders are recorded and will be sent to FreshBooks once you connect it.</p>
      </Banner>
    );
  }
  if (connection.status === "needs_reconnect") {
    return (
      <Banner tone="critical" title="FreshBooks needs to be reconnected" action={{ content: "Reconnect", onAction: onConnect }}>
        <p>
          Syncing is paused: FreshBooks no longer accepts this app's access
          {connection.statusReason ? ` (${connection.statusReason})` : ""}. No order is lost: they sync as soon as you
          reconnect.
        </p>
      </Banner>
    );
  }
  if (connection.status === "pending") {
    return (
      <Banner tone="warning" title="Confirm the FreshBooks connection" action={{ content: "Review in Settings", url: "/app/settings" }}>
        <p>
          FreshBooks was approved{connection.loginEmail ? ` as ${connection.loginEmail}` : ""}. Syncing starts once you confirm the login and the
          business in Settings; orders received meanwhile wait, and none is lost.
        </p>
      </Banner>
    );
  }
  return null;
}
