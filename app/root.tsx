import type { LinksFunction } from "@remix-run/node";
import { useEffect } from "react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { env } from "./env.server";

/** Polaris' typeface, from Shopify's CDN, as in the admin. */
const INTER_CSS = "https://cdn.shopify.com/static/fonts/inter/v4/styles.css";

export const links: LinksFunction = () => [{ rel: "icon", href: "/favicon.ico", type: "image/svg+xml" }];

/**
 * Outside the admin (the demo and the tests, which use the App Bridge stand-in: APP_BRIDGE_URL,
 * DEMO_MODE) the pages ask nothing of another host: no font from Shopify's CDN, Polaris' font
 * stack falls back to the system's sans-serif.
 */
export const loader = () => ({ offline: env.DEMO_MODE || Boolean(env.APP_BRIDGE_URL) });

export const shouldRevalidate = () => false;

/**
 * Until React has hydrated the server-rendered page, its buttons have no handlers: a click
 * would be lost without a word (on a slow device, or a busy machine, the page shows well before
 * its script runs). They take no clicks until then, so a click lands once it can do something
 * (and a browser test's click waits for it); links work without script and are left alone.
 */
const BEFORE_HYDRATION_CSS = "html:not([data-hydrated]) button{pointer-events:none}";

export default function App() {
  const offline = useLoaderData<typeof loader>()?.offline ?? false;
  useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        {offline ? null : (
          <>
            <link rel="preconnect" href="https://cdn.shopify.com/" />
            <link rel="stylesheet" href={INTER_CSS} />
          </>
        )}
        <style>{BEFORE_HYDRATION_CSS}</style>
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
