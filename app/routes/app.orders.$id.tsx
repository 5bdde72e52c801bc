import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { freshbooksInvoiceUrl, formatMoney } from "../components/OrdersTable";
import { RETRYABLE, StatusBadge, STATUS_LABELS } from "../components/StatusBadge";
import { usePollWhile } from "../components/use-poll-while";
import prisma from "../db.server";
import { env } from "../env.server";
import type { InvoiceInput } from "../freshbooks/types";
import { retryOrders } from "../models/order-sync.server";
import { orderDetail } from "../models/sync-log.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Order ${data.order.orderName}` : "Order" }];

/** One order: where it stands, every attempt, what was sent, and Shopify vs FreshBooks totals. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const order = await orderDetail(prisma, session.shop, params.id ?? "");
  // Another shop's order (or none): not found, without saying which.
  if (!order) throw new Response("Order not found", { status: 404 });
  return { order, freshbooksWebUrl: env.FRESHBOOKS_WEB_URL };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  if (!/^\d{1,18}$/.test(id)) throw new Response("Order not found", { status: 404 });
  const { found, requeued } = await retryOrders(prisma, session.shop, [BigInt(id)]);
  if (found === 0) throw new Response("Order not found", { status: 404 });
  return requeued > 0 ? { message: "Order queued for retry" } : { error: "This order is synced, syncing or about to sync." };
};

const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

export default function OrderDetail() {
  const { order, freshbooksWebUrl } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const retry = useFetcher<typeof action>();
  const invoice = order.mappedInvoice as unknown as InvoiceInput | null;
  const invoiceUrl = freshbooksInvoiceUrl(freshbooksWebUrl, order.freshbooksAccountId, order.freshbooksInvoiceId);
  const pending = order.status === "queued" || order.status === "syncing";

  useEffect(() => {
    if (retry.data && "message" in retry.data) shopify.toast.show(retry.data.message);
    if (retry.data && "error" in retry.data) shopify.toast.show(retry.data.error, { isError: true });
  }, [retry.data, shopify]);
  usePollWhile(pending);

  return (
    <Page backAction={{ content: "Sync log", url: "/app" }} title={`Order ${order.orderName}`} titleMetadata={<StatusBadge status={order.status} />}>
      <TitleBar title={`Order ${order.orderName}`} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {order.statusReason ? (
              <Banner tone={order.status === "failed" || order.status === "needs_reconnect" ? "critical" : "info"} title={STATUS_LABELS[order.status].label}>
                <p>{order.statusReason}</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Totals
                  </Text>
                  {RETRYABLE.includes(order.status) ? (
                    <Button variant="primary" loading={retry.state !== "idle"} onClick={() => retry.submit({}, { method: "POST" })}>
                      Retry
                    </Button>
                  ) : null}
                </InlineStack>
                <InlineGrid columns={3} gap="300">
                  <Box>
                    <Text as="p" tone="subdued">Shopify</Text>
                    <Text as="p" variant="headingLg">{formatMoney(order.totalPrice, order.currency)}</Text>
                  </Box>
                  <Box>
                    <Text as="p" tone="subdued">FreshBooks</Text>
                    <Text as="p" variant="headingLg">{order.freshbooksTotal ? formatMoney(order.freshbooksTotal, order.currency) : "—"}</Text>
                  </Box>
                  <Box>
                    <Text as="p" tone="subdued">Difference</Text>
                    <Text as="p" variant="headingLg" tone={order.difference ? "critical" : undefined}>
                      {order.difference ?? (order.freshbooksTotal ? "None" : "—")}
                    </Text>
                  </Box>
                </InlineGrid>
                <Text as="p">
                  FreshBooks invoice:{" "}
                  {invoiceUrl && order.invoiceNumber ? (
                    <Link url={invoiceUrl} target="_blank">{order.invoiceNumber}</Link>
                  ) : (
                    "not created yet"
                  )}
                  {" · "}
                  <Link url={`shopify://admin/orders/${order.orderId}`} target="_top">Open the order in Shopify</Link>
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Attempts</Text>
                {order.timeline.length === 0 ? (
                  <Text as="p" tone="subdued">No attempt yet: the order is queued.</Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text"]}
                    headings={["When", "Outcome", "Details"]}
                    rows={order.timeline.map((attempt) => [dateTime.format(new Date(attempt.startedAt)), attempt.outcome.replaceAll("_", " "), attempt.message ?? ""])}
                  />
                )}
              </BlockStack>
            </Card>
            {invoice ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Invoice as sent to FreshBooks</Text>
                  <Text as="p" tone="subdued">
                    {invoice.invoice_number} · {invoice.create_date} · due in {invoice.due_offset_days ?? 0} days · {invoice.currency_code}
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "text"]}
                    headings={["Line", "Qty", "Unit price", "Taxes"]}
                    rows={invoice.lines.map((line) => [
                      line.name,
                      line.qty,
                      line.unit_cost.amount,
                      [line.taxName1 && `${line.taxName1} ${line.taxAmount1}%`, line.taxName2 && `${line.taxName2} ${line.taxAmount2}%`].filter(Boolean).join(", "),
                    ])}
                  />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <NotFound />;
}

function NotFound() {
  return (
    <Page backAction={{ content: "Sync log", url: "/app" }} title="Order not found">
      <Card>
        <Text as="p">This order is not in your sync log. It may belong to another shop, or the link is wrong.</Text>
      </Card>
    </Page>
  );
}
