import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi, WebhookValidationErrorReason, type WebhookValidation } from "@shopify/shopify-api";
import { env } from "../env.server";
import { logger } from "../logger.server";

/**
 * Shopify's own webhook validation (@shopify/shopify-api's `webhooks.validate`, the check that
 * `authenticate.webhook` of shopify-app-remix makes first): the HMAC of the raw body with the app
 * secret, then the X-Shopify-* headers. Its own instance because shopify-app-remix does not expose
 * the API object it builds; only the secret matters to this check (the API version here is not
 * compared with anything: the delivery's version is its header's).
 */
let api: ReturnType<typeof shopifyApi> | undefined;

function library(): ReturnType<typeof shopifyApi> {
  api ??= shopifyApi({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: ApiVersion.October26,
    hostName: new URL(env.SHOPIFY_APP_URL).host,
    isEmbeddedApp: true,
    logger: {
      level: LogSeverity.Error,
      log: async (_severity, message) => void logger.error({ source: "shopify-api" }, message),
    },
  });
  return api;
}

/** A request's header pairs as the library's web-api adapter reads them (`entries()`): a `Headers`, or a Map of lower-case names. */
export interface HeaderPairs {
  entries(): IterableIterator<[string, string]>;
}

/** The library's verdict on a delivery: its raw body (as text, as the library takes it) and headers. */
export function validateWebhook(rawBody: string, headers: HeaderPairs, url: string): Promise<WebhookValidation> {
  // The library's web-api adapter reads `headers.entries()`, `method` and `url` of its request.
  const rawRequest = { headers, method: "POST", url } as unknown as Request;
  return library().webhooks.validate({ rawBody, rawRequest });
}

/** 401 for a bad HMAC, 400 for a missing one or missing headers: what `authenticate.webhook` answers. */
export function refusal(check: Exclude<WebhookValidation, { valid: true }>): { status: number; statusText: string } {
  return check.reason === WebhookValidationErrorReason.InvalidHmac
    ? { status: 401, statusText: "Unauthorized" }
    : { status: 400, statusText: "Bad Request" };
}

/** The library's id of a shop's offline session (`offline_<shop>`); throws for a name that is not a shop's domain. */
export function offlineSessionId(shop: string): string {
  return library().session.getOfflineId(shop);
}
