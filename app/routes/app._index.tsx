import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { ConnectionBanner } from "../components/FreshBooksConnectionCard";
import { useFreshBooksConnect } from "../components/use-freshbooks-connect";
import prisma from "../db.server";
import { connectionSummary } from "../freshbooks/connection.server";
import { authenticate } from "../shopify.server";

export const meta: MetaFunction = () => [{ title: "Sync log" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { shop: session.shop, connection: await connectionSummary(session.shop, prisma) };
};

export default function SyncLog() {
  const { shop, connection } = useLoaderData<typeof loader>();
  const { connect } = useFreshBooksConnect();
  return (
    <Page>
      <TitleBar title="Sync log" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h1" variant="headingLg">
              Sync log
            </Text>
            <ConnectionBanner connection={connection} onConnect={connect} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  No orders synced yet
                </Text>
                <Text as="p" tone="subdued">
                  Every new order in {shop} will appear here with its FreshBooks invoice and sync status.
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
