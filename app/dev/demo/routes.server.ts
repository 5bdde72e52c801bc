import type { Express, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { getEnv } from "../../env.server";
import { appBridgeStandIn } from "../app-bridge-stand-in";
import { DEMO_PATHS, DEMO_SHOP } from "./constants";
import { requireDemoMode } from "./gate.server";
import { demoOrderBlockScript, demoOrderPage } from "./order-page.server";
import { demoEmbeddedUrl, demoSessionToken } from "./session.server";

/**
 * The demo's pages, served only by the demo's own web server (app/dev/demo/web-server.ts), never
 * compiled into the app's Remix build: they mint session tokens for the demo shop with the app's
 * secret, so anyone who reaches them is "logged in". Each is still a 404 unless demo mode is on.
 */

/** `npm run demo`'s URL: the sync log (or `?page=settings`) as the admin would embed it, with a fresh session token. */
export function demoEntry(url: URL): Response {
  requireDemoMode();
  const page = url.searchParams.get("page") === "settings" ? "/app/settings" : "/app";
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
  const script = appBridgeStandIn({ apiKey: getEnv().SHOPIFY_API_KEY, shop: DEMO_SHOP, token: { url: DEMO_PATHS.sessionToken } });
  return new Response(script, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
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
  app.get(DEMO_PATHS.entry, (req, res, next) => void send(res, settled(() => demoEntry(url(req)))).catch(next));
  app.get(DEMO_PATHS.sessionToken, (_req, res, next) => void send(res, settled(demoSessionTokenResponse)).catch(next));
  app.get(DEMO_PATHS.appBridge, (_req, res, next) => void send(res, settled(demoAppBridgeResponse)).catch(next));
  // The order page stand-in reads the database: its 404 (demo mode off) arrives as a rejection.
  const later = (page: () => Promise<Response>) => page().catch((thrown: unknown) => (thrown instanceof Response ? thrown : Promise.reject(thrown)));
  app.get(DEMO_PATHS.orderPage, (req, res, next) => void later(() => demoOrderPage(url(req))).then((response) => send(res, response)).catch(next));
  app.get(DEMO_PATHS.orderBlockScript, (_req, res, next) => void later(demoOrderBlockScript).then((response) => send(res, response)).catch(next));
}
