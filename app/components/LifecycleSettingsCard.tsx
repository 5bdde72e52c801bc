import { useEffect, useState } from "react";
import { BlockStack, Button, Card, Checkbox, InlineStack, Text } from "@shopify/polaris";

export interface LifecycleSettingsValues {
  syncLaterPayments: boolean;
  syncRefunds: boolean;
  syncCancellations: boolean;
  syncEdits: boolean;
}

const OPTIONS: { key: keyof LifecycleSettingsValues; label: string; help: string }[] = [
  {
    key: "syncLaterPayments",
    label: "Payments made after the order",
    help: "Captures and orders marked as paid later are recorded as FreshBooks payments.",
  },
  {
    key: "syncRefunds",
    label: "Refunds",
    help: "Each refund becomes a FreshBooks credit note (SHOP-1042-R1…), and the refunded money is taken off the recorded payment.",
  },
  {
    key: "syncCancellations",
    label: "Cancellations",
    help: "An unpaid invoice of a cancelled order is deleted in FreshBooks; a paid one is handled through its refunds.",
  },
  {
    key: "syncEdits",
    label: "Order edits",
    help: "An unpaid, unsent invoice gets the edited lines; otherwise a lower total becomes a credit note.",
  },
];

/** Which order lifecycle events sync to FreshBooks (docs/decisions/0016), all on by default. */
export function LifecycleSettingsCard({
  initial,
  saving,
  onSave,
}: {
  initial: LifecycleSettingsValues;
  saving: boolean;
  onSave(form: Record<string, string>): void;
}) {
  const [values, setValues] = useState(initial);
  useEffect(() => setValues(initial), [initial.syncLaterPayments, initial.syncRefunds, initial.syncCancellations, initial.syncEdits]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          After the order is placed
        </Text>
        <Text as="p" tone="subdued">
          Which later changes of an order reach FreshBooks.
        </Text>
        {OPTIONS.map((option) => (
          <Checkbox
            key={option.key}
            label={option.label}
            helpText={option.help}
            checked={values[option.key]}
            onChange={(checked) => setValues({ ...values, [option.key]: checked })}
          />
        ))}
        <InlineStack align="end">
          <Button
            loading={saving}
            onClick={() =>
              onSave({
                intent: "save-lifecycle",
                ...Object.fromEntries(OPTIONS.map((option) => [option.key, values[option.key] ? "on" : "off"])),
              })
            }
          >
            Save event settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
