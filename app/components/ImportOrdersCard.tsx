import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

export interface ImportView {
  id: string;
  status: "running" | "paused" | "cancelled" | "done" | "failed";
  from: string;
  to: string;
  estimate: number | null;
  found: number;
  alreadyKnown: number;
  queued: number;
  synced: number;
  skipped: number;
  failed: number;
  error: string | null;
  /** Shopify is still gathering the range's orders (its bulk query runs). */
  reading?: boolean;
}

export interface EstimateView {
  from: string;
  to: string;
  clampedFrom: boolean;
  allOrders: boolean;
  orders: number;
  precision: string;
  freshbooksRequests: number;
  ordersPerMinute: number;
  minutes: number;
}

type ActionData = { estimate?: EstimateView; error?: string };

const day = (iso: string) => iso.slice(0, 10);
/** A range's end is stored exclusive (the next day's midnight); the merchant chose, and sees, the day before. */
const lastDay = (iso: string) => new Date(Date.parse(iso) - 1).toISOString().slice(0, 10);

function duration(minutes: number): string {
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 6) / 10;
  return `about ${hours} hours`;
}

/** Done orders out of the ones found: synced, skipped (a filter, a test order) or failed. */
function completed(job: ImportView): number {
  return job.synced + job.skipped + job.failed + job.alreadyKnown;
}

export function ImportOrdersCard({
  current,
  reach,
  defaultFrom,
  defaultTo,
}: {
  current: ImportView | null;
  reach: { allOrders: boolean; earliest: string | null };
  defaultFrom: string;
  defaultTo: string;
}) {
  const fetcher = useFetcher<ActionData>();
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const busy = fetcher.state !== "idle";
  const estimate = fetcher.data?.estimate;
  const active = current && (current.status === "running" || current.status === "paused") ? current : null;
  const total = active ? Math.max(active.estimate ?? 0, active.found) : 0;
  const percent = active && total > 0 ? Math.min(100, Math.round((completed(active) / total) * 100)) : 0;
  const submit = (intent: string, extra: Record<string, string> = {}) => fetcher.submit({ intent, from, to, ...extra }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Import past orders
        </Text>
        <Text as="p">
          Orders placed before the app was installed (or while it was paused) are not sent by Shopify's webhooks. An import reads them from
          Shopify and syncs each one like a new order; orders already in FreshBooks are not sent again, and new orders always go first.
        </Text>
        <Text as="p" tone="subdued">
          {reach.allOrders
            ? "The app can read your whole order history."
            : `Shopify lets the app read the last 60 days of orders (since ${day(reach.earliest ?? "")}). Older orders need the "read all orders" permission, which Shopify grants per app on request.`}
        </Text>
        {fetcher.data?.error ? <Banner tone="critical">{fetcher.data.error}</Banner> : null}
        {active ? (
          <BlockStack gap="300">
            <Text as="p" variant="bodyMd">
              {active.status === "paused" ? "Paused" : "Importing"} orders from {day(active.from)} to {lastDay(active.to)}.
            </Text>
            {active.status === "paused" && active.error ? <Banner tone="warning">{active.error}</Banner> : null}
            <ProgressBar progress={percent} tone={active.status === "paused" ? "highlight" : "primary"} ariaLabelledBy="import-progress" />
            <Text as="p" id="import-progress">
              {active.reading ? "Shopify is gathering the orders of this range (a minute or two for a large store). " : ""}
              {`Found ${active.found} of ${total} · synced ${active.synced + active.alreadyKnown} · skipped ${active.skipped} · failed ${active.failed} · waiting ${active.queued}`}
            </Text>
            <InlineStack gap="200">
              {active.status === "running" ? (
                <Button onClick={() => submit("pause", { importId: active.id })} loading={busy}>
                  Pause
                </Button>
              ) : (
                <Button variant="primary" onClick={() => submit("resume", { importId: active.id })} loading={busy}>
                  Resume
                </Button>
              )}
              <Button tone="critical" onClick={() => submit("cancel", { importId: active.id })} loading={busy}>
                Cancel import
              </Button>
            </InlineStack>
          </BlockStack>
        ) : (
          <BlockStack gap="300">
            {current ? (
              <Banner tone={current.status === "done" ? "success" : current.status === "failed" ? "critical" : "info"}>
                {current.status === "done"
                  ? `Last import (${day(current.from)} to ${lastDay(current.to)}): ${current.found} orders found, ${current.synced + current.alreadyKnown} synced, ${current.skipped} skipped, ${current.failed} failed.`
                  : current.status === "failed"
                    ? `The last import stopped: ${current.error ?? "Shopify refused it"}`
                    : `The last import was cancelled after ${current.found} orders; those already queued are synced.`}
              </Banner>
            ) : null}
            <InlineStack gap="300" blockAlign="end">
              <TextField label="From" type="date" value={from} onChange={setFrom} autoComplete="off" />
              <TextField label="To" type="date" value={to} onChange={setTo} autoComplete="off" />
              <Button onClick={() => submit("estimate")} loading={busy && fetcher.formData?.get("intent") === "estimate"}>
                Estimate
              </Button>
            </InlineStack>
            {estimate ? (
              <BlockStack gap="200">
                {estimate.clampedFrom ? (
                  <Banner tone="warning">{`Shopify shows the app orders from ${day(estimate.from)} only (60 days); the import starts there.`}</Banner>
                ) : null}
                <Text as="p">
                  {`${estimate.precision === "EXACT" ? "" : "At least "}${estimate.orders} orders from ${day(estimate.from)} to ${lastDay(estimate.to)}: about ${estimate.freshbooksRequests} FreshBooks requests, ${duration(estimate.minutes)} at the current rate (${estimate.ordersPerMinute} orders a minute).`}
                </Text>
                <InlineStack>
                  <Button
                    variant="primary"
                    onClick={() => submit("start")}
                    loading={busy && fetcher.formData?.get("intent") === "start"}
                    disabled={estimate.orders === 0}
                  >
                    {`Import ${estimate.orders} orders`}
                  </Button>
                </InlineStack>
              </BlockStack>
            ) : null}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
