import { afterAll } from "vitest";
import { startFreshBooksSandbox, type FreshBooksSandbox, type SandboxOptions } from "../../app/dev/freshbooks-sandbox/server";
import { confirmConnection, connectionSummary } from "../../app/freshbooks/connection.server";
import { connectStartUrl } from "../../app/freshbooks/oauth-browser.server";
import { createOAuthState } from "../../app/freshbooks/oauth-state.server";
import { loader as callbackLoader } from "../../app/routes/freshbooks.callback";
import { loader as connectLoader } from "../../app/routes/freshbooks.connect";
import prisma from "../../app/db.server";
import { TEST_ENV } from "../test-env";
import { useEnv } from "./env";
import { routeArgs, settle, TEST_SHOP } from "./shopify";

/**
 * The FreshBooks sandbox for this test file, with the app pointed at it (FRESHBOOKS_API_URL and
 * FRESHBOOKS_AUTH_URL), exactly as a deployment would point at the real service.
 */
export async function useFreshBooksSandbox(options: SandboxOptions = {}): Promise<FreshBooksSandbox> {
  const sandbox = await startFreshBooksSandbox({
    clientId: TEST_ENV.FRESHBOOKS_CLIENT_ID,
    clientSecret: TEST_ENV.FRESHBOOKS_CLIENT_SECRET,
    redirectUris: [TEST_ENV.FRESHBOOKS_REDIRECT_URI],
    ...options,
  });
  // The routes (connect, callback) read these settings themselves: through the one door.
  useEnv({ FRESHBOOKS_API_URL: sandbox.url, FRESHBOOKS_AUTH_URL: sandbox.url });
  afterAll(() => sandbox.close());
  return sandbox;
}

/** A browser's start of the flow: our /freshbooks/connect, which answers with the binding cookie and FreshBooks' authorize URL. */
export async function startConnect(shop: string = TEST_SHOP): Promise<{ state: string; cookie: string; authorizeUrl: string }> {
  const state = await createOAuthState(prisma, shop);
  const start = (await settle(() => connectLoader(routeArgs(new Request(connectStartUrl(state)))))) as Response;
  const authorizeUrl = start.headers.get("location");
  if (start.status !== 302 || !authorizeUrl) throw new Error(`/freshbooks/connect answered ${start.status}`);
  return { state, cookie: (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "", authorizeUrl };
}

/** FreshBooks' authorize page (the sandbox approves at once): where it sends the browser back to. */
export async function approveAtFreshBooks(authorizeUrl: string): Promise<string> {
  const approval = await fetch(authorizeUrl, { redirect: "manual" });
  const location = approval.headers.get("location");
  if (approval.status !== 302 || !location) throw new Error(`authorize page answered ${approval.status}`);
  return location;
}

/** Our callback, as a browser reaches it: with whatever cookie it carries. */
export async function callback(url: string, cookie: string | null): Promise<Response> {
  const request = new Request(url, { headers: cookie ? { Cookie: cookie } : {} });
  return (await settle(() => callbackLoader(routeArgs(request)))) as Response;
}

/**
 * What a merchant does after clicking "Connect FreshBooks": their browser goes through our
 * /freshbooks/connect (binding cookie), the authorize URL (the sandbox approves and redirects
 * with a code), then our callback route with the cookie; back in Settings they confirm the
 * login's only business (`confirm: false` leaves the connection pending, as several businesses do).
 */
export async function connectThroughOAuth(shop: string = TEST_SHOP, { confirm = true } = {}): Promise<Response> {
  const { cookie, authorizeUrl } = await startConnect(shop);
  const response = await callback(await approveAtFreshBooks(authorizeUrl), cookie);
  const summary = await connectionSummary(shop, prisma);
  const only = summary?.businessChoices.length === 1 ? summary.businessChoices[0] : undefined;
  if (confirm && summary?.status === "pending" && only) await confirmConnection(shop, only.id, { db: prisma });
  return response;
}

/** How many times the app asked the sandbox for a refresh_token grant. */
export function refreshRequests(sandbox: FreshBooksSandbox): number {
  return sandbox.state.tokenRequests.filter((request) => request.grantType === "refresh_token").length;
}

/** Polls (never sleeps blindly) until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A read that changes nothing, to prove a token works in tests (production has no such probe:
 * the sync's own reads do). Its path, for the sandbox's faults and counts: PROBE_PATH.
 */
export const PROBE_PATH = "/payments/payments";
export function probe(client: { payments: { listByInvoice(invoiceId: number): Promise<unknown[]> } }): Promise<unknown[]> {
  return client.payments.listByInvoice(0);
}
