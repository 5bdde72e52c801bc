import { useEffect, useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Card, InlineStack, Layout, Page, Select, Tabs, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { OrdersTable } from "../components/OrdersTable";
import { GettingStarted, SyncLogBanners } from "../components/SyncLogBanners";
import { SyncOverview } from "../components/SyncOverview";
import { useFreshBooksConnect } from "../components/use-freshbooks-connect";
import { usePollWhile } from "../components/use-poll-while";
import prisma from "../db.server";
import { env } from "../env.server";
import { connectionSummary } from "../freshbooks/connection.server";
import { retryOrders } from "../models/order-sync.server";
import { getSettings } from "../models/settings.server";
import { resumeShop } from "../models/shop.server";
import { backlog, listOrders, summarize } from "../models/sync-log.server";
import { STATUS_FILTERS, type StatusFilter } from "../models/sync-status";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Sync log" }];

const PERIODS = { "7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days" } as const;
const querySchema = z.object({
  status: z.enum(Object.keys(STATUS_FILTERS) as [StatusFilter, ...StatusFilter[]]).catch("all"),
  period: z.enum(Object.keys(PERIODS) as ["7", "30", "90"]).catch("30"),
  q: z.string().max(200).catch(""),
  after: z.string().max(200).optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const from = new Date(Date.now() - Number(query.period) * 86_400_000);
  const [connection, settings, page, summary, waiting, anyOrder] = await Promise.all([
    connectionSummary(shop, prisma),
    getSettings(prisma, shop),
    listOrders(prisma, shop, { status: query.status, search: query.q, from, after: query.after, before: query.before }),
    summarize(prisma, shop, from),
    backlog(prisma, shop),
    prisma.orderSync.findFirst({ where: { shop }, select: { id: true } }),
  ]);
  return {
    query,
    connection,
    paused: settings.uninstalledAt !== null,
    page,
    summary,
    backlog: waiting,
    hasOrders: anyOrder !== null,
    freshbooksWebUrl: env.FRESHBOOKS_WEB_URL,
  };
};

// At most a page of ids, each within Postgres' bigint (18 digits): anything else is malformed.
const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), ids: z.string().regex(/^\d{1,18}(,\d{1,18}){0,99}$/) }),
  z.object({ intent: z.literal("resume") }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "That request was not understood." }, { status: 400 });
  if (parsed.data.intent === "resume") {
    await resumeShop(prisma, session.shop);
    return { message: "Syncing resumed" };
  }
  const ids = parsed.data.ids.split(",").map((id) => BigInt(id));
  const { found, requeued } = await retryOrders(prisma, session.shop, ids);
  // Another shop's order (or none): not found, without saying which.
  if (found < new Set(ids).size) return json({ error: "Some of those orders were not found." }, { status: 404 });
  return requeued > 0
    ? { message: `${requeued} ${requeued === 1 ? "order" : "orders"} queued for retry` }
    : { error: "Nothing to retry: those orders are synced, syncing or about to sync." };
};

export default function SyncLog() {
  const data = useLoaderData<typeof loader>();
  const [, setSearchParams] = useSearchParams();
  const shopify = useAppBridge();
  const retry = useFetcher<typeof action>();
  const { connect } = useFreshBooksConnect();

  useEffect(() => {
    if (retry.data && "message" in retry.data) shopify.toast.show(retry.data.message);
    if (retry.data && "error" in retry.data) shopify.toast.show(retry.data.error, { isError: true });
  }, [retry.data, shopify]);

  // Rows move from queued to synced without a reload: poll while anything is in flight.
  const inFlight = data.summary.counts.pending > 0 || data.page.rows.some((row) => row.status === "queued" || row.status === "syncing");
  usePollWhile(inFlight);

  const setQuery = (changes: Record<string, string | null>) =>
    setSearchParams((params) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === "") params.delete(key);
        else params.set(key, value);
      }
      if (!("after" in changes) && !("before" in changes)) {
        params.delete("after");
        params.delete("before");
      }
      return params;
    });

  // Search as you type, without a request per keystroke.
  const [search, setSearch] = useState(data.query.q);
  useEffect(() => {
    if (search === data.query.q) return;
    const timer = setTimeout(() => setQuery({ q: search }), 350);
    return () => clearTimeout(timer);
  }, [search]);

  const tabs = (Object.keys(STATUS_FILTERS) as StatusFilter[]).map((key) => ({
    id: key,
    content: `${{ all: "All", synced: "Synced", difference: "Difference", failed: "Failed", pending: "Queued", skipped: "Skipped" }[key]} (${data.summary.counts[key]})`,
  }));

  return (
    <Page fullWidth>
      <TitleBar title="Sync log" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h1" variant="headingLg">
              Sync log
            </Text>
            <SyncLogBanners
              state={{ connection: data.connection, backlog: data.backlog, paused: data.paused }}
              onConnect={connect}
              onResume={() => retry.submit({ intent: "resume" }, { method: "POST" })}
            />
            {!data.hasOrders ? (
              <GettingStarted connected={data.connection?.status === "connected"} />
            ) : (
              <>
                <SyncOverview summary={data.summary} connection={data.connection} periodLabel={PERIODS[data.query.period]} />
                <Card padding="0">
                  <Tabs
                    tabs={tabs}
                    selected={Math.max(0, tabs.findIndex((tab) => tab.id === data.query.status))}
                    onSelect={(index) => setQuery({ status: tabs[index]?.id === "all" ? null : (tabs[index]?.id ?? null) })}
                  />
                  <div style={{ padding: "12px" }}>
                    <InlineStack gap="300" wrap={false} blockAlign="end">
                      <div style={{ flex: 1 }}>
                        <TextField
                          label="Search"
                          labelHidden
                          placeholder="Search by order (#1001) or customer email"
                          autoComplete="off"
                          value={search}
                          onChange={setSearch}
                          clearButton
                          onClearButtonClick={() => setSearch("")}
                        />
                      </div>
                      <Select
                        label="Period"
                        labelInline
                        options={Object.entries(PERIODS).map(([value, label]) => ({ value, label }))}
                        value={data.query.period}
                        onChange={(value) => setQuery({ period: value === "30" ? null : value })}
                      />
                    </InlineStack>
                  </div>
                  <OrdersTable
                    rows={data.page.rows}
                    freshbooksWebUrl={data.freshbooksWebUrl}
                    retrying={retry.state !== "idle"}
                    onRetry={(ids) => retry.submit({ intent: "retry", ids: ids.join(",") }, { method: "POST" })}
                    pagination={{
                      hasNext: data.page.next !== null,
                      hasPrevious: data.page.previous !== null,
                      onNext: () => setQuery({ after: data.page.next, before: null }),
                      onPrevious: () => setQuery({ before: data.page.previous, after: null }),
                    }}
                  />
                </Card>
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
