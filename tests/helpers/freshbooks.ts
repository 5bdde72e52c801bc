import { afterAll } from "vitest";
import { reloadEnv } from "../../app/env.server";
import { startFreshBooksSandbox, type FreshBooksSandbox, type SandboxOptions } from "../../app/dev/freshbooks-sandbox/server";
import { authorizeUrl } from "../../app/freshbooks/oauth.server";
import { createOAuthState } from "../../app/freshbooks/oauth-state.server";
import { loader as callbackLoader } from "../../app/routes/freshbooks.callback";
import prisma from "../../app/db.server";
import { TEST_ENV } from "../test-env";
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
  process.env.FRESHBOOKS_API_URL = sandbox.url;
  process.env.FRESHBOOKS_AUTH_URL = sandbox.url;
  reloadEnv();
  afterAll(() => sandbox.close());
  return sandbox;
}

/**
 * What a merchant's browser does after clicking "Connect FreshBooks": follow the authorize URL
 * (the sandbox approves and redirects with a code), then land on our callback route.
 */
export async function connectThroughOAuth(shop: string = TEST_SHOP): Promise<Response> {
  const state = await createOAuthState(prisma, shop);
  const approval = await fetch(authorizeUrl(state), { redirect: "manual" });
  const location = approval.headers.get("location");
  if (approval.status !== 302 || !location) throw new Error(`authorize page answered ${approval.status}`);
  return (await settle(() => callbackLoader(routeArgs(new Request(location))))) as Response;
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
