import {
  embeddedAppUrl,
  hostParam as signedHostParam,
  signSessionToken,
  webhookHeaders,
  webhookHmac as signWebhook,
} from "../../app/dev/shopify-signing";
import pg from "pg";
import { TEST_SHOPIFY } from "../test-env";

/**
 * Requests signed the way Shopify signs them, so tests drive the real `authenticate.admin`
 * and `authenticate.webhook` of @shopify/shopify-app-remix.
 */
export const TEST_SHOP = "freshbooks-sync-test.myshopify.com";
export const API_VERSION_HEADER = "2026-10";

/** A session token as App Bridge gets it from the admin: HS256 with the app's secret. */
export function sessionToken(
  shop: string = TEST_SHOP,
  overrides: Record<string, unknown> = {},
  secret: string = TEST_SHOPIFY.apiSecret,
): string {
  return signSessionToken({ shop, apiKey: TEST_SHOPIFY.apiKey, apiSecret: secret, overrides });
}

/** The `host` query parameter the admin adds: base64 of "admin.shopify.com/store/<name>". */
export function hostParam(shop: string = TEST_SHOP): string {
  return signedHostParam(shop);
}

/** A document request as the admin iframe makes it (`?embedded=1&shop&host&id_token`). */
export function embeddedUrl(path: string, shop: string = TEST_SHOP, token = sessionToken(shop)): string {
  return embeddedAppUrl(TEST_SHOPIFY.appUrl, path, shop, token);
}

export function webhookHmac(rawBody: string, secret: string = TEST_SHOPIFY.apiSecret): string {
  return signWebhook(rawBody, secret);
}

export interface WebhookOptions {
  topic: string;
  body: unknown;
  shop?: string;
  webhookId?: string;
  /** Sign with another secret (a forgery). */
  secret?: string;
  path?: string;
  headers?: Record<string, string>;
}

/** A webhook delivery as Shopify sends it: raw JSON body and the X-Shopify-* headers. */
export function webhookRequest(options: WebhookOptions): Request {
  const rawBody = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const shop = options.shop ?? TEST_SHOP;
  return new Request(new URL(options.path ?? `/webhooks/${options.topic}`, TEST_SHOPIFY.appUrl), {
    method: "POST",
    body: rawBody,
    headers: {
      ...webhookHeaders({
        topic: options.topic,
        shop,
        rawBody,
        secret: options.secret ?? TEST_SHOPIFY.apiSecret,
        apiVersion: API_VERSION_HEADER,
        webhookId: options.webhookId,
      }),
      ...options.headers,
    },
  });
}

/**
 * Stores the offline session a real install would have created (token exchange cannot reach
 * Shopify here). Plain SQL, so it works for any process' database (tests, e2e, demo).
 */
export async function seedOfflineSession(databaseUrl: string, shop: string = TEST_SHOP): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into "Session" (id, shop, state, "isOnline", scope, "accessToken")
       values ($1, $2, '', false, 'read_orders', $3)
       on conflict (id) do update set "accessToken" = excluded."accessToken", scope = excluded.scope`,
      [`offline_${shop}`, shop, `shpat_test_${shop.split(".")[0]}`],
    );
  } finally {
    await client.end();
  }
}

/** Calls a Remix route function the way the server does. */
export function routeArgs(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {} };
}

/** Awaits a loader/action, returning a thrown Response (redirects, 401s) instead of throwing it. */
export async function settle(run: () => Promise<unknown>): Promise<Response | unknown> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
