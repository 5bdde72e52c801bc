import { createHmac, randomUUID } from "node:crypto";
import pg from "pg";
import { TEST_SHOPIFY } from "../test-env";

/**
 * Requests signed the way Shopify signs them, so tests drive the real `authenticate.admin`
 * and `authenticate.webhook` of @shopify/shopify-app-remix.
 */
export const TEST_SHOP = "freshbooks-sync-test.myshopify.com";
export const API_VERSION_HEADER = "2026-10";

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** A session token as App Bridge gets it from the admin: HS256 with the app's secret. */
export function sessionToken(
  shop: string = TEST_SHOP,
  overrides: Record<string, unknown> = {},
  secret: string = TEST_SHOPIFY.apiSecret,
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: TEST_SHOPIFY.apiKey,
    sub: "42",
    exp: now + 3600,
    nbf: now - 60,
    iat: now - 60,
    jti: randomUUID(),
    sid: randomUUID(),
    ...overrides,
  };
  const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

/** The `host` query parameter the admin adds: base64 of "admin.shopify.com/store/<name>". */
export function hostParam(shop: string = TEST_SHOP): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64");
}

/** A document request as the admin iframe makes it (`?embedded=1&shop&host&id_token`). */
export function embeddedUrl(path: string, shop: string = TEST_SHOP, token = sessionToken(shop)): string {
  const url = new URL(path, TEST_SHOPIFY.appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", token);
  return url.toString();
}

export function webhookHmac(rawBody: string, secret: string = TEST_SHOPIFY.apiSecret): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
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
      "Content-Type": "application/json",
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": API_VERSION_HEADER,
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": webhookHmac(rawBody, options.secret),
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
