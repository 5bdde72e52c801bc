import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { formatDay } from "../components/format";
import { OrdersTable } from "../components/OrdersTable";
import { accountingStatesById, eventsNeedingAttention } from "../sync/lifecycle/timeline.server";
import { GettingStarted, SyncLogBanners } from "../components/SyncLogBanners";
import { WebhookSilenceBanner } from "../components/WebhookSilenceBanner";
import { webhookSilence } from "../admin-sync/sweep.server";
import { SyncLogFilters } from "../components/SyncLogFilters";
import { SyncOverview } from "../components/SyncOverview";
import { useFreshBooksConnect } from "../components/use-freshbooks-connect";
import { usePollWhile } from "../components/use-poll-while";
import { useLocale } from "../components/use-locale";
import { useToasts } from "../components/use-toasts";
import prisma from "../db.server";
import { env } from "../env.server";
import { connectionSummary } from "../freshbooks/connection.server";
import { retryFailedWithCause, retryOrders } from "../models/order-sync.server";
import { CAUSES } from "../models/sync-causes";
import { getSettings } from "../models/settings.server";
import { resumeShop } from "../models/shop.server";
import { PERIODS, resolvePeriod, syncLogQuerySchema } from "../models/sync-log-query";
import { backlog, countOrders, failureGroups, listOrders, summarize } from "../models/sync-log.server";
import { authenticate } from "../shopify.server";
import { rejectedOrders } from "../webhooks/rejected.server";

export const meta: MetaFunction = () => [{ title: "Sync log" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const url = new URL(request.url);
  const query = syncLogQuerySchema.parse(Object.fromEntries(url.searchParams));
  const { from, to, custom } = resolvePeriod(query);
  const filters = { status: query.status, search: query.q, from, to: custom ? to : undefined };
  const [connection, settings, page, summary, waiting, anyOrder, failures, rejected] = await Promise.all([
    connectionSummary(shop, prisma),
    getSettings(prisma, shop),
    listOrders(prisma, shop, { ...filters, after: query.after, before: query.before }),
    summarize(prisma, shop, from, to),
    backlog(prisma, shop),
    prisma.orderSync.findFirst({ where: { shop }, select: { id: true } }),
    failureGroups(prisma, shop),
    rejectedOrders(prisma, shop),
  ]);
  // The books' side of each listed order and the events that need attention (docs/decisions/0016).
  const [accounting, eventsFailed] = await Promise.all([
    accountingStatesById(
      prisma,
      shop,
      page.rows.map((row) => row.id),
    ),
    eventsNeedingAttention(prisma, shop),
  ]);
  // How many the list holds: the tab's count, unless a search narrows it (then counted).
  const total = query.q.trim() ? await countOrders(prisma, shop, filters) : summary.counts[query.status];
  const paused = settings.uninstalledAt !== null;
  return {
    query: { ...query, period: custom ? query.period : query.period === "custom" ? ("30" as const) : query.period },
    // A custom range as its first and last day; the page words them in the merchant's locale.
    range: custom ? { first: from.toISOString().slice(0, 10), last: new Date(to.getTime() - 86_400_000).toISOString().slice(0, 10) } : null,
    connection,
    paused,
    page: { ...page, rows: page.rows.map((row) => ({ ...row, accountingState: accounting[row.id] ?? null })) },
    eventsFailed,
    total,
    summary,
    backlog: waiting,
    failures,
    rejected,
    // Polled only while an order is syncing or due within the minute (never while paused).
    poll: waiting.changingSoon && !paused,
    hasOrders: anyOrder !== null,
    freshbooksWebUrl: env.FRESHBOOKS_WEB_URL,
    webhookSilence: await webhookSilence(prisma, shop),
  };
};

// At most a page of ids, each within Postgres' bigint (18 digits): anything else is malformed.
const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), ids: z.string().regex(/^\d{1,18}(,\d{1,18}){0,99}$/) }),
  z.object({ intent: z.literal("resume") }),
  // A banner group's Retry: "" is the group without a known cause.
  z.object({ intent: z.literal("retry-cause"), cause: z.enum(["", ...(Object.keys(CAUSES) as [string, ...string[]])]) }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "That request was not understood." }, { status: 400 });
  if (parsed.data.intent === "resume") {
    await resumeShop(prisma, session.shop);
    return { message: "Syncing resumed" };
  }
  if (parsed.data.intent === "retry-cause") {
    const requeued = await retryFailedWithCause(prisma, session.shop, parsed.data.cause || null, Object.keys(CAUSES));
    return requeued > 0
      ? { message: `${requeued} ${requeued === 1 ? "order" : "orders"} queued for retry` }
      : { error: "Nothing to retry: those orders are no longer failed." };
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
  const retry = useFetcher<typeof action>();
  const { connect } = useFreshBooksConnect();
  const locale = useLocale();
  useToasts(retry.data);
  const periodLabel = data.range
    ? `${formatDay(data.range.first, locale)} – ${formatDay(data.range.last, locale)}`
    : PERIODS[data.query.period];

  // Rows move from queued to synced without a reload: poll while something will change soon.
  usePollWhile(data.poll, data.page.rows.map((row) => `${row.id}:${row.status}`).join(","));

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

  return (
    <Page fullWidth>
      {/* The admin shows this title above the app: the page draws no heading of its own. */}
      <TitleBar title="Sync log" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <SyncLogBanners
              state={{
                connection: data.connection,
                backlog: data.backlog,
                paused: data.paused,
                failures: data.failures,
                rejected: data.rejected,
              }}
              actions={{
                onConnect: connect,
                onResume: () => retry.submit({ intent: "resume" }, { method: "POST" }),
                onRetryCause: (cause) => retry.submit({ intent: "retry-cause", cause: cause ?? "" }, { method: "POST" }),
                busy: retry.state !== "idle",
              }}
            />
            <WebhookSilenceBanner
              silence={data.webhookSilence ? { missing: data.webhookSilence.missing, since: String(data.webhookSilence.since) } : null}
            />
            {!data.hasOrders ? (
              <GettingStarted connection={data.connection} onConnect={connect} />
            ) : (
              <>
                <SyncOverview summary={data.summary} connection={data.connection} periodLabel={periodLabel} />
                {data.eventsFailed > 0 ? (
                  <Banner
                    tone="warning"
                    title={`${data.eventsFailed} order ${data.eventsFailed === 1 ? "event needs" : "events need"} attention`}
                  >
                    <p>
                      A payment, refund, cancellation or edit could not be recorded in FreshBooks. Open the order to see why and retry it
                      from its timeline.
                    </p>
                  </Banner>
                ) : null}
                <Card padding="0">
                  <SyncLogFilters query={data.query} counts={data.summary.counts} onChange={setQuery} />
                  <OrdersTable
                    rows={data.page.rows}
                    freshbooksWebUrl={data.freshbooksWebUrl}
                    retrying={retry.state !== "idle"}
                    onRetry={(ids) => retry.submit({ intent: "retry", ids: ids.join(",") }, { method: "POST" })}
                    pagination={{
                      label: pageLabel(data.page.offset, data.page.rows.length, data.total, locale),
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

/** "51–75 of 1,204", in the merchant's locale. */
export function pageLabel(offset: number, rows: number, total: number, locale = "en"): string {
  const number = new Intl.NumberFormat(locale);
  if (rows === 0) return `0 of ${number.format(total)}`;
  return `${number.format(offset + 1)}–${number.format(offset + rows)} of ${number.format(Math.max(total, offset + rows))}`;
}
