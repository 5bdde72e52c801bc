import { useState } from "react";
import { Banner, BlockStack, Button, Card, ChoiceList, InlineStack, Modal, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";
import { bannerTone, CONNECTION_STATES, connectionState, RECONNECT_NEEDED } from "../models/state-words";
import { Details } from "./Reason";
import { ConnectionBadge } from "./StatusBadge";

export interface ConnectionCardProps {
  connection: ConnectionSummary | null;
  busy: boolean;
  onConnect(): void;
  onDisconnect(): void;
  onChooseBusiness(businessId: number): void;
}

/** The FreshBooks connection: connect, pick a business, see what it is connected to, disconnect. */
export function FreshBooksConnectionCard({ connection, busy, onConnect, onDisconnect, onChooseBusiness }: ConnectionCardProps) {
  const [selected, setSelected] = useState<string[]>([]);
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

        {connection?.status === "choose_business" ? (
          <>
            <ChoiceList
              title="Your FreshBooks login has several businesses. Which one should receive your Shopify invoices?"
              choices={connection.businessChoices.map((business) => ({ label: business.name, value: String(business.id) }))}
              selected={selected}
              onChange={setSelected}
            />
            <InlineStack gap="200">
              <Button variant="primary" disabled={selected.length === 0} loading={busy} onClick={() => onChooseBusiness(Number(selected[0]))}>
                Use this business
              </Button>
              <Button onClick={onDisconnect} disabled={busy}>
                Cancel
              </Button>
            </InlineStack>
          </>
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
      <Banner tone={bannerTone(CONNECTION_STATES.not_connected.tone)} title="FreshBooks: Not connected" action={{ content: "Connect FreshBooks", onAction: onConnect }}>
        <p>Orders are recorded and will be sent to FreshBooks once you connect it.</p>
      </Banner>
    );
  }
  if (connection.status === "needs_reconnect") {
    return (
      <Banner tone={bannerTone(CONNECTION_STATES.needs_reconnect.tone)} title={`FreshBooks: ${RECONNECT_NEEDED}`} action={{ content: "Reconnect", onAction: onConnect }}>
        <p>Syncing is paused: FreshBooks no longer accepts this app's access. Reconnect it; no order is lost, they sync as soon as you reconnect.</p>
        <Details text={connection.statusReason} />
      </Banner>
    );
  }
  if (connection.status === "choose_business") {
    return (
      <Banner tone={bannerTone(CONNECTION_STATES.choose_business.tone)} title="FreshBooks: Choose a business">
        <p>Pick the business that receives your invoices in Settings to start syncing.</p>
      </Banner>
    );
  }
  return null;
}
