import { useEffect } from "react";
import { Link as RemixLink } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  IndexTable,
  InlineStack,
  Link,
  Text,
  useBreakpoints,
  useIndexResourceState,
} from "@shopify/polaris";
import type { OrderRow } from "../models/sync-log.server";
import { explain } from "../models/sync-causes";
import { canRetry } from "../models/sync-status";
import { formatMoney, plural } from "./format";
import { StatusBadge } from "./StatusBadge";
import { DateTime, useLocale } from "./use-locale";

export interface OrdersTableProps {
  /** `accountingState`: the books' side of the order ("Paid", "Partly refunded", "Cancelled"…), docs/decisions/0016. */
  rows: (OrderRow & { accountingState?: string | null })[];
  freshbooksWebUrl: string;
  onRetry(ids: string[]): void;
  retrying: boolean;
  pagination: { label: string; hasNext: boolean; hasPrevious: boolean; onNext(): void; onPrevious(): void };
}

/** FreshBooks' web address of an invoice (UNCONFIRMED format: /#/invoice/<account>-<invoice>). */
export function freshbooksInvoiceUrl(base: string, accountId: string | null, invoiceId: number | null): string | null {
  return accountId && invoiceId ? `${base}/#/invoice/${accountId}-${invoiceId}` : null;
}

/** What the bulk button says: exactly how many of the selected orders Retry will re-queue. */
export function retryLabel(retryable: number, selected: number): string {
  if (retryable === 0) return selected === 1 ? "This order cannot be retried" : "None of these can be retried";
  if (retryable === selected) return `Retry ${plural(retryable, "order", "orders")}`;
  return `Retry ${retryable} of ${plural(selected, "order", "orders")}`;
}

export function OrdersTable({ rows, freshbooksWebUrl, onRetry, retrying, pagination }: OrdersTableProps) {
  const locale = useLocale();
  // On a phone (Polaris' sm breakpoint, < 490 px) each order is one stacked item instead of a
  // table row that scrolls sideways: order and total, customer, status with its reason, Retry.
  const { smDown: condensed } = useBreakpoints();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  // Another page, tab, search or period shows other rows: the selection of the old ones goes.
  // (A poll that returns the same rows keeps it.)
  const rowKey = rows.map((row) => row.id).join(",");
  useEffect(() => clearSelection(), [rowKey]);

  const chosen = rows.filter((row) => allResourcesSelected || selectedResources.includes(row.id));
  const retryable = chosen.filter((row) => canRetry(row)).map((row) => row.id);
  const retrySelected = () => {
    onRetry(retryable);
    clearSelection();
  };

  return (
    <IndexTable
      condensed={condensed}
      resourceName={{ singular: "order", plural: "orders" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : chosen.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[
        { content: retryLabel(retryable.length, chosen.length), onAction: retrySelected, disabled: retrying || retryable.length === 0 },
      ]}
      headings={[
        { title: "Order" },
        { title: "Customer" },
        { title: "Total", alignment: "end" },
        { title: "Status" },
        { title: "FreshBooks invoice" },
        { title: "Last attempt" },
        { title: "Attempts", alignment: "end" },
        { title: "Actions", hidden: true },
      ]}
      pagination={pagination}
    >
      {rows.map((row, index) => {
        const selected = allResourcesSelected || selectedResources.includes(row.id);
        const retryButton = canRetry(row) ? (
          <Button size="slim" disabled={retrying} onClick={() => onRetry([row.id])} accessibilityLabel={`Retry ${row.orderName}`}>
            Retry
          </Button>
        ) : null;
        if (condensed) {
          return (
            <IndexTable.Row id={row.id} key={row.id} position={index} selected={selected}>
              <Box padding="300" width="100%">
                <BlockStack gap="100">
                  <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                    <RemixLink to={`/app/orders/${row.id}`} data-primary-link style={{ color: "inherit", textDecoration: "none" }}>
                      <Text as="span" fontWeight="semibold">
                        {row.orderName}
                      </Text>
                    </RemixLink>
                    <Text as="span" numeric>
                      {formatMoney(row.totalPrice, row.currency, locale)}
                    </Text>
                  </InlineStack>
                  <Text as="span" tone="subdued" truncate>
                    {row.customerName ?? row.customerEmail ?? "Guest"}
                  </Text>
                  <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                    <BlockStack gap="100" inlineAlign="start">
                      <StatusBadge status={row.status} />
                      <ShortReason row={row} />
                    </BlockStack>
                    {retryButton ? <div onClick={(event) => event.stopPropagation()}>{retryButton}</div> : null}
                  </InlineStack>
                </BlockStack>
              </Box>
            </IndexTable.Row>
          );
        }
        const invoiceUrl = freshbooksInvoiceUrl(freshbooksWebUrl, row.freshbooksAccountId, row.freshbooksInvoiceId);
        return (
          <IndexTable.Row id={row.id} key={row.id} position={index} selected={selected}>
            <IndexTable.Cell>
              <RemixLink to={`/app/orders/${row.id}`} data-primary-link style={{ color: "inherit", textDecoration: "none" }}>
                <Text as="span" fontWeight="semibold">
                  {row.orderName}
                </Text>
              </RemixLink>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" truncate>
                {row.customerName ?? row.customerEmail ?? "Guest"}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {formatMoney(row.totalPrice, row.currency, locale)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <BlockStack gap="100" inlineAlign="start">
                <StatusBadge status={row.status} />
                {row.accountingState ? (
                  <Badge tone={row.accountingState === "Paid" ? "success" : row.accountingState === "Unpaid" ? undefined : "info"}>
                    {row.accountingState}
                  </Badge>
                ) : null}
                <ShortReason row={row} />
              </BlockStack>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {row.invoiceNumber && invoiceUrl ? (
                <Link url={invoiceUrl} target="_blank" removeUnderline>
                  {row.invoiceNumber}
                </Link>
              ) : (
                <Text as="span" tone="subdued">
                  —
                </Text>
              )}
            </IndexTable.Cell>
            <IndexTable.Cell>{row.lastAttemptAt ? <DateTime iso={row.lastAttemptAt} /> : "—"}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {row.attempts}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              {/* A click here must neither select the row nor open it. */}
              <div onClick={(event) => event.stopPropagation()} style={{ display: "flex", justifyContent: "flex-end" }}>
                {retryButton}
              </div>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}

/** The reason in a few words under the badge; the whole sentence on hover and on the order's page. */
function ShortReason({ row }: { row: OrderRow }) {
  const explanation = explain(row);
  if (!explanation || (row.status === "synced" && explanation.action === "none")) return null;
  return (
    <span title={`${explanation.what} ${explanation.fix}`} style={{ display: "block", maxWidth: "16rem" }}>
      <Text as="span" variant="bodySm" tone="subdued" truncate>
        {explanation.what}
      </Text>
    </span>
  );
}
