import { createHmac, timingSafeEqual } from "node:crypto";
import prisma from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { mayHoldBigIntegers, parseExactJson } from "../shopify/json";
import { authenticate } from "../shopify.server";
import { arrivalOf } from "./arrival";
import { intakeGate } from "./gate.server";
import { storeRejectedDelivery, type ReadableParts } from "./rejected.server";

/** Shopify's largest order payloads (250 line items) are a few hundred KB; anything far larger is not Shopify. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/** A body exactly as received. */
export type Bytes = Uint8Array<ArrayBuffer>;

type LibraryWebhook = Awaited<ReturnType<typeof authenticate.webhook>>;

/**
 * A verified delivery. `payload` is read from the raw body without losing digits (ids above 2^53
 * are strings of their exact digits: app/shopify/json.ts), not the library's rounded copy.
 */
export type VerifiedWebhook = Omit<LibraryWebhook, "payload"> & { payload: unknown; rawBody: Bytes };

/**
 * A signed delivery whose body is not what its topic carries (a schema failure): kept as a
 * rejected delivery and answered 400, since a retry of the same body can never succeed.
 */
export class UnreadableWebhook extends Error {
  constructor(
    reason: string,
    readonly readable: ReadableParts = {},
  ) {
    super(reason);
  }
}

/**
 * A signed body that does not belong where it was sent: the HMAC covers the body only, so the
 * shop, topic and webhook id headers can be changed by whoever replays it. Answered 400; nothing
 * is stored or changed.
 */
export class MisdirectedWebhook extends Error {}

/**
 * The shell of every webhook route:
 * - 413 for a body over the cap (said before reading a byte of a declared length);
 * - verification by the library (bad HMAC 401, missing headers 400, wrong method 405, untouched);
 * - 400 for a delivery sent to the wrong route (its topic header is not the route's topic);
 * - 400 for a signed body that is not JSON or not what the topic carries, kept as a rejected
 *   delivery (raw body and all) for the sync log; 503 only if even that cannot be stored;
 * - 400 for a body the handler finds is another shop's (MisdirectedWebhook), nothing stored;
 * - then the handler, which stores what it must in one transaction: 200 only after the commit,
 *   503 if storing fails, so that Shopify retries (8 times over 4 hours).
 * The database work waits its turn in the intake gate (./gate.server.ts): a burst queues instead
 * of failing, within Shopify's 5 s.
 */
export async function receiveWebhook(request: Request, topic: string, handle: (webhook: VerifiedWebhook) => Promise<void>): Promise<Response> {
  const arrivedAt = arrivalOf(request);
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_WEBHOOK_BYTES) return tooLarge();
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  // Read once (up to the cap, never further for a chunked body), then handed to the library as is.
  const rawBody = await readCapped(request);
  if (!rawBody) return tooLarge();
  const copy = new Request(request.url, { method: "POST", headers: request.headers, body: rawBody });
  // A forgery never takes a database turn: the library refuses it (401/400) before any query.
  if (!signedByShopify(request.headers.get("x-shopify-hmac-sha256"), rawBody)) return verifiedAndHandled(copy, rawBody, topic, handle);

  let turn;
  try {
    turn = await intakeGate().enter(arrivedAt);
  } catch (error) {
    logger.error({ topic: request.headers.get("x-shopify-topic"), reason: message(error) }, "webhook waited too long for the database; Shopify will retry");
    return unavailable();
  }
  try {
    return await verifiedAndHandled(copy, rawBody, topic, handle);
  } finally {
    turn.leave();
  }
}

