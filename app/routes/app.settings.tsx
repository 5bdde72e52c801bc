import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { ConnectionBanner, FreshBooksConnectionCard } from "../components/FreshBooksConnectionCard";
import { useConnectedToast, useFreshBooksConnect } from "../components/use-freshbooks-connect";
import { useToasts } from "../components/use-toasts";
import { DataRequestsCard } from "../components/DataRequestsCard";
import { InvoiceSettingsForm } from "../components/InvoiceSettingsForm";
import { InvoicePreviewCard } from "../components/InvoicePreviewCard";
import { LifecycleSettingsCard } from "../components/LifecycleSettingsCard";
import { OrderFiltersCard, type NowIncluded } from "../components/OrderFiltersCard";
import { WriteBackCard } from "../components/WriteBackCard";
import { SALES_CHANNELS } from "../admin-sync/filters.server";
import {
  filterFormSchema,
  filterSettingsView,
  type FilterFormErrors,
  parseFilterForm,
  PAYMENT_STATUSES,
  saveOrderFilters,
  saveWriteBack,
  skippedNowIncluded,
  writeBackEarlierOrders,
} from "../admin-sync/settings.server";
import { writeBackEnabled } from "../admin-sync/write-back.server";
import { resyncSkippedOrders } from "../models/order-sync.server";
import prisma from "../db.server";
import { getSettings, parseSettingsForm, saveSettings, type SettingsFormErrors } from "../models/settings.server";
import { confirmConnection, connectionSummary, disconnect } from "../freshbooks/connection.server";
import { connectStartUrl } from "../freshbooks/oauth-browser.server";
import { createOAuthState } from "../freshbooks/oauth-state.server";
import { listDataRequests } from "../privacy/compliance.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Settings" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [connection, settings, dataRequests, orderFilters] = await Promise.all([
    connectionSummary(session.shop, prisma),
    getSettings(prisma, session.shop),
    listDataRequests(prisma, session.shop),
    filterSettingsView(prisma, session.shop),
  ]);
  const { invoicePrefix, dueOffsetDays, clientStrategy, fallbackClientName, recordPayments, emailInvoices } = settings;
  const lifecycle = {
    syncLaterPayments: settings.syncLaterPayments,
    syncRefunds: settings.syncRefunds,
    syncCancellations: settings.syncCancellations,
    syncEdits: settings.syncEdits,
  };
  return {
    connection,
    settings: { invoicePrefix, dueOffsetDays, clientStrategy, fallbackClientName, recordPayments, emailInvoices },
    lifecycle,
    dataRequests,
    orderFilters,
    choices: { channels: SALES_CHANNELS, statuses: PAYMENT_STATUSES },
  };
};

// Built on first use, on the server: filterFormSchema comes from a server module (absent from the browser's bundle).
const actionSchema = () =>
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("connect") }),
    z.object({ intent: z.literal("disconnect") }),
    z.object({ intent: z.literal("confirm-connection"), businessId: z.coerce.number().int().positive() }),
    z.looseObject({ intent: z.literal("save-settings") }),
    z.object({
      intent: z.literal("save-lifecycle"),
      syncLaterPayments: z.enum(["on", "off"]),
      syncRefunds: z.enum(["on", "off"]),
      syncCancellations: z.enum(["on", "off"]),
      syncEdits: z.enum(["on", "off"]),
    }),
    filterFormSchema,
    z.object({ intent: z.literal("sync-now-included") }),
    z.object({ intent: z.literal("save-write-back"), writeBack: z.enum(["on", "off"]) }),
    z.object({ intent: z.literal("write-back-earlier") }),
  ]);

export type SettingsActionData = {
  connectUrl?: string;
  toast?: string;
  error?: string;
  fieldErrors?: SettingsFormErrors;
  filterErrors?: FilterFormErrors;
  nowIncluded?: NowIncluded;
};

