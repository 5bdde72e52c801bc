import { Banner, Text } from "@shopify/polaris";

/** The completeness sweep found orders Shopify's webhooks never delivered (more than a handful, or for hours). */
export function WebhookSilenceBanner({ silence }: { silence: { missing: number; since: string } | null }) {
  if (!silence) return null;
  return (
    <Banner tone="warning" title="Shopify's order notifications are not all arriving">
      <Text as="p">
        {`Since ${new Date(silence.since).toLocaleString()}, ${silence.missing} ${silence.missing === 1 ? "order" : "orders"} reached the app only through its regular check of your Shopify orders, not through Shopify's notification. They are synced ("recovered by the sweep"); nothing is lost, but new orders may take up to 15 minutes to appear until the notifications work again.`}
      </Text>
    </Banner>
  );
}