async function verifiedAndHandled(request: Request, rawBody: Bytes, topic: string, handle: (webhook: VerifiedWebhook) => Promise<void>): Promise<Response> {
  let verified: LibraryWebhook;
  try {
    // Verification also loads the shop's offline session from the database.
    verified = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error; // 401 / 400 / 405 from the library, untouched
    // The library parses the body only after the HMAC checked out and the session was loaded:
    // a SyntaxError here is a signed body that is not JSON. Without a body the library gives no
    // context; the headers it has just checked are there.
    if (error instanceof SyntaxError && !isJson(rawBody)) {
      const headers = request.headers;
      const delivery = { shop: headers.get("x-shopify-shop-domain") ?? "", topic: headers.get("x-shopify-topic") ?? "", webhookId: headers.get("x-shopify-webhook-id") ?? "" };
      return topicKey(delivery.topic) === topicKey(topic) ? reject(delivery, rawBody, "The body is not valid JSON.", {}) : misdirected(delivery, topic);
    }
    logger.error({ reason: message(error) }, "webhook could not be verified; Shopify will retry");
    return unavailable();
  }
  const { shop, webhookId } = verified;
  if (topicKey(verified.topic) !== topicKey(topic)) return misdirected(verified, topic);
  // The library's copy is exact unless the body writes an integer of 16 or more digits (the hot path reads it once).
  const body = text(rawBody);
  const webhook: VerifiedWebhook = { ...verified, payload: mayHoldBigIntegers(body) ? parseExactJson(body) : verified.payload, rawBody };
  try {
    await handle(webhook);
  } catch (error) {
    if (error instanceof UnreadableWebhook) return reject(verified, rawBody, error.message, error.readable);
    if (error instanceof MisdirectedWebhook) {
      logger.warn({ shop, topic: verified.topic, webhookId, reason: error.message }, "webhook refused: its body is not this shop's; nothing stored");
      return new Response(error.message, { status: 400 });
    }
    logger.error({ shop, topic: verified.topic, webhookId, reason: message(error) }, "webhook could not be stored; Shopify will retry");
    return unavailable();
  }
  return new Response(null, { status: 200 });
}

type Delivery = { shop: string; topic: string; webhookId: string };

/** A delivery whose topic header is not this route's: a replay of a signed body to another address. */
function misdirected({ shop, topic, webhookId }: Delivery, routeTopic: string): Response {
  logger.warn({ shop, topic, route: routeTopic, webhookId }, "webhook refused: its topic is not this address's; nothing stored");
  return new Response(`This address receives ${routeTopic} only`, { status: 400 });
}

/** Keeps a signed delivery we cannot read and answers 400: Shopify gets a clear answer, the merchant a row in the sync log. */
async function reject({ shop, topic, webhookId }: Delivery, rawBody: Bytes, reason: string, readable: ReadableParts): Promise<Response> {
  try {
    await storeRejectedDelivery(prisma, { shop, topic: topicKey(topic), webhookId, reason, body: rawBody, readable });
  } catch (error) {
    logger.error({ shop, topic, webhookId, reason: message(error) }, "rejected webhook could not be stored; Shopify will retry");
    return unavailable();
  }
  logger.warn({ shop, topic, webhookId, reason }, "webhook refused: signed by Shopify but unreadable; kept as a rejected delivery");
  return new Response(`Unreadable webhook body: ${reason}`, { status: 400 });
}

/** "orders/create", "ORDERS_CREATE" → "ORDERS_CREATE" (the library's own normal form). */
export function topicKey(topic: string): string {
  return topic.toUpperCase().replace(/[/.]/g, "_");
}

/** The same check as the library's (HMAC-SHA256 of the raw body with the app secret, base64), made before queueing. */
function signedByShopify(hmac: string | null, body: Bytes): boolean {
  if (!hmac) return false;
  const expected = createHmac("sha256", env.SHOPIFY_API_SECRET).update(body).digest();
  const given = Buffer.from(hmac, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function text(body: Bytes): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

function isJson(body: Bytes): boolean {
  try {
    JSON.parse(text(body));
    return true;
  } catch {
    return false;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function tooLarge(): Response {
  return new Response(`Payload too large: webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes`, { status: 413 });
}

/** The request's body, or null once it passes the cap (a chunked body is read no further). */
async function readCapped(request: Request): Promise<Bytes | null> {
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
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

function unavailable(): Response {
  return new Response("Temporarily unable to store this webhook; please retry", { status: 503, headers: { "Retry-After": "10" } });
}
