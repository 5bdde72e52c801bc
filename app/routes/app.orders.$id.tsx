import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useFetcher, useLoaderData, useRouteError } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, Card, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { formatMoney } from "../components/format";
import { freshbooksInvoiceUrl } from "../components/OrdersTable";
import { SentInvoiceCard, type RecordedPayment } from "../components/SentInvoiceCard";
import { AttemptsTable } from "../components/AttemptsTable";
import { StatusBadge } from "../components/StatusBadge";
import { useLocale } from "../components/use-locale";
import { usePollWhile } from "../components/use-poll-while";
import { useToasts } from "../components/use-toasts";
import prisma from "../db.server";
import { env } from "../env.server";
import type { InvoiceInput } from "../freshbooks/types";
import { logger } from "../logger.server";
import { retryOrders } from "../models/order-sync.server";
import { getSettings } from "../models/settings.server";
import { orderDetail } from "../models/sync-log.server";
import { Reason } from "../components/Reason";
import { useFreshBooksConnect } from "../components/use-freshbooks-connect";
import { bannerTone, ORDER_STATES } from "../models/state-words";
import { explain } from "../models/sync-causes";
import { resendInvoiceEmail } from "../sync/resend-email.server";
import { canRetry } from "../models/sync-status";
import { authenticate } from "../shopify.server";
import { OrderTimeline } from "../components/OrderTimeline";
import { orderLifecycle, retryEvent } from "../sync/lifecycle/timeline.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Order ${data.order.orderName}` : "Order" }];

