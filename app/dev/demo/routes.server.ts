import type { Express, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { getEnv } from "../../env.server";
import { appBridgeStandIn } from "../app-bridge-stand-in";
import { DEMO_PATHS, DEMO_SHOP, DEMO_SHOPIFY } from "./constants";
import { demoModeEnabled, requireDemoMode } from "./gate.server";
import { demoOrderBlockScript, demoOrderPage } from "./order-page.server";
import { demoEmbeddedUrl, demoSessionToken } from "./session.server";

/**
 * The demo's pages, served only by the demo's own web server (app/dev/demo/web-server.ts), never
 * compiled into the app's Remix build: they mint session tokens for the demo shop with the app's
 * secret, so anyone who reaches them is "logged in". Each is still a 404 unless demo mode is on.
 */

/** `npm run demo`'s URL: the sync log (or `?page=settings`, `?page=import`) as the admin would embed it, with a fresh session token. */
export function demoEntry(url: URL): Response {
  requireDemoMode();
  const pages: Record<string, string> = { settings: "/app/settings", import: "/app/import" };
  const page = pages[url.searchParams.get("page") ?? ""] ?? "/app";
  return new Response(null, { status: 302, headers: { Location: demoEmbeddedUrl(page), "Cache-Control": "no-store" } });
}

/** A fresh session token for the demo shop, as text: what the App Bridge stand-in's `idToken()` fetches. */
export function demoSessionTokenResponse(): Response {
  requireDemoMode();
  return new Response(demoSessionToken(), { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}

/** The App Bridge stand-in the demo's pages load in place of Shopify's CDN script (APP_BRIDGE_URL). */
export function demoAppBridgeResponse(): Response {
  requireDemoMode();
  const adminApi = getEnv().SHOPIFY_ADMIN_API_URL;
  const script = appBridgeStandIn({
    apiKey: getEnv().SHOPIFY_API_KEY,
    shop: DEMO_SHOP,
    token: { url: DEMO_PATHS.sessionToken },
    // The demo store's Shopify (its Admin API sandbox) records the merchant's answer to a permission request.
    scopes: {
      granted: DEMO_SHOPIFY.scopes.split(","),
      optional: ["write_orders"],
      ...(adminApi ? { grantUrl: `${adminApi}/__sandbox/scopes` } : {}),
    },
  });
  return new Response(script, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
}

/**
 * The demo's stand-in of the Shopify admin (SHOPIFY_ADMIN_URL points here): the admin opens
 * `/store/<store>/apps/<key>/<path>` with the app embedded at `<path>`; the demo opens the same
 * page with a fresh session token. Where Connect and Reconnect end (the FreshBooks callback).
 */
export function demoAdminPage(url: URL): Response {
  requireDemoMode();
  const match = /^\/store\/[^/]+\/apps\/[^/]+(\/.*)?$/.exec(url.pathname.slice(DEMO_PATHS.admin.length));
  if (!match) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  const target = new URL(demoEmbeddedUrl(match[1] ?? "/app"));
  for (const [name, value] of url.searchParams) target.searchParams.set(name, value);
  return new Response(null, { status: 302, headers: { Location: target.toString(), "Cache-Control": "no-store" } });
}

/**
 * A reload (F5) of an embedded page: in the admin the admin reloads and embeds the app again
 * with a fresh session token; here the address bar holds the page itself, without one (a link
 * inside the app drops it) or with an expired one. Such a document request is sent to the same
 * page with a fresh token, instead of the app's login page. Anything else (data requests, which
 * carry App Bridge's token, a valid token) is the app's: null.
 */
export function demoReload(url: URL, headers: { authorization?: string; accept?: string }): Response | null {
  if (!demoModeEnabled()) return null;
  if (url.pathname !== "/app" && !url.pathname.startsWith("/app/")) return null;
  if (headers.authorization || url.searchParams.has("_data") || !(headers.accept ?? "").includes("text/html")) return null;
  if (tokenStillValid(url.searchParams.get("id_token"))) return null;
  const target = new URL(demoEmbeddedUrl(url.pathname));
  for (const [name, value] of url.searchParams)
    if (!["id_token", "embedded", "shop", "host", "session"].includes(name)) target.searchParams.set(name, value);
  return new Response(null, { status: 302, headers: { Location: target.toString(), "Cache-Control": "no-store" } });
}

/** A session token that is still valid for a minute (its signature is the app's to check). */
function tokenStillValid(token: string | null): boolean {
  if (!token) return false;
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { exp?: number };
    return typeof claims.exp === "number" && claims.exp * 1000 > Date.now() + 60_000;
  } catch {
    return false;
  }
}

/** http://localhost:3000/ in the demo: what this is and where to go, instead of the install page's shop-domain form. */
export function demoLanding(): Response {
  requireDemoMode();
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>FreshBooks Sync for Shopify: offline demo</title><link rel="icon" href="/favicon.ico"></head>
<body style="font-family:system-ui,sans-serif;max-width:560px;margin:4rem auto;padding:0 16px;line-height:1.5">
<main>
<h1>FreshBooks Sync for Shopify: offline demo</h1>
<p>The app runs here with a demo shop and a local FreshBooks sandbox; nothing leaves this machine.</p>
<ul>
<li><a href="${DEMO_PATHS.entry}">Open the app</a> (sync log and Settings, as in the Shopify admin)</li>
<li><a href="${DEMO_PATHS.entry}?page=settings">Settings</a></li>
<li><a href="${DEMO_PATHS.entry}?page=import">Import past orders</a> (the demo store's orders from before the app was installed)</li>
<li><a href="${DEMO_PATHS.orderPage}">An order page in Shopify with the FreshBooks block</a></li>
</ul>
</main>
</body>
</html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The gate throws its 404 as a Response: either way the caller gets one. */
export function settled(page: () => Response): Response {
  try {
    return page();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.send(Buffer.from(await response.arrayBuffer()));
}

export function mountDemoRoutes(app: Express): void {
  const url = (req: ExpressRequest) => new URL(req.originalUrl, getEnv().SHOPIFY_APP_URL);
  app.get("/", (req, res, next) => (demoModeEnabled() && !req.query.shop ? void send(res, demoLanding()).catch(next) : next()));
  app.get(
    `${DEMO_PATHS.admin}/*`,
    (req, res, next) =>
      void send(
        res,
        settled(() => demoAdminPage(url(req))),
      ).catch(next),
  );
  app.get(["/app", "/app/*"], (req, res, next) => {
    const reload = demoReload(url(req), { authorization: req.headers.authorization, accept: req.headers.accept });
    if (reload) void send(res, reload).catch(next);
    else next();
  });
  app.get(
    DEMO_PATHS.entry,
    (req, res, next) =>
      void send(
        res,
        settled(() => demoEntry(url(req))),
      ).catch(next),
  );
  app.get(DEMO_PATHS.sessionToken, (_req, res, next) => void send(res, settled(demoSessionTokenResponse)).catch(next));
  app.get(DEMO_PATHS.appBridge, (_req, res, next) => void send(res, settled(demoAppBridgeResponse)).catch(next));
  // The order page stand-in reads the database: its 404 (demo mode off) arrives as a rejection.
  const later = (page: () => Promise<Response>) =>
    page().catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
  app.get(
    DEMO_PATHS.orderPage,
    (req, res, next) =>
      void later(() => demoOrderPage(url(req)))
        .then((response) => send(res, response))
        .catch(next),
  );
  app.get(
    DEMO_PATHS.orderBlockScript,
    (_req, res, next) =>
      void later(demoOrderBlockScript)
        .then((response) => send(res, response))
        .catch(next),
  );
}
