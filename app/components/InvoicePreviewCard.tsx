import { useEffect, useRef } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { InvoicePreviewData } from "../models/invoice-preview.server";
import { SentInvoiceCard } from "./SentInvoiceCard";

const TITLE = "Preview your next invoice";

/**
 * "Preview your next invoice": the FreshBooks invoice the invoice settings as typed (saved or
 * not) would create for the store's most recent order, or a sample order. Asks the read-only
 * preview route (app.invoice-preview.ts) again shortly after each change to the form.
 */
export function InvoicePreviewCard({ form }: { form: Record<string, string> | null }) {
  const fetcher = useFetcher<InvoicePreviewData>();
  const query = form ? new URLSearchParams(Object.entries(form).filter(([key]) => key !== "intent")).toString() : null;
  // The latest load, so a new render alone never asks again: only a changed form does.
  const load = useRef(fetcher.load);
  load.current = fetcher.load;
  useEffect(() => {
    if (query === null) return;
    const timer = setTimeout(() => void load.current(`/app/invoice-preview?${query}`), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const data = fetcher.data;
  return (
    <section aria-label={TITLE}>
      {data?.ok ? (
        <SentInvoiceCard
          invoice={data.preview.invoice}
          freshbooksTotal={data.preview.freshbooksTotal}
          shopifyTotal={data.preview.shopifyTotal}
          difference={data.preview.difference}
          payment={data.preview.payment}
          labels={{
            title: TITLE,
            total: "Total in FreshBooks",
            payments: "Payment it records",
            noPayment: "None: recording payments is off or the order is not paid.",
          }}
        >
          <BlockStack gap="100">
            <Text as="p">
              {data.preview.source === "order"
                ? `Your most recent order, ${data.preview.orderName}, with the settings above (saved or not). Nothing is sent to FreshBooks.`
                : "A sample order (your store has no orders yet), with the settings above (saved or not). Nothing is sent to FreshBooks."}
            </Text>
            <Text as="p">
              <Text as="span" fontWeight="semibold">
                {`Client: ${data.preview.client.name}${data.preview.client.email ? ` <${data.preview.client.email}>` : ""}`}
              </Text>
              {` — ${data.preview.client.why}`}
            </Text>
            <Text as="p" tone="subdued">
              {data.preview.emailTo ? `FreshBooks emails the invoice to ${data.preview.emailTo}.` : "The invoice is not emailed."}
            </Text>
          </BlockStack>
        </SentInvoiceCard>
      ) : (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {TITLE}
            </Text>
            <Text as="p" tone={data ? "critical" : "subdued"}>
              {!data
                ? "Preparing the preview…"
                : "errors" in data
                  ? "Fix the settings above to see the invoice they would create."
                  : `Order ${data.orderName} could not be previewed: ${data.reason}`}
            </Text>
          </BlockStack>
        </Card>
      )}
    </section>
  );
}