export const action = async ({ request }: ActionFunctionArgs): Promise<SettingsActionData> => {
  const { session } = await authenticate.admin(request);
  const parsed = actionSchema().safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { error: "That request was not understood." };
  const deps = { db: prisma };
  switch (parsed.data.intent) {
    case "connect":
      return { connectUrl: connectStartUrl(await createOAuthState(prisma, session.shop)) };
    case "disconnect":
      await disconnect(session.shop, deps);
      return { toast: "FreshBooks disconnected" };
    case "save-settings": {
      const form = parseSettingsForm(parsed.data);
      if (!form.ok) return { fieldErrors: form.errors, error: "Some settings need fixing." };
      // Nothing changed (a second click, another tab): nothing saved, and no "saved" to say.
      const current = await getSettings(prisma, session.shop);
      if ((Object.keys(form.value) as (keyof typeof form.value)[]).every((key) => current[key] === form.value[key])) return {};
      await saveSettings(prisma, session.shop, form.value);
      return { toast: "Settings saved. They apply to orders synced from now on." };
    }
    case "save-lifecycle": {
      const { intent: _intent, ...form } = parsed.data;
      const value = Object.fromEntries(Object.entries(form).map(([key, on]) => [key, on === "on"])) as Record<keyof typeof form, boolean>;
      await prisma.shopSettings.upsert({ where: { shop: session.shop }, create: { shop: session.shop, ...value }, update: value });
      return { toast: "Settings saved. They apply to order events from now on." };
    }
    case "save-filters": {
      const form = parseFilterForm(parsed.data);
      if (!form.ok) return { filterErrors: form.errors, error: "Some filters need fixing." };
      if (!(await saveOrderFilters(prisma, session.shop, form.value))) return {};
      const { ids } = await skippedNowIncluded(prisma, session.shop, form.value);
      return { toast: "Filters saved. They apply to orders synced from now on.", nowIncluded: { count: ids.length } };
    }
    case "sync-now-included": {
      const { ids } = await skippedNowIncluded(prisma, session.shop);
      const queued = await resyncSkippedOrders(prisma, session.shop, ids);
      return { toast: `${queued} ${queued === 1 ? "order" : "orders"} queued`, nowIncluded: { count: ids.length, queued } };
    }
    case "save-write-back":
      return saveWriteBack(prisma, session.shop, parsed.data.writeBack === "on");
    case "write-back-earlier": {
      if (!(await writeBackEnabled(prisma, session.shop))) return { error: "Write-back is off: turn it on first." };
      const queued = await writeBackEarlierOrders(prisma, session.shop);
      return { toast: `Writing the invoice number onto ${queued} ${queued === 1 ? "order" : "orders"}` };
    }
    case "confirm-connection": {
      const connection = await confirmConnection(session.shop, parsed.data.businessId, deps);
      return connection
        ? { toast: `Connected to ${connection.businessName}` }
        : { error: "There is no FreshBooks connection waiting for that business: reload the page." };
    }
  }
};

export default function Settings() {
  const { connection, settings, lifecycle, dataRequests, orderFilters, choices } = useLoaderData<typeof loader>();
  const save = useFetcher<SettingsActionData>();
  const fetcher = useFetcher<SettingsActionData>();
  const filters = useFetcher<SettingsActionData>();
  const writeBack = useFetcher<SettingsActionData>();
  const shopify = useAppBridge();
  const { connect, busy: connecting } = useFreshBooksConnect();
  // One toast per completed submission of each form (never the other form's last one again).
  useToasts(fetcher.data);
  useToasts(save.data);
  useToasts(filters.data);
  useToasts(writeBack.data);
  useConnectedToast(connection);
  // The invoice settings as typed (unsaved): the invoice preview follows them.
  const [typed, setTyped] = useState<Record<string, string> | null>(null);

  return (
    <Page>
      {/* The admin shows this title above the app: the page draws no heading of its own. */}
      <TitleBar title="Settings" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {connection?.status === "needs_reconnect" ? <ConnectionBanner connection={connection} onConnect={connect} /> : null}
            <FreshBooksConnectionCard
              connection={connection}
              busy={connecting || fetcher.state !== "idle"}
              onConnect={connect}
              onDisconnect={() => fetcher.submit({ intent: "disconnect" }, { method: "POST" })}
              onConfirm={(businessId) => fetcher.submit({ intent: "confirm-connection", businessId }, { method: "POST" })}
            />
            <InvoiceSettingsForm
              initial={settings}
              errors={save.data?.fieldErrors ?? {}}
              saving={save.state !== "idle"}
              onSave={(form) => save.submit(form, { method: "POST" })}
              onChange={setTyped}
            />
            <InvoicePreviewCard form={typed} />
            <LifecycleSettingsCard
              initial={lifecycle}
              saving={save.state !== "idle"}
              onSave={(form) => save.submit(form, { method: "POST" })}
            />
            <OrderFiltersCard
              initial={orderFilters.filters}
              channels={choices.channels}
              statuses={choices.statuses}
              errors={filters.data?.filterErrors ?? {}}
              saving={filters.state !== "idle"}
              nowIncluded={filters.data?.nowIncluded ?? null}
              onSave={(form) => filters.submit(form, { method: "POST" })}
              onSyncIncluded={() => filters.submit({ intent: "sync-now-included" }, { method: "POST" })}
            />
            <WriteBackCard
              on={orderFilters.writeBack.on}
              granted={orderFilters.writeBack.granted}
              earlier={orderFilters.writeBack.earlier}
              onWriteEarlier={() => writeBack.submit({ intent: "write-back-earlier" }, { method: "POST" })}
              saving={writeBack.state !== "idle"}
              onSave={(form) => writeBack.submit(form, { method: "POST" })}
              onError={(message) => shopify.toast.show(message, { isError: true })}
            />
            <DataRequestsCard requests={dataRequests} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
