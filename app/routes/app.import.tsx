import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { z } from "zod";
import { ImportOrdersCard } from "../components/ImportOrdersCard";
import { usePollWhile } from "../components/use-poll-while";
import prisma from "../db.server";
import { controlImport, estimateImport, historyReach, ImportConflict, importProgress, startImport } from "../admin-sync/import.server";
import { logger } from "../logger.server";
import { AdminApiError } from "../shopify/admin-api.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Import past orders" }];

const DAY = 24 * 3600_000;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const now = new Date();
  const [current, reach] = await Promise.all([importProgress(prisma, session.shop), historyReach(prisma, session.shop, now)]);
  return {
    current,
    reach: { allOrders: reach.allOrders, earliest: reach.earliest?.toISOString() ?? null },
    // Default range: the last 30 days.
    defaultFrom: new Date(now.getTime() - 30 * DAY).toISOString().slice(0, 10),
    defaultTo: now.toISOString().slice(0, 10),
  };
};

const dateField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date");
const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("estimate"), from: dateField, to: dateField }),
  z.object({ intent: z.literal("start"), from: dateField, to: dateField }),
  z.object({ intent: z.enum(["pause", "resume", "cancel"]), importId: z.string().regex(/^\d+$/) }),
]);

/** The range as instants: from the start of the first day to the end of the last one (UTC). */
function range(from: string, to: string): { from: Date; to: Date } {
  return { from: new Date(`${from}T00:00:00Z`), to: new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY) };
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { error: "Choose a start and an end date." };
  const deps = { db: prisma, logger };
  const shop = session.shop;
  try {
    const input = parsed.data;
    if ("importId" in input) {
      await controlImport(shop, BigInt(input.importId), input.intent, deps);
      return {};
    }
    const { from, to } = range(input.from, input.to);
    if (from >= to) return { error: "The start date must be on or before the end date." };
    if (input.intent === "estimate") {
      const estimate = await estimateImport(shop, from, to, deps);
      return { estimate: { ...estimate, from: estimate.from.toISOString(), to: estimate.to.toISOString() } };
    }
    await startImport(shop, from, to, deps);
    return {};
  } catch (error) {
    if (error instanceof ImportConflict || error instanceof AdminApiError) return { error: error.message };
    throw error;
  }
};

export default function ImportPage() {
  const { current, reach, defaultFrom, defaultTo } = useLoaderData<typeof loader>();
  const running = current?.status === "running";
  usePollWhile(running || (current?.queued ?? 0) > 0, `${current?.id}:${current?.status}:${current?.found}:${current?.synced}`);
  return (
    <Page>
      {/* The admin shows the title (and the way back) above the app: the page draws no heading of its own. */}
      <TitleBar title="Import past orders">
        <a variant="breadcrumb" href="/app">
          Sync log
        </a>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ImportOrdersCard current={current} reach={reach} defaultFrom={defaultFrom} defaultTo={defaultTo} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
