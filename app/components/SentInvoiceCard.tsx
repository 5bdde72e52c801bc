import type { CSSProperties, ReactNode } from "react";
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import type { InvoiceInput } from "../freshbooks/types";
import { invoiceView } from "../models/invoice-view";
import { formatDay, formatMoney, plural } from "./format";
import { useLocale } from "./use-locale";

/** "Due on receipt", "Due in 1 day", "Due in 30 days". */
export function dueTerms(days: number | undefined): string {
  return !days ? "Due on receipt" : `Due in ${plural(days, "day", "days")}`;
}

export interface RecordedPayment {
  amount: string;
  code: string;
  date: string;
  type: string;
}

export interface SentInvoiceProps {
  invoice: InvoiceInput;
  /** FreshBooks' own total for the invoice, once created. */
  freshbooksTotal: string | null;
  shopifyTotal: string;
  /** FreshBooks minus Shopify, when they differ. */
  difference: string | null;
  payment: RecordedPayment | null;
  /** Other words for the same invoice before it exists (the Settings preview). */
  labels?: Partial<typeof SENT_LABELS>;
  /** Shown under the heading (the preview's order and client). */
  children?: ReactNode;
}

const SENT_LABELS = {
  title: "Invoice in FreshBooks",
  total: "Total in FreshBooks",
  payments: "Payments recorded",
  noPayment: "None recorded by this app.",
};

const cell: CSSProperties = {
  padding: "var(--p-space-200) var(--p-space-300)",
  verticalAlign: "top",
  borderTop: "var(--p-border-width-025) solid var(--p-color-border-secondary)",
};
const number: CSSProperties = { ...cell, textAlign: "end", whiteSpace: "nowrap" };

/**
 * The invoice as FreshBooks has it: each line with its discount and taxes, the subtotal, each
 * tax, the total, Shopify's total beside it, the difference if any, and the payment recorded.
 */
export function SentInvoiceCard({ invoice, freshbooksTotal, shopifyTotal, difference, payment, labels, children }: SentInvoiceProps) {
  const locale = useLocale();
  const words = { ...SENT_LABELS, ...labels };
  const currency = invoice.currency_code;
  const money = (amount: string) => formatMoney(amount, currency, locale);
  const view = invoiceView(invoice);
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {words.title}
          </Text>
          <Text as="p" tone="subdued">
            {[
              invoice.invoice_number,
              invoice.create_date ? formatDay(invoice.create_date, locale) : null,
              dueTerms(invoice.due_offset_days),
              currency,
            ]
              .filter(Boolean)
              .join(" · ")}
          </Text>
        </BlockStack>
        {children}
        {view ? (
          <table style={{ width: "100%", borderCollapse: "collapse" }} aria-label="Invoice lines">
            <thead>
              <tr>
                <th scope="col" style={{ ...cell, borderTop: "none", textAlign: "start" }}>
                  <Heading>Item</Heading>
                </th>
                <th scope="col" style={{ ...number, borderTop: "none" }}>
                  <Heading>Qty</Heading>
                </th>
                <th scope="col" style={{ ...number, borderTop: "none" }}>
                  <Heading>Unit price</Heading>
                </th>
                <th scope="col" style={{ ...number, borderTop: "none" }}>
                  <Heading>Amount</Heading>
                </th>
              </tr>
            </thead>
            <tbody>
              {view.lines.map((line, index) => (
                <tr key={index}>
                  <td style={{ ...cell, overflowWrap: "anywhere" }}>
                    <Text as="span">{line.name}</Text>
                    {line.notes.map((note, n) => (
                      <Text key={n} as="p" variant="bodySm" tone={note.startsWith("Discount") ? "success" : "subdued"}>
                        {note}
                      </Text>
                    ))}
                    {line.taxes.map((tax) => (
                      <Text key={tax.name} as="p" variant="bodySm" tone="subdued">
                        {`${tax.name} ${tax.percent}%: ${money(tax.amount)}`}
                      </Text>
                    ))}
                  </td>
                  <td style={number}>{line.qty}</td>
                  <td style={number}>{money(line.unitCost)}</td>
                  <td style={number}>{money(line.amount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <SummaryRow label="Subtotal">{money(view.subtotal)}</SummaryRow>
              {view.discount ? (
                <SummaryRow label={`Discount (${view.discount.percent}%)`}>{`−${money(view.discount.amount)}`}</SummaryRow>
              ) : null}
              {view.taxes.map((tax) => (
                <SummaryRow key={`${tax.name}|${tax.percent}`} label={`${tax.name} (${tax.percent}%)`}>
                  {money(tax.amount)}
                </SummaryRow>
              ))}
              <SummaryRow label={words.total} strong>
                {freshbooksTotal ? money(freshbooksTotal) : `${money(view.total)} (not created yet)`}
              </SummaryRow>
              <SummaryRow label="Total in Shopify">{money(shopifyTotal)}</SummaryRow>
              {difference ? (
                <SummaryRow label="Difference" critical>
                  {money(difference)}
                </SummaryRow>
              ) : null}
            </tfoot>
          </table>
        ) : (
          <Text as="p" tone="subdued">
            This invoice's amounts cannot be shown exactly.
          </Text>
        )}
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            {words.payments}
          </Text>
          {payment ? (
            <InlineStack gap="200" wrap>
              <Text as="span" fontWeight="semibold">
                {formatMoney(payment.amount, payment.code || currency, locale)}
              </Text>
              <Text as="span" tone="subdued">
                {`${formatDay(payment.date, locale)} · ${payment.type}`}
              </Text>
            </InlineStack>
          ) : (
            <Text as="p" tone="subdued">
              {words.noPayment}
            </Text>
          )}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return (
    <Text as="span" variant="bodySm" fontWeight="medium" tone="subdued">
      {children}
    </Text>
  );
}

function SummaryRow({
  label,
  children,
  strong = false,
  critical = false,
}: {
  label: string;
  children: ReactNode;
  strong?: boolean;
  critical?: boolean;
}) {
  const tone = critical ? "critical" : undefined;
  return (
    <tr>
      <th scope="row" colSpan={3} style={{ ...cell, textAlign: "end", fontWeight: "normal" }}>
        <Text as="span" fontWeight={strong ? "semibold" : undefined} tone={tone}>
          {label}
        </Text>
      </th>
      <td style={number}>
        <Text as="span" fontWeight={strong ? "semibold" : undefined} tone={tone} numeric>
          {children}
        </Text>
      </td>
    </tr>
  );
}
