/**
 * Connects the demo shop to the sandbox's FreshBooks business through the app's real OAuth
 * flow, the requests a merchant's browser would make: the Settings page's "Connect" action
 * (with a session token, as App Bridge sends it), our /freshbooks/connect (which sets the cookie
 * binding the flow to this "browser"), FreshBooks' authorize page (the sandbox approves at once),
 * our /freshbooks/callback with the code, the signed state and that cookie, and last the
 * merchant confirming the FreshBooks login and business on the Settings page.
 */
import { signSessionToken } from "../shopify-signing";
import { DEMO_PATHS, DEMO_SHOP, DEMO_SHOPIFY } from "./constants";

/** The library turns away bots (isbot), and Node's fetch looks like one; a merchant uses a browser. */
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

async function location(response: Response, step: string): Promise<string> {
  const target = response.headers.get("location");
  if (response.status < 300 || response.status > 399 || !target) {
    throw new Error(`${step}: expected a redirect, got ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }
  return target;
}

/** The Settings page's data or action, as the embedded page calls it (session token from App Bridge). */
function settings(appUrl: string, form?: Record<string, string>): Promise<Response> {
  const token = signSessionToken({ shop: DEMO_SHOP, apiKey: DEMO_SHOPIFY.apiKey, apiSecret: DEMO_SHOPIFY.apiSecret, ttlSeconds: 60 });
  return fetch(new URL(`/app/settings?_data=${encodeURIComponent("routes/app.settings")}`, appUrl), {
    method: form ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded", "User-Agent": BROWSER },
    body: form ? new URLSearchParams(form) : undefined,
    redirect: "manual",
  });
}

/** Back in Settings, the merchant sees the login and the business and confirms (the demo's only business). */
async function confirmInSettings(appUrl: string): Promise<void> {
  const page = (await (await settings(appUrl)).json()) as { connection?: { status?: string; businessChoices?: { id: number }[] } | null };
  if (page.connection?.status === "connected") return;
  const [business, ...others] = page.connection?.businessChoices ?? [];
  if (page.connection?.status !== "pending" || !business || others.length > 0) {
    throw new Error(`Settings shows no single business to confirm (${JSON.stringify(page.connection)})`);
  }
  const confirmed = await settings(appUrl, { intent: "confirm-connection", businessId: String(business.id) });
  const answer = (await confirmed.json().catch(() => null)) as { toast?: string; error?: string } | null;
  if (!confirmed.ok || !answer?.toast)
    throw new Error(`confirming the FreshBooks connection answered ${confirmed.status}: ${answer?.error ?? ""}`);
}

export async function connectThroughOAuth(appUrl: string): Promise<void> {
  const action = await settings(appUrl, { intent: "connect" });
  const data = (await action.json().catch(() => null)) as { connectUrl?: unknown } | null;
  if (!action.ok || typeof data?.connectUrl !== "string") {
    throw new Error(`the Settings page's Connect action answered ${action.status} without a connect URL`);
  }
  const start = await fetch(data.connectUrl, { redirect: "manual", headers: { "User-Agent": BROWSER } });
  const authorize = await location(start, "/freshbooks/connect");
  // The binding cookie, as a browser keeps it (name=value; the attributes stay with the browser).
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const approved = await fetch(authorize, { redirect: "manual", headers: { "User-Agent": BROWSER } });
  const callbackUrl = await location(approved, "FreshBooks authorize page");
  if (!callbackUrl.startsWith(new URL("/freshbooks/callback", appUrl).toString())) {
    throw new Error(`FreshBooks sent the browser to ${callbackUrl}, not to our callback`);
  }
  const callback = await fetch(callbackUrl, { redirect: "manual", headers: { "User-Agent": BROWSER, Cookie: cookie } });
  const back = await location(callback, "/freshbooks/callback");
  if (!back.startsWith(new URL(DEMO_PATHS.admin, appUrl).toString())) throw new Error(`the callback sent the merchant to ${back}`);
  await confirmInSettings(appUrl);
}
