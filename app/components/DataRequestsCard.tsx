import { useState } from "react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { DataRequestSummary } from "../privacy/compliance.server";
import { plural } from "./format";
import { DateTime } from "./use-locale";

/**
 * Customers' requests for their data (Shopify's customers/data_request): what this app stores
 * about each one, as a JSON file the merchant can send them. Nothing shows until one arrives.
 */
export function DataRequestsCard({ requests }: { requests: DataRequestSummary[] }) {
  const shopify = useAppBridge();
  const [downloading, setDownloading] = useState<string | null>(null);
  if (requests.length === 0) return null;

  // Through fetch, which App Bridge gives the session token (a plain link would not carry it).
  const download = async (id: string) => {
    setDownloading(id);
    try {
      const response = await fetch(`/app/data-requests/${id}`);
      if (!response.ok) throw new Error(`the export answered ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement("a"), { href: url, download: `customer-data-request-${id}.json` });
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    } catch (error) {
      shopify.toast.show(`The export could not be downloaded (${error instanceof Error ? error.message : String(error)})`, {
        isError: true,
      });
    } finally {
      setDownloading(null);
    }
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Customer data requests
        </Text>
        <Text as="p" tone="subdued">
          When a customer asks your store for their data, Shopify tells this app. Download what the app stores about them and send it with
          the rest of your answer.
        </Text>
        {requests.map((request) => (
          <InlineStack key={request.id} align="space-between" blockAlign="center" gap="300">
            <BlockStack gap="050">
              <Text as="span" fontWeight="medium">
                {request.customerEmail ?? "Customer without an email"}
              </Text>
              <Text as="span" tone="subdued">
                <DateTime iso={request.receivedAt} /> ·{" "}
                {request.erased ? "erased since, at the customer's request" : plural(request.orders, "order", "orders")}
              </Text>
            </BlockStack>
            {request.erased ? null : (
              <Button
                onClick={() => void download(request.id)}
                loading={downloading === request.id}
                accessibilityLabel={`Download the data of ${request.customerEmail ?? "this customer"}`}
              >
                Download
              </Button>
            )}
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}
