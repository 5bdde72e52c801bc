import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireDemoMode } from "../dev/demo/gate.server";
import { demoEmbeddedUrl } from "../dev/demo/session.server";

/**
 * `npm run demo`'s URL: opens the sync log as the Shopify admin would embed it, with a fresh
 * session token for the demo shop. 404 unless demo mode is on (never in production).
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  requireDemoMode();
  const page = new URL(request.url).searchParams.get("page") === "settings" ? "/app/settings" : "/app";
  throw redirect(demoEmbeddedUrl(page), { headers: { "Cache-Control": "no-store" } });
};
