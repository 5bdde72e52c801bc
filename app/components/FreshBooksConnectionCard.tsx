import { useState } from "react";
import { Banner, BlockStack, Button, Card, InlineStack, Modal, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import { bannerTone, CONNECTION_STATES, connectionState, RECONNECT_NEEDED } from "../models/state-words";
import { ConfirmFreshBooksConnection } from "./ConfirmFreshBooksConnection";
import { Details } from "./Reason";
import { ConnectionBadge } from "./StatusBadge";

export interface ConnectionCardProps {
  connection: ConnectionSummary | null;
  busy: boolean;
  onConnect(): void;
  onDisconnect(): void;
  onConfirm(businessId: number): void;
}

/** The FreshBooks connection: connect, confirm the login and business, see what it is connected to, disconnect. */
export function FreshBooksConnectionCard({ connection, busy, onConnect, onDisconnect, onConfirm }: ConnectionCardProps) {
  // Disconnecting stops syncing: it is confirmed first.
  const [confirming, setConfirming] = useState(false);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            FreshBooks connection
          </Text>
          <ConnectionBadge state={connectionState(connection)} />
        </InlineStack>

        {!connection ? (
          <>
            <Text as="p">
              Connect your FreshBooks account: each new Shopify order then becomes a FreshBooks invoice for the right client, automatically.
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
              Connected to{" "}
              <Text as="span" fontWeight="semibold">
                {connection.businessName}
              </Text>
              . New orders become invoices in this business.
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
                  New orders will wait here and not reach {connection.businessName ?? "FreshBooks"} until you connect again. Invoices and
                  clients already in FreshBooks stay as they are.
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
      <Banner
        tone={bannerTone(CONNECTION_STATES.not_connected.tone)}
        title="FreshBooks: Not connected"
        action={{ content: "Connect FreshBooks", onAction: onConnect }}
      >
        <p>Orders are recorded and will be sent to FreshBooks once you connect it.</p>
      </Banner>
    );
  }
  if (connection.status === "needs_reconnect") {
    return (
      <Banner
        tone={bannerTone(CONNECTION_STATES.needs_reconnect.tone)}
        title={`FreshBooks: ${RECONNECT_NEEDED}`}
        action={{ content: "Reconnect", onAction: onConnect }}
      >
        <p>
          Syncing is paused: FreshBooks no longer accepts this app's access. Reconnect it; no order is lost, they sync as soon as you
          reconnect.
        </p>
        <Details text={connection.statusReason} />
      </Banner>
    );
  }
  if (connection.status === "pending") {
    return (
      <Banner
        tone={bannerTone(CONNECTION_STATES.pending.tone)}
        title="Confirm the FreshBooks connection"
        action={{ content: "Review in Settings", url: "/app/settings" }}
      >
        <p>
          FreshBooks was approved{connection.loginEmail ? ` as ${connection.loginEmail}` : ""}. Syncing starts once you confirm the login
          and the business in Settings; orders received meanwhile wait, and none is lost.
        </p>
      </Banner>
    );
  }
  return null;
}
