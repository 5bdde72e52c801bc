import { BlockStack, Text } from "@shopify/polaris";
import type { Explanation } from "../models/sync-causes";

/** FreshBooks' or OAuth's own text, folded away: the merchant reads our sentence first. */
export function Details({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <details>
      <summary style={{ cursor: "pointer" }}>
        <Text as="span" variant="bodySm" tone="subdued">
          Details
        </Text>
      </summary>
      <Text as="p" variant="bodySm" tone="subdued" breakWord>
        {text}
      </Text>
    </details>
  );
}

/** What happened, what to do, and the original text under Details. */
export function Reason({ explanation }: { explanation: Explanation }) {
  return (
    <BlockStack gap="100">
      <Text as="p">
        {explanation.what} {explanation.fix}
      </Text>
      <Details text={explanation.details} />
    </BlockStack>
  );
}
