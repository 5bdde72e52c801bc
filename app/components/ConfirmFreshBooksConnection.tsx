import { useState } from "react";
import { BlockStack, Button, ChoiceList, InlineStack, Text } from "@shopify/polaris";
import type { ConnectionSummary } from "../freshbooks/connection.server";

/**
 * The last step of connecting (docs/decisions/0009): before anything syncs, the merchant sees
 * which FreshBooks login approved and which business will receive the invoices, and confirms.
 * A connection someone else started and approved waits here, and Cancel removes it.
 */
export function ConfirmFreshBooksConnection({
  connection,
  busy,
  onConfirm,
  onCancel,
}: {
  connection: ConnectionSummary;
  busy: boolean;
  onConfirm(businessId: number): void;
  onCancel(): void;
}) {
  const choices = connection.businessChoices;
  const only = choices.length === 1 ? choices[0] : undefined;
  const [selected, setSelected] = useState<string[]>(only ? [String(only.id)] : []);
  const login = connection.loginEmail ?? "a FreshBooks login";
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">
        Confirm the FreshBooks connection
      </Text>
      <Text as="p">
        FreshBooks was approved as{" "}
        <Text as="span" fontWeight="semibold">
          {login}
        </Text>
        . Nothing is sent to FreshBooks until you confirm; orders received meanwhile wait. If you did not just connect this login, cancel.
      </Text>
      {only ? (
        <Text as="p">
          Invoices will go to the business{" "}
          <Text as="span" fontWeight="semibold">
            {only.name}
          </Text>
          .
        </Text>
      ) : (
        <ChoiceList
          title="This FreshBooks login has several businesses. Which one should receive your Shopify invoices?"
          choices={choices.map((business) => ({ label: business.name, value: String(business.id) }))}
          selected={selected}
          onChange={setSelected}
        />
      )}
      <InlineStack gap="200">
        <Button variant="primary" disabled={selected.length === 0} loading={busy} onClick={() => onConfirm(Number(selected[0]))}>
          {only ? "Confirm and start syncing" : "Use this business"}
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </InlineStack>
    </BlockStack>
  );
}
