import { BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { InvoiceInput } from "../freshbooks/types";
import { formatDay, formatMoney, plural } from "./format";
import { useLocale } from "./use-locale";

/** "Due on receipt", "Due in 1 day", "Due in 30 days". */
export function dueTerms(days: number | undefined): string {
  return !days ? "Due on receipt" : `Due in ${plural(days, "day", "days")}`;
}

/** The invoice exactly as it was sent to FreshBooks, with the total FreshBooks computed for it. */
export function SentInvoiceCard({ invoice, total }: { invoice: InvoiceInput; total: string | null }) {
  const locale = useLocale();
  const lines = Array.isArray(invoice.lines) ? invoice.lines : [];
  const taxes = (line: InvoiceInput["lines"][number]) =>
    [line.taxName1 && `${line.taxName1} ${line.taxAmount1}%`, line.taxName2 && `${line.taxName2} ${line.taxAmount2}%`].filter(Boolean).join(", ") || "—";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Invoice as sent to FreshBooks
          </Text>
          <Text as="span" variant="headingMd" numeric>
            {total ? formatMoney(total, invoice.currency_code, locale) : "Total not known yet"}
          </Text>
        </InlineStack>
        <Text as="p" tone="subdued">
          {[invoice.invoice_number, invoice.create_date ? formatDay(invoice.create_date, locale) : null, dueTerms(invoice.due_offset_days), invoice.currency_code]
            .filter(Boolean)
            .join(" · ")}
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "text"]}
          headings={["Line", "Qty", "Unit price", "Taxes"]}
          rows={lines.map((line) => [line.name, line.qty, formatMoney(line.unit_cost.amount, line.unit_cost.code || invoice.currency_code, locale), taxes(line)])}
          totals={total ? ["", "", formatMoney(total, invoice.currency_code, locale), ""] : undefined}
          totalsName={{ singular: "Total (FreshBooks)", plural: "Total (FreshBooks)" }}
          showTotalsInFooter
        />
      </BlockStack>
    </Card>
  );
}
