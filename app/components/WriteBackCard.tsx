import { useState } from "react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text } from "@shopify/polaris";

const WRITE_ORDERS = "write_orders";

/**
 * Settings → "On the Shopify order": the write-back (app/admin-sync/write-back.server.ts). It
 * needs the optional scope write_orders: turning it on asks Shopify for it first (App Bridge's
 * permission request, which the merchant approves or declines), then the server checks with
 * Shopify that it was granted before saving.
 */
export function WriteBackCard(props: {
  on: boolean;
  granted: boolean;
  /** Orders synced with an invoice whose number is not on the Shopify order yet. */
  earlier: number;
  saving: boolean;
  onSave(form: Record<string, string>): void;
  onWriteEarlier(): void;
  onError(message: string): void;
}) {
  const shopify = useAppBridge();
  const [asking, setAsking] = useState(false);
  const active = props.on && props.granted;
  const change = async (checked: boolean) => {
    if (!checked) return props.onSave({ intent: "save-write-back", writeBack: "off" });
    if (!props.granted) {
      setAsking(true);
      try {
        const answer = await shopify.scopes.request([WRITE_ORDERS]);
        if (answer.result !== "granted-all") {
          props.onError("Permission to edit orders was not given: write-back stays off.");
          return;
        }
      } catch {
        props.onError("Shopify could not ask for the permission: write-back stays off. Try again.");
        return;
      } finally {
        setAsking(false);
      }
    }
    props.onSave({ intent: "save-write-back", writeBack: "on" });
  };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            On the Shopify order
          </Text>
          <Badge tone={active ? "success" : undefined}>{active ? "On" : "Off"}</Badge>
        </InlineStack>
        <Checkbox
          label="Write the FreshBooks invoice number onto the Shopify order"
          helpText="Once its invoice exists, each order gets the tag “FreshBooks SHOP-1042” (staff can search orders by it) and the invoice's number and link as order fields. The app never changes anything else on the order."
          checked={active}
          disabled={props.saving || asking}
          onChange={(checked) => void change(checked)}
        />
        {active && props.earlier > 0 ? (
          <Banner
            tone="info"
            title={`${props.earlier >= 10_000 ? "10,000 or more" : props.earlier} ${props.earlier === 1 ? "order" : "orders"} synced earlier without the invoice number in Shopify`}
          >
            <BlockStack gap="200">
              <Text as="p">
                Write-back applies to orders synced from now on. It can also write the number onto these, once each
                {props.earlier >= 10_000 ? ": the newest 10,000 at a time" : ""}.
              </Text>
              <InlineStack>
                <Button onClick={props.onWriteEarlier} loading={props.saving}>
                  {props.earlier === 1 ? "Write it onto this order" : "Write it onto these orders"}
                </Button>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : null}
        <Text as="p" tone="subdued">
          {props.granted
            ? "Shopify has given the app permission to edit orders (write_orders)."
            : "This needs permission to edit orders (write_orders): Shopify asks you for it when you turn this on. Nothing else needs it."}
        </Text>
      </BlockStack>
    </Card>
  );
}
