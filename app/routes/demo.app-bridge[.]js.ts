import { appBridgeStandIn } from "../dev/app-bridge-stand-in";
import { DEMO_PATHS, DEMO_SHOP } from "../dev/demo/constants";
import { requireDemoMode } from "../dev/demo/gate.server";
import { getEnv } from "../env.server";

/**
 * The App Bridge stand-in the demo's pages load in place of Shopify's CDN script (APP_BRIDGE_URL),
 * fetching session tokens from /demo/session-token. 404 unless demo mode is on.
 */
export const loader = async () => {
  requireDemoMode();
  const script = appBridgeStandIn({ apiKey: getEnv().SHOPIFY_API_KEY, shop: DEMO_SHOP, token: { url: DEMO_PATHS.sessionToken } });
  return new Response(script, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
};
