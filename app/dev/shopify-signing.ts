import { createHmac, randomUUID } from "node:crypto";

/**
 * What Shopify signs, signed the same way: session tokens (JWT, HS256 with the app's secret,
 * as App Bridge gets them from the admin) and webhook HMACs (SHA-256 of the raw body, base64).
 * Used by the tests and the offline demo; never by the app's request handling.
 */
export interface SessionTokenOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Seconds the token stays valid; Shopify's are valid for one minute. */
  ttlSeconds?: number;
  /** Claims to change (a wrong audience, an expired token, ...). */
  overrides?: Record<string, unknown>;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

export function signSessionToken(options: SessionTokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: "42",
    exp: now + (options.ttlSeconds ?? 3600),
    nbf: now - 60,
    iat: now - 60,
    jti: randomUUID(),
    sid: randomUUID(),
    ...options.overrides,
  };
  const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac("sha256", options.apiSecret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

/** The `host` query parameter the admin adds: base64 of "admin.shopify.com/store/<name>". */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64");
}

/** A document URL as the admin iframe requests it (`?embedded=1&shop&host&id_token`). */
export function embeddedAppUrl(appUrl: string, path: string, shop: string, token: string): string {
  const url = new URL(path, appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", token);
  return url.toString();
}

export function webhookHmac(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

/** The headers of a webhook delivery, as Shopify sends them with the raw JSON body. */
export function webhookHeaders(options: {
  topic: string;
  shop: string;
  rawBody: string;
  secret: string;
  apiVersion: string;
  webhookId?: string;
}): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": options.topic,
    "X-Shopify-Shop-Domain": options.shop,
    "X-Shopify-API-Version": options.apiVersion,
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Hmac-Sha256": webhookHmac(options.rawBody, options.secret),
  };
}
