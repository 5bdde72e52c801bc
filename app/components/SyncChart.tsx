import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { formatDay } from "./format";
import { useLocale } from "./use-locale";

const COLOURS = { synced: "#29845a", failed: "#e51c00" } as const;

function Swatch({ colour, label }: { colour: string; label: string }) {
  return (
    <InlineStack gap="100" blockAlign="center">
      <span aria-hidden style={{ display: "inline-block", width: 10, height: 10, borderRadius: 2, background: colour }} />
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
    </InlineStack>
  );
}

/** Orders synced (and failed) per day, as small SVG bars: no chart library to load in the admin. */
export function SyncChart({ days }: { days: { day: string; synced: number; failed: number }[] }) {
  const locale = useLocale();
  const max = Math.max(1, ...days.map((d) => d.synced + d.failed));
  const height = 100;
  const barWidth = 10;
  const width = Math.max(days.length, 1) * barWidth;
  const total = days.reduce((sum, d) => sum + d.synced, 0);
  const failedTotal = days.reduce((sum, d) => sum + d.failed, 0);
  const labelEvery = Math.ceil(days.length / 6);
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between">
        <Text as="h3" variant="headingSm">
          Orders synced per day
        </Text>
        <InlineStack gap="300" blockAlign="center">
          <Swatch colour={COLOURS.synced} label={`Synced (${total})`} />
          <Swatch colour={COLOURS.failed} label={`Failed (${failedTotal})`} />
        </InlineStack>
      </InlineStack>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${total} orders synced and ${failedTotal} failed over ${days.length} days`}
      >
        {days.map((d, i) => {
          const syncedHeight = (d.synced / max) * (height - 2);
          const failedHeight = (d.failed / max) * (height - 2);
          return (
            <g key={d.day}>
              <title>{`${formatDay(d.day, locale)}: ${d.synced} synced${d.failed ? `, ${d.failed} failed` : ""}`}</title>
              <rect x={i * barWidth + 2} y={height - syncedHeight} width={barWidth - 4} height={syncedHeight} fill={COLOURS.synced} />
              <rect
                x={i * barWidth + 2}
                y={height - syncedHeight - failedHeight}
                width={barWidth - 4}
                height={failedHeight}
                fill={COLOURS.failed}
              />
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
              {formatDay(d.day, locale, { day: "numeric", month: "short" })}
            </Text>
          ))}
      </InlineStack>
    </BlockStack>
  );
}
