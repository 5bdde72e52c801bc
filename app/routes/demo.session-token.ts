import { requireDemoMode } from "../dev/demo/gate.server";
import { demoSessionToken } from "../dev/demo/session.server";

/**
 * A fresh session token for the demo shop, as text: what the App Bridge stand-in's `idToken()`
 * fetches (the admin would hand it one). 404 unless demo mode is on (never in production).
 */
export const loader = async () => {
  requireDemoMode();
  return new Response(demoSessionToken(), { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
};
