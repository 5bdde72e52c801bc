import { useEffect, useState } from "react";
import { Link } from "@remix-run/react";
import type { OrderFilters as OrderFilterValues } from "../admin-sync/filters.server";
import type { FilterFormErrors as OrderFilterErrors } from "../admin-sync/settings.server";
import { Banner, BlockStack, Button, Card, Checkbox, ChoiceList, InlineStack, Text, TextField } from "@shopify/polaris";

/** After a save: the skipped orders the new filters let through, and whether they were queued. */
export interface NowIncluded {
  count: number;
  queued?: number;
}

const joined = (tags: string[]) => tags.join(", ");

/**
 * Settings → "Which orders become invoices" (app/admin-sync/filters.server.ts): the same rules
 * for webhooks, the import and the sweep. A filtered order is skipped with the rule in the sync
 * log. After a change that lets skipped orders through, the card offers to sync them, and points
 * to the import for orders placed before the app was installed.
 */
export function OrderFiltersCard(props: {
  initial: OrderFilterValues;
  channels: Record<string, string>;
  statuses: Record<string, string>;
  errors: OrderFilterErrors;
  saving: boolean;
  nowIncluded: NowIncluded | null;
  onSave(form: Record<string, string>): void;
  onSyncIncluded(): void;
}) {
  const { initial } = props;
  const [skipTest, setSkipTest] = useState(initial.skipTestOrders);
  const [skipZero, setSkipZero] = useState(initial.skipZeroTotal);
  const [channels, setChannels] = useState(initial.channels);
  const [includeTags, setIncludeTags] = useState(joined(initial.includeTags));
  const [excludeTags, setExcludeTags] = useState(joined(initial.excludeTags));
  const [statuses, setStatuses] = useState(initial.financialStatuses);
  const saved = JSON.stringify(initial);
  useEffect(() => {
    const values = JSON.parse(saved) as OrderFilterValues;
    setSkipTest(values.skipTestOrders);
    setSkipZero(values.skipZeroTotal);
    setChannels(values.channels);
    setIncludeTags(joined(values.includeTags));
    setExcludeTags(joined(values.excludeTags));
    setStatuses(values.financialStatuses);
  }, [saved]);

  const included = props.nowIncluded;
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Which orders become invoices
          </Text>
          <Text as="p" tone="subdued">
            Orders left out are shown in the sync log as skipped, with the rule that skipped them. The same rules apply to new orders,
            imported ones and those the completeness check finds.
          </Text>
        </BlockStack>
        {included && included.count > 0 ? (
          <Banner tone="info" title={`${included.count} skipped ${included.count === 1 ? "order is" : "orders are"} included now`}>
            <BlockStack gap="200">
              <Text as="p">
                {included.queued !== undefined
                  ? `${included.queued} ${included.queued === 1 ? "order was" : "orders were"} queued: watch them in the sync log.`
                  : "Your earlier filters skipped them; with these filters they become invoices. Orders placed before you installed the app are brought in by Import past orders."}
              </Text>
              <InlineStack gap="200">
                {included.queued === undefined ? (
                  <Button variant="primary" onClick={props.onSyncIncluded} loading={props.saving}>
                    {`Sync ${included.count === 1 ? "this order" : `these ${included.count} orders`}`}
                  </Button>
                ) : null}
                <Link to="/app/import">Import past orders</Link>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : null}
        {included && included.count === 0 ? (
          <Banner tone="info" title="No skipped order is included by these filters">
            <InlineStack gap="200">
              <Text as="p">Orders placed before you installed the app can still be brought in:</Text>
              <Link to="/app/import">Import past orders</Link>
            </InlineStack>
          </Banner>
        ) : null}
        <Checkbox
          label="Skip test orders"
          helpText="Orders placed with Shopify's test gateway. An order's own “Send to FreshBooks” still sends it."
          checked={skipTest}
          onChange={setSkipTest}
        />
        <Checkbox label="Skip orders with a zero total" checked={skipZero} onChange={setSkipZero} />
        <ChoiceList
          allowMultiple
          title="Sales channels"
          choices={Object.entries(props.channels).map(([value, label]) => ({ value, label }))}
          selected={channels}
          onChange={setChannels}
          error={props.errors.channels}
        />
        <Text as="p" tone="subdued">
          None selected: orders from every channel.
        </Text>
        <TextField
          label="Only orders tagged"
          autoComplete="off"
          value={includeTags}
          onChange={setIncludeTags}
          helpText="Tags separated by commas; an order needs one of them. Empty: every order."
          error={props.errors.includeTags}
        />
        <TextField
          label="Never orders tagged"
          autoComplete="off"
          value={excludeTags}
          onChange={setExcludeTags}
          helpText="Tags separated by commas, e.g. wholesale. Comes before “Only orders tagged”."
          error={props.errors.excludeTags}
        />
        <ChoiceList
          allowMultiple
          title="Payment status"
          choices={Object.entries(props.statuses).map(([value, label]) => ({ value, label }))}
          selected={statuses}
          onChange={setStatuses}
          error={props.errors.financialStatuses}
        />
        <Text as="p" tone="subdued">
          None selected: orders whatever their payment status. The status is the one the order had when it reached the app.
        </Text>
        <InlineStack align="end">
          <Button
            loading={props.saving}
            onClick={() =>
              props.onSave({
                intent: "save-filters",
                skipTestOrders: skipTest ? "on" : "off",
                skipZeroTotal: skipZero ? "on" : "off",
                channels: channels.join(","),
                includeTags,
                excludeTags,
                financialStatuses: statuses.join(","),
              })
            }
          >
            Save filters
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