/** One order: where it stands, every attempt, what was sent, and Shopify vs FreshBooks totals. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [order, settings] = await Promise.all([orderDetail(prisma, session.shop, params.id ?? ""), getSettings(prisma, session.shop)]);
  // Another shop's order (or none): not found, without saying which.
  if (!order) throw new Response("Order not found", { status: 404 });
  const dueSoon =
    order.status === "queued" && (order.nextAttemptAt === null || new Date(order.nextAttemptAt).getTime() <= Date.now() + 60_000);
  const lifecycle = await orderLifecycle(prisma, session.shop, { ...order, recordedPayment: order.recordedPayment ?? null });
  const eventsMoving = lifecycle.events.some((event) => event.status === "queued" || event.status === "processing");
  return {
    order,
    lifecycle,
    freshbooksWebUrl: env.FRESHBOOKS_WEB_URL,
    poll: (order.status === "syncing" || dueSoon || eventsMoving) && settings.uninstalledAt === null,
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  if (!/^\d{1,18}$/.test(id)) throw new Response("Order not found", { status: 404 });
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "retry-event") {
    const retried = await retryEvent(prisma, session.shop, String(form.get("eventId") ?? ""));
    return retried ? { message: "Event queued for retry" } : { error: "This event is not failed any more." };
  }
  if (intent === "send-email") {
    const sent = await resendInvoiceEmail(session.shop, BigInt(id), { db: prisma, logger });
    if (sent === "not_found") throw new Response("Order not found", { status: 404 });
    if (sent === "sent") return { message: "Invoice email sent" };
    if (sent === "nothing_to_send") return { error: "There is no invoice email left to send for this order." };
    if (sent === "reconnect") return { error: "The email was not sent: reconnect FreshBooks first." };
    return { error: "FreshBooks did not send the email. Try again in a moment." };
  }
  const { found, requeued } = await retryOrders(prisma, session.shop, [BigInt(id)]);
  if (found === 0) throw new Response("Order not found", { status: 404 });
  return requeued > 0 ? { message: "Order queued for retry" } : { error: "This order is synced, syncing or about to sync." };
};

export default function OrderDetail() {
  const { order, lifecycle, freshbooksWebUrl, poll } = useLoaderData<typeof loader>();
  const locale = useLocale();
  const retry = useFetcher<typeof action>();
  const invoice = order.mappedInvoice as unknown as InvoiceInput | null;
  const invoiceUrl = freshbooksInvoiceUrl(freshbooksWebUrl, order.freshbooksAccountId, order.freshbooksInvoiceId);
  const retrying = retry.state !== "idle";
  const { connect } = useFreshBooksConnect();
  const explanation = explain(order);
  const bannerAction =
    explanation?.action === "reconnect"
      ? { content: "Reconnect FreshBooks", onAction: connect }
      : explanation?.action === "settings"
        ? { content: "Open Settings", url: "/app/settings" }
        : explanation?.action === "send-email"
          ? {
              content: "Send the invoice email",
              onAction: () => retry.submit({ intent: "send-email" }, { method: "POST" }),
              loading: retrying,
            }
          : undefined;
  useToasts(retry.data);
  usePollWhile(poll, order.status);

  return (
    <Page>
      <TitleBar title={`Order ${order.orderName}`}>
        <a variant="breadcrumb" href="/app">
          Sync log
        </a>
        {canRetry(order) ? (
          <button variant="primary" onClick={() => retry.submit({ intent: "retry" }, { method: "POST" })} disabled={retrying}>
            {retrying ? "Retrying…" : "Retry"}
          </button>
        ) : null}
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {explanation ? (
              <Banner tone={bannerTone(explanation.tone)} title={ORDER_STATES[order.status].label} action={bannerAction}>
                <Reason explanation={explanation} />
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Totals
                  </Text>
                  <StatusBadge status={order.status} />
                </InlineStack>
                <InlineGrid columns={3} gap="300">
                  <Total label="Shopify" value={formatMoney(order.totalPrice, order.currency, locale)} />
                  <Total
                    label="FreshBooks"
                    value={order.freshbooksTotal ? formatMoney(order.freshbooksTotal, order.currency, locale) : "—"}
                  />
                  <Total
                    label="Difference"
                    critical={Boolean(order.difference)}
                    value={order.difference ? formatMoney(order.difference, order.currency, locale) : order.freshbooksTotal ? "None" : "—"}
                  />
                </InlineGrid>
                <Text as="p">
                  FreshBooks invoice:{" "}
                  {invoiceUrl && order.invoiceNumber ? (
                    <Link url={invoiceUrl} target="_blank">
                      {order.invoiceNumber}
                    </Link>
                  ) : (
                    "not created yet"
                  )}
                  {" · "}
                  <Link url={`shopify://admin/orders/${order.orderId}`} target="_top">
                    Open the order in Shopify
                  </Link>
                </Text>
              </BlockStack>
            </Card>
            <OrderTimeline
              created={{ at: order.createdAt, name: order.orderName }}
              invoice={{ number: order.invoiceNumber, status: ORDER_STATES[order.status].label, total: order.freshbooksTotal }}
              events={lifecycle.events}
              currency={order.currency}
              locale={locale}
              accountingState={lifecycle.accountingState}
              tieOut={lifecycle.tieOut}
              onRetry={(eventId) => retry.submit({ intent: "retry-event", eventId }, { method: "POST" })}
              retrying={retrying}
            />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Attempts
                </Text>
                {order.timeline.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No attempt yet: the order is queued.
                  </Text>
                ) : (
                  <AttemptsTable attempts={order.timeline} />
                )}
              </BlockStack>
            </Card>
            {invoice ? (
              <SentInvoiceCard
                invoice={invoice}
                freshbooksTotal={order.freshbooksTotal}
                shopifyTotal={order.totalPrice}
                difference={order.difference}
                payment={order.recordedPayment as RecordedPayment | null}
              />
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Total({ label, value, critical = false }: { label: string; value: string; critical?: boolean }) {
  return (
    <Box>
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" tone={critical ? "critical" : undefined}>
        {value}
      </Text>
    </Box>
  );
}

/**
 * A 404 (another shop's order, or a wrong link) says so; the library's auth responses (re-auth,
 * bounce pages) go to its boundary; anything else is our failure and says that, not "not found".
 */
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Problem title="Order not found" message="This order is not in your sync log. It may belong to another shop, or the link is wrong." />
    );
  }
  if (isRouteErrorResponse(error) && error.status < 500) return boundary.error(error);
  return (
    <Problem
      title="This order could not be shown"
      message="Something went wrong on our side. Try again in a moment; your orders keep syncing meanwhile."
    />
  );
}

function Problem({ title, message }: { title: string; message: string }) {
  return (
    <Page>
      <TitleBar title={title}>
        <a variant="breadcrumb" href="/app">
          Sync log
        </a>
      </TitleBar>
      <Card>
        <Text as="p">{message}</Text>
      </Card>
    </Page>
  );
}
