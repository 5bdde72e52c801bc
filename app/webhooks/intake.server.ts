import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

/** Shopify's largest order payloads (250 line items) are a few hundred KB; anything far larger is not Shopify. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export type VerifiedWebhook = Awaited<ReturnType<typeof authenticate.webhook>>;

/**
 * The shell of every webhook route: size cap (413), verification by the library (bad HMAC 401,
 * missing headers 400, wrong method 405, passed through untouched), then the handler, which
 * stores what it must in one transaction. If storing fails, the answer is 503 so that Shopify
 * retries (it does, 8 times over 4 hours); nothing is acknowledged that was not committed.
 */
export async function receiveWebhook(request: Request, handle: (webhook: VerifiedWebhook) => Promise<void>): Promise<Response> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_WEBHOOK_BYTES) return tooLarge(); // said before reading a byte of it
  // A body without a declared length (chunked) is read up to the cap, never further.
  const capped = request.method === "POST" && !request.headers.has("content-length") ? await readCapped(request) : request;
  if (!capped) return tooLarge();
  let webhook: VerifiedWebhook;
  try {
    // Verification also loads the shop's session from the database.
    webhook = await authenticate.webhook(capped);
  } catch (error) {
    if (error instanceof Response) throw error; // 401 / 400 / 405 from the library, untouched
    logger.error({ reason: error instanceof Error ? error.message : String(error) }, "webhook could not be verified; Shopify will retry");
    return unavailable();
  }
  try {
    await handle(webhook);
  } catch (error) {
    logger.error(
      { shop: webhook.shop, topic: webhook.topic, webhookId: webhook.webhookId, reason: error instanceof Error ? error.message : String(error) },
      "webhook could not be stored; Shopify will retry",
    );
    return unavailable();
  }
  return new Response(null, { status: 200 });
}

function tooLarge(): Response {
  return new Response(`Payload too large: webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes`, { status: 413 });
}

/** The request with its body read into memory, or null once the body passes the cap. */
async function readCapped(request: Request): Promise<Request | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (;;) {
    const next = reader ? await reader.read() : { done: true as const, value: undefined };
    if (next.done) break;
    size += next.value.byteLength;
    if (size > MAX_WEBHOOK_BYTES) {
      await reader?.cancel();
      return null;
    }
    chunks.push(next.value);
  }
  return new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks) });
}

function unavailable(): Response {
  return new Response("Temporarily unable to store this webhook; please retry", { status: 503, headers: { "Retry-After": "10" } });
}
