import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { ConnectionBanner, FreshBooksConnectionCard } from "../components/FreshBooksConnectionCard";
import { useFreshBooksConnect } from "../components/use-freshbooks-connect";
import prisma from "../db.server";
import { chooseBusiness, connectionSummary, disconnect } from "../freshbooks/connection.server";
import { authorizeUrl } from "../freshbooks/oauth.server";
import { createOAuthState } from "../freshbooks/oauth-state.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Settings" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { connection: await connectionSummary(session.shop, prisma) };
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("connect") }),
  z.object({ intent: z.literal("disconnect") }),
  z.object({ intent: z.literal("choose-business"), businessId: z.coerce.number().int().positive() }),
]);

export type SettingsActionData = { authorizeUrl?: string; toast?: string; error?: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<SettingsActionData> => {
  const { session } = await authenticate.admin(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { error: "That request was not understood." };
  const deps = { db: prisma };
  switch (parsed.data.intent) {
    case "connect":
      return { authorizeUrl: authorizeUrl(await createOAuthState(prisma, session.shop)) };
    case "disconnect":
      await disconnect(session.shop, deps);
      return { toast: "FreshBooks disconnected" };
    case "choose-business": {
      const connection = await chooseBusiness(session.shop, parsed.data.businessId, deps);
      return connection ? { toast: `Connected to ${connection.businessName}` } : { error: "That business is not one of your choices." };
    }
  }
};

export default function Settings() {
  const { connection } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<SettingsActionData>();
  const { connect, busy: connecting } = useFreshBooksConnect();

  useEffect(() => {
    if (fetcher.data?.toast) shopify.toast.show(fetcher.data.toast);
    if (fetcher.data?.error) shopify.toast.show(fetcher.data.error, { isError: true });
  }, [fetcher.data, shopify]);

  return (
    <Page>
      <TitleBar title="Settings" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h1" variant="headingLg">
              Settings
            </Text>
            {connection?.status === "needs_reconnect" ? <ConnectionBanner connection={connection} onConnect={connect} /> : null}
            <FreshBooksConnectionCard
              connection={connection}
              busy={connecting || fetcher.state !== "idle"}
              onConnect={connect}
              onDisconnect={() => fetcher.submit({ intent: "disconnect" }, { method: "POST" })}
              onChooseBusiness={(businessId) => fetcher.submit({ intent: "choose-business", businessId }, { method: "POST" })}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
