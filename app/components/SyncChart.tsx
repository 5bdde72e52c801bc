import { BlockStack, InlineStack, Text } from "@shopify/polaris";

/** Orders synced (and failed) per day, as small SVG bars: no chart library to load in the admin. */
export function SyncChart({ days }: { days: { day: string; synced: number; failed: number }[] }) {
  const max = Math.max(1, ...days.map((d) => d.synced + d.failed));
  const height = 100;
  const barWidth = 10;
  const width = Math.max(days.length, 1) * barWidth;
  const total = days.reduce((sum, d) => sum + d.synced, 0);
  const labelEvery = Math.ceil(days.length / 6);
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between">
        <Text as="h3" variant="headingSm">
          Orders synced per day
        </Text>
        <Text as="span" tone="subdued" variant="bodySm">
          {total} synced
        </Text>
      </InlineStack>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} preserveAspectRatio="none" role="img" aria-label={`${total} orders synced over ${days.length} days`}>
        {days.map((d, i) => {
          const syncedHeight = (d.synced / max) * (height - 2);
          const failedHeight = (d.failed / max) * (height - 2);
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.synced} synced${d.failed ? `, ${d.failed} failed` : ""}`}</title>
              <rect x={i * barWidth + 2} y={height - syncedHeight} width={barWidth - 4} height={syncedHeight} fill="#29845a" />
              <rect x={i * barWidth + 2} y={height - syncedHeight - failedHeight} width={barWidth - 4} height={failedHeight} fill="#e51c00" />
            </g>
          );
        })}
        <line x1={0} y1={height - 0.5} x2={width} y2={height - 0.5} stroke="#e3e3e3" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      </svg>
      <InlineStack align="space-between">
        {days
          .filter((_, i) => i % labelEvery === 0)
          .map((d) => (
            <Text key={d.day} as="span" variant="bodySm" tone="subdued">
              {d.day.slice(5)}
            </Text>
          ))}
      </InlineStack>
    </BlockStack>
  );
}
