import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { TimelineEntry as TimelineItem } from "../sync/lifecycle/timeline.server";
import { badgeTone, eventState } from "../models/state-words";
import { formatMoney } from "./format";

/**
 * The order's life as the books saw it (docs/decisions/0016): created → invoice → each later
 * event (payment, refund → credit note, cancellation, edit) with its state and, when it failed,
 * its own Retry.
 */
export function OrderTimeline(props: {
  created: { at: string | null; name: string };
  invoice: { number: string | null; status: string; total: string | null };
  events: TimelineItem[];
  currency: string;
  locale: string;
  accountingState: string | null;
  tieOut: { shopifyNet: string; freshbooksNet: string; difference: string | null } | null;
  onRetry: (eventId: string) => void;
  retrying: boolean;
}) {
  const money = (amount: string | null) => (amount ? formatMoney(amount, props.currency, props.locale) : null);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Timeline
          </Text>
          {props.accountingState ? (
            <Badge tone={props.accountingState === "Paid" ? "success" : props.accountingState === "Unpaid" ? "attention" : "info"}>
              {props.accountingState}
            </Badge>
          ) : null}
        </InlineStack>
        <ol aria-label="Order timeline" style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
          <li>
            <Text as="span">Created in Shopify ({props.created.name})</Text>
          </li>
          <li>
            <Text as="span">
              {props.invoice.number
                ? `Invoice ${props.invoice.number}${props.invoice.total ? ` · ${money(props.invoice.total)}` : ""}`
                : "Invoice not created yet"}
            </Text>{" "}
            <Badge tone={props.invoice.number ? "success" : "attention"}>{props.invoice.number ? "Created" : props.invoice.status}</Badge>
          </li>
          {props.events.map((event) => {
            const status = eventState(event.status);
            return (
              <li key={event.id} data-event-status={event.status}>
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" fontWeight="semibold">
                      {event.kind}
                      {event.amount ? ` ${money(event.amount)}` : ""}
                      {event.freshbooksNumber ? ` → credit note ${event.freshbooksNumber}` : ""}
                    </Text>
                    <Badge tone={badgeTone(status.tone)}>{status.label}</Badge>
                    {event.retryable ? (
                      <Button
                        size="slim"
                        onClick={() => props.onRetry(event.id)}
                        disabled={props.retrying}
                        accessibilityLabel={`Retry ${event.kind}`}
                      >
                        Retry
                      </Button>
                    ) : null}
                  </InlineStack>
                  {event.text ? (
                    <Text as="span" tone="subdued">
                      {event.text}
                    </Text>
                  ) : null}
                </BlockStack>
              </li>
            );
          })}
        </ol>
        {props.tieOut ? (
          <Text as="p" tone={props.tieOut.difference ? "critical" : "subdued"}>
            {props.tieOut.difference
              ? `Tie-out: Shopify's net ${money(props.tieOut.shopifyNet)} vs FreshBooks' invoice less credit notes ${money(props.tieOut.freshbooksNet)}: difference ${money(props.tieOut.difference)}.`
              : `Tie-out: Shopify's net ${money(props.tieOut.shopifyNet)} = FreshBooks' invoice less credit notes.`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
