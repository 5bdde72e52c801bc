import { Text } from "@shopify/polaris";
import { Details } from "./Reason";
import { OutcomeBadge } from "./StatusBadge";
import { DateTime } from "./use-locale";

export interface AttemptRow {
  id: string;
  startedAt: string;
  outcome: string;
  message: string | null;
}

const cell = {
  padding: "var(--p-space-200) var(--p-space-300)",
  verticalAlign: "top",
  borderTop: "var(--p-border-width-025) solid var(--p-color-border-secondary)",
} as const;
const head = { ...cell, borderTop: "none", textAlign: "start" } as const;

/**
 * Every attempt: when (on one line), its outcome, and what was recorded under Details. A plain
 * table whose text wraps: nothing to scroll sideways, at 390 px either.
 */
export function AttemptsTable({ attempts }: { attempts: AttemptRow[] }) {
  return (
    <table style={{ width: "100%", borderCollapse: "collapse", tableLayout: "auto" }}>
      <thead>
        <tr>
          {["When", "Outcome", "Details"].map((title) => (
            <th key={title} scope="col" style={head}>
              <Text as="span" variant="bodySm" fontWeight="medium" tone="subdued">
                {title}
              </Text>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt) => (
          <tr key={attempt.id}>
            <td style={{ ...cell, whiteSpace: "nowrap" }}>
              <Text as="span">
                <DateTime iso={attempt.startedAt} short />
              </Text>
            </td>
            <td style={{ ...cell, whiteSpace: "nowrap" }}>
              <OutcomeBadge outcome={attempt.outcome} />
            </td>
            <td style={{ ...cell, width: "100%", overflowWrap: "anywhere" }}>
              {attempt.message ? <Details text={attempt.message} /> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
