import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { safeLocale } from "../components/format";
import { env } from "../env.server";
import { authenticate } from "../shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  // The admin opens the app with the merchant's admin language (`locale`); else the browser's.
  const requested = new URL(request.url).searchParams.get("locale") ?? request.headers.get("Accept-Language")?.split(",")[0]?.split(";")[0];
  return { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL ?? null, locale: safeLocale(requested?.trim()) };
};

// Nothing here changes during a visit; re-running it after navigations would lose the
// admin's `locale` (links inside the app do not carry it).
export const shouldRevalidate = () => false;

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Sync log
        </Link>
        <Link to="/app/import">Import past orders</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      {/* The page's main landmark (Polaris' Page draws none). */}
      <main>
        <Outlet />
      </main>
    </AppProvider>
  );
}

// Shopify needs Remix to catch the Responses thrown by authenticate.admin (redirects, 401s
// with re-auth headers) and to keep their headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
