import { useEffect, useState } from "react";
import { SaveBar } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, Checkbox, ChoiceList, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { Settings, SettingsFormErrors } from "../models/settings.server";
import { prefixProblem } from "../models/invoice-prefix";
import { DUE_TERMS } from "../models/sync-status";

export type SettingsValues = Pick<
  Settings,
  "invoicePrefix" | "dueOffsetDays" | "clientStrategy" | "fallbackClientName" | "recordPayments" | "emailInvoices"
>;

export interface InvoiceSettingsFormProps {
  initial: SettingsValues;
  errors: SettingsFormErrors;
  saving: boolean;
  onSave(form: Record<string, string>): void;
  /** The values as typed, on first render and after each change (the invoice preview follows them). */
  onChange?(form: Record<string, string>): void;
}

const PRESET_DAYS = ["0", "7", "15", "30", "60"];

/** Invoice settings: number prefix (with a preview), payment terms, clients, payments, email. */
export function InvoiceSettingsForm({ initial, errors, saving, onSave, onChange }: InvoiceSettingsFormProps) {
  const [prefix, setPrefix] = useState(initial.invoicePrefix);
  const [dueTerms, setDueTerms] = useState(PRESET_DAYS.includes(String(initial.dueOffsetDays)) ? String(initial.dueOffsetDays) : "custom");
  const [customDays, setCustomDays] = useState(String(initial.dueOffsetDays));
  const [clientStrategy, setClientStrategy] = useState(initial.clientStrategy);
  const [fallbackName, setFallbackName] = useState(initial.fallbackClientName);
  const [recordPayments, setRecordPayments] = useState(initial.recordPayments);
  const [emailInvoices, setEmailInvoices] = useState(initial.emailInvoices);

  const form = {
    intent: "save-settings",
    invoicePrefix: prefix,
    dueTerms,
    customDueDays: customDays,
    clientStrategy,
    fallbackClientName: fallbackName,
    recordPayments: recordPayments ? "on" : "off",
    emailInvoices: emailInvoices ? "on" : "off",
  };
  const typed = JSON.stringify(form);
  useEffect(() => {
    onChange?.(JSON.parse(typed) as Record<string, string>);
  }, [typed, onChange]);
  const saved = formOf(initial);
  // Changed from what is saved (custom days count only while "Custom" is chosen).
  const dirty =
    (Object.keys(form) as (keyof typeof form)[]).some((key) => key !== "customDueDays" && form[key] !== saved[key]) ||
    (dueTerms === "custom" && customDays !== saved.customDueDays);
  const save = () => {
    if (dirty) onSave(form);
  };
  const discard = () => {
    setPrefix(initial.invoicePrefix);
    setDueTerms(saved.dueTerms);
    setCustomDays(saved.customDueDays);
    setClientStrategy(initial.clientStrategy);
    setFallbackName(initial.fallbackClientName);
    setRecordPayments(initial.recordPayments);
    setEmailInvoices(initial.emailInvoices);
  };

  return (
    <Card>
      {/* The admin's contextual save bar: shown only while something changed. */}
      <SaveBar id="invoice-settings-save-bar" open={dirty}>
        <button variant="primary" onClick={save} disabled={saving || undefined} loading={saving ? "" : undefined}>
          Save
        </button>
        <button onClick={discard} disabled={saving || undefined}>
          Discard
        </button>
      </SaveBar>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Invoices
          </Text>
          <Text as="p" tone="subdued">
            Changes apply to orders synced after you save; invoices already in FreshBooks stay as they are.
          </Text>
        </BlockStack>
        <TextField
          label="Invoice number prefix"
          value={prefix}
          onChange={setPrefix}
          autoComplete="off"
          maxLength={12}
          error={prefixProblem(prefix) ?? errors.invoicePrefix}
          // An example only of what can be saved: an invalid prefix shows its error instead.
          helpText={
            prefixProblem(prefix)
              ? undefined
              : `Invoices are numbered ${prefix.trim()}1001, ${prefix.trim()}1002, … from your Shopify order numbers.`
          }
        />
        <InlineStack gap="300" blockAlign="start">
          <Select
            label="Payment terms"
            options={DUE_TERMS.map((t) => ({ value: t.value, label: t.label }))}
            value={dueTerms}
            onChange={setDueTerms}
            error={errors.dueTerms}
          />
          {dueTerms === "custom" ? (
            <TextField
              label="Days until due"
              type="number"
              min={0}
              max={365}
              value={customDays}
              onChange={setCustomDays}
              autoComplete="off"
              error={errors.customDueDays}
            />
          ) : null}
        </InlineStack>
        <ChoiceList
          title="FreshBooks clients"
          choices={[
            {
              label: "One client per customer",
              value: "per_customer",
              helpText:
                "Recommended. Each Shopify customer gets their own FreshBooks client, and so does a guest who gave an email. Only orders with neither a customer nor an email go to the shared client below.",
            },
            {
              label: "One shared client for all orders",
              value: "shared",
              helpText: "For FreshBooks plans with few clients (Lite: 5, Plus: 50).",
            },
          ]}
          selected={[clientStrategy]}
          onChange={(value) => setClientStrategy(value[0] ?? "per_customer")}
          error={errors.clientStrategy}
        />
        <TextField
          label="Shared client name"
          value={fallbackName}
          onChange={setFallbackName}
          autoComplete="off"
          error={errors.fallbackClientName}
        />
        <Checkbox
          label="Record payments for paid orders"
          helpText="Paid orders are marked paid in FreshBooks, with the payment gateway in the payment's note."
          checked={recordPayments}
          onChange={setRecordPayments}
        />
        <Checkbox
          label="Email each invoice to the customer"
          helpText="FreshBooks emails the invoice once, when it is created. Off by default."
          checked={emailInvoices}
          onChange={setEmailInvoices}
        />
        <InlineStack align="end">
          <Button variant="primary" onClick={save} loading={saving} disabled={!dirty} accessibilityLabel="Save invoice settings">
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** The saved settings as the form submits them, to tell what changed. */
function formOf(values: SettingsValues) {
  const days = String(values.dueOffsetDays);
  return {
    intent: "save-settings",
    invoicePrefix: values.invoicePrefix,
    dueTerms: PRESET_DAYS.includes(days) ? days : "custom",
    customDueDays: days,
    clientStrategy: values.clientStrategy,
    fallbackClientName: values.fallbackClientName,
    recordPayments: values.recordPayments ? "on" : "off",
    emailInvoices: values.emailInvoices ? "on" : "off",
  };
}
