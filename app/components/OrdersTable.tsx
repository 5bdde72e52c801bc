import { Link as RemixLink } from "@remix-run/react";
import { IndexTable, Link, Text, useIndexResourceState } from "@shopify/polaris";
import type { OrderRow } from "../models/sync-log.server";
import { RETRYABLE, StatusBadge } from "./StatusBadge";

export interface OrdersTableProps {
  rows: OrderRow[];
  freshbooksWebUrl: string;
  onRetry(ids: string[]): void;
  retrying: boolean;
  pagination: { hasNext: boolean; hasPrevious: boolean; onNext(): void; onPrevious(): void };
}

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function formatMoney(amount: string, currency: string): string {
  return `${amount} ${currency}`;
}

/** FreshBooks' web address of an invoice (UNCONFIRMED format: /#/invoice/<account>-<invoice>). */
export function freshbooksInvoiceUrl(base: string, accountId: string | null, invoiceId: number | null): string | null {
  return accountId && invoiceId ? `${base}/#/invoice/${accountId}-${invoiceId}` : null;
}

export function OrdersTable({ rows, freshbooksWebUrl, onRetry, retrying, pagination }: OrdersTableProps) {
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  // Only failed/waiting/difference orders can be retried; synced ones in the selection are left alone.
  const chosen = new Set(allResourcesSelected ? rows.map((row) => row.id) : selectedResources);
  const selected = rows.filter((row) => chosen.has(row.id) && RETRYABLE.includes(row.status)).map((row) => row.id);
  const retrySelected = () => {
    onRetry(selected);
    clearSelection();
  };

  return (
    <IndexTable
      resourceName={{ singular: "order", plural: "orders" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[
        {
          content: `Retry ${selected.length} failed ${selected.length === 1 ? "order" : "orders"}`,
          onAction: retrySelected,
          disabled: retrying || selected.length === 0,
        },
      ]}
      headings={[
        { title: "Order" },
        { title: "Customer" },
        { title: "Total", alignment: "end" },
        { title: "Status" },
        { title: "FreshBooks invoice" },
        { title: "Last attempt" },
        { title: "Attempts", alignment: "end" },
        { title: "" },
      ]}
      pagination={pagination}
    >
      {rows.map((row, index) => {
        const invoiceUrl = freshbooksInvoiceUrl(freshbooksWebUrl, row.freshbooksAccountId, row.freshbooksInvoiceId);
        return (
          <IndexTable.Row
            id={row.id}
            key={row.id}
            position={index}
            selected={selectedResources.includes(row.id)}
          >
            <IndexTable.Cell>
              <Link url={`shopify://admin/orders/${row.orderId}`} target="_top" removeUnderline>
                <Text as="span" fontWeight="semibold">
                  {row.orderName}
                </Text>
              </Link>
            </IndexTable.Cell>
            <IndexTable.Cell>{row.customerName ?? row.customerEmail ?? "Guest"}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {formatMoney(row.totalPrice, row.currency)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <StatusBadge status={row.status} />
            </IndexTable.Cell>
            <IndexTable.Cell>
              {row.invoiceNumber && invoiceUrl && row.freshbooksInvoiceId ? (
                <Link url={invoiceUrl} target="_blank" removeUnderline>
                  {row.invoiceNumber}
                </Link>
              ) : (
                <Text as="span" tone="subdued">
                  —
                </Text>
              )}
            </IndexTable.Cell>
            <IndexTable.Cell>{row.lastAttemptAt ? dateTime.format(new Date(row.lastAttemptAt)) : "—"}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {row.attempts}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <RemixLink to={`/app/orders/${row.id}`} data-primary-link>
                Details
              </RemixLink>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}
