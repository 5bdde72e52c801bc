import prisma from "../db.server";
import { logger } from "../logger.server";
import { mayHoldBigIntegers, parseExactJson } from "../shopify/json";
import { arrivalOf } from "./arrival";
import { intakeGate } from "./gate.server";
import { isInstalled } from "./installation.server";
import { storeRejectedDelivery, type ReadableParts } from "./rejected.server";
import { refusal, validateWebhook, type HeaderPairs } from "./validate.server";

/** Shopify's largest order payloads (250 line items) are a few hundred KB; anything far larger is not Shopify. */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/** A body exactly as received. */
export type Bytes = Uint8Array<ArrayBuffer>;

/**
 * A verified delivery. `payload` is read from the raw body without losing digits (ids above 2^53
 * are strings of their exact digits: app/shopify/json.ts). `topic` is the library's form
 * (ORDERS_CREATE). `installed` says whether the app holds the shop's offline session; it is
 * looked up only for a topic that declares `needsInstallation` (true otherwise).
 */
export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  payload: unknown;
  /**
   * The body as JSON text to store (jsonb): the raw body itself when `JSON.parse` reads it exactly
   * (no integer beyond 2^53), else the exact reading serialised (such ids stored as their digits).
   */
  payloadJson: string;
  rawBody: Bytes;
  installed: boolean;
}

/**
 * What a topic does with a verified delivery: one handler, whichever way the delivery came in
 * (the hot path before Remix, app/webhooks/hot-path.server.ts, or the Remix route). It stores what
 * it must in one transaction; it throws UnreadableWebhook (400, kept as a rejected delivery) or
 * MisdirectedWebhook (400, nothing stored); any other error is a 503.
 */
export interface WebhookTopic {
  /** As Shopify writes it (orders/create); its address is /webhooks/<topic>. */
  topic: string;
  /** The handler needs to know whether the app is installed (a cached lookup, app/webhooks/installation.server.ts). */
  needsInstallation?: boolean;
  handle(webhook: VerifiedWebhook): Promise<void>;
}

/** A topic's handler (see WebhookTopic). */
export function defineWebhook(topic: string, handle: WebhookTopic["handle"], options: { needsInstallation?: boolean } = {}): WebhookTopic {
  return { topic, handle, needsInstallation: options.needsInstallation ?? false };
}

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

/** The answer to a delivery, written by either front (a Node response or a web Response). */
export interface Answer {
  status: number;
  statusText?: string;
  text?: string;
  headers?: Record<string, string>;
}

/** A delivery as read by either front: its headers, its raw body (already capped), when it arrived (performance.now()). */
export interface Delivery {
  headers: HeaderPairs;
  rawBody: Bytes;
  url: string;
  arrivedAt: number;
}

/**
 * Every webhook, whichever front received it (the caller has answered 405 to a non-POST and 413
 * to a body over MAX_WEBHOOK_BYTES):
 * - verification by the library (bad HMAC 401, missing headers 400), before any database work;
 * - 400 for a delivery sent to the wrong address (its topic header is not the address' topic);
 * - then it waits its turn at the database in the intake gate (./gate.server.ts): a burst queues
 *   instead of failing, and a delivery whose turn does not come within WEBHOOK_WAIT_MS of its
 *   arrival is answered 503 (Shopify retries);
 * - 400 for a signed body that is not JSON or not what the topic carries, kept as a rejected
 *   delivery (raw body and all) for the sync log; 503 only if even that cannot be stored;
 * - 400 for a body the handler finds is another shop's (MisdirectedWebhook), nothing stored;
 * - then the topic's handler, which stores what it must in one transaction: 200 only after the
 *   commit, 503 if storing fails, so that Shopify retries (8 times over 4 hours).
 */
export async function answerDelivery(delivery: Delivery, route: WebhookTopic): Promise<Answer> {
  const body = text(delivery.rawBody);
  const check = await validateWebhook(body, delivery.headers, delivery.url);
  if (!check.valid) return refusal(check);
  const { domain: shop, topic, webhookId, apiVersion } = check;
  if (topicKey(topic) !== topicKey(route.topic)) return misdirected({ shop, topic, webhookId }, route.topic);

  let turn;
  try {
    turn = await intakeGate().enter(delivery.arrivedAt);
  } catch (error) {
    logger.error({ topic, reason: message(error) }, "webhook waited too long for the database; Shopify will retry");
    return unavailable();
  }
  try {
    return await handled({ shop, topic, webhookId, apiVersion }, body, delivery.rawBody, route);
  } finally {
    turn.leave();
  }
}

type Headline = { shop: string; topic: string; webhookId: string; apiVersion: string };

async function handled(headline: Headline, body: string, rawBody: Bytes, route: WebhookTopic): Promise<Answer> {
  const { shop, topic, webhookId } = headline;
  let payload: unknown;
  let payloadJson: string;
  try {
    const exact = mayHoldBigIntegers(body);
    payload = exact ? parseExactJson(body) : JSON.parse(body);
    payloadJson = exact ? JSON.stringify(payload) : body;
  } catch {
    return reject(headline, rawBody, "The body is not valid JSON.", {});
  }
  let installed = true;
  if (route.needsInstallation) {
    try {
      installed = await isInstalled(shop);
    } catch (error) {
      logger.error(
        { shop, topic, webhookId, reason: message(error) },
        "webhook could not be checked against the installation; Shopify will retry",
      );
      return unavailable();
    }
  }
  try {
    await route.handle({ ...headline, payload, payloadJson, rawBody, installed });
  } catch (error) {
    if (error instanceof UnreadableWebhook) return reject(headline, rawBody, error.message, error.readable);
    if (error instanceof MisdirectedWebhook) {
      logger.warn({ shop, topic, webhookId, reason: error.message }, "webhook refused: its body is not this shop's; nothing stored");
      return { status: 400, text: error.message };
    }
    logger.error({ shop, topic, webhookId, reason: message(error) }, "webhook could not be stored; Shopify will retry");
    return unavailable();
  }
  return { status: 200 };
}

/** The Remix front: a route's action hands its request and its topic here. */
export async function receiveWebhook(request: Request, route: WebhookTopic): Promise<Response> {
  const arrivedAt = arrivalOf(request);
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_WEBHOOK_BYTES) return toResponse(tooLarge());
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  // Read once (up to the cap, never further for a chunked body).
  const rawBody = await readCapped(request);
  if (!rawBody) return toResponse(tooLarge());
  const answer = await answerDelivery({ headers: request.headers, rawBody, url: request.url, arrivedAt }, route);
  // The library's refusals are thrown by authenticate.webhook; the routes' callers expect the same.
  if (answer.status === 401 || (answer.status === 400 && answer.statusText)) throw toResponse(answer);
  return toResponse(answer);
}

function toResponse(answer: Answer): Response {
  return new Response(answer.text ?? null, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

type Named = { shop: string; topic: string; webhookId: string };

/** A delivery whose topic header is not this route's: a replay of a signed body to another address. */
function misdirected({ shop, topic, webhookId }: Named, routeTopic: string): Answer {
  logger.warn({ shop, topic, route: routeTopic, webhookId }, "webhook refused: its topic is not this address's; nothing stored");
  return { status: 400, text: `This address receives ${routeTopic} only` };
}

/** Keeps a signed delivery we cannot read and answers 400: Shopify gets a clear answer, the merchant a row in the sync log. */
async function reject({ shop, topic, webhookId }: Named, rawBody: Bytes, reason: string, readable: ReadableParts): Promise<Answer> {
  try {
    await storeRejectedDelivery(prisma, { shop, topic: topicKey(topic), webhookId, reason, body: rawBody, readable });
  } catch (error) {
    logger.error({ shop, topic, webhookId, reason: message(error) }, "rejected webhook could not be stored; Shopify will retry");
    return unavailable();
  }
  logger.warn({ shop, topic, webhookId, reason }, "webhook refused: signed by Shopify but unreadable; kept as a rejected delivery");
  return { status: 400, text: `Unreadable webhook body: ${reason}` };
}

/** "orders/create", "ORDERS_CREATE" → "ORDERS_CREATE" (the library's own normal form). */
export function topicKey(topic: string): string {
  return topic.toUpperCase().replace(/[/.]/g, "_");
}

function text(body: Bytes): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function tooLarge(): Answer {
  return { status: 413, text: `Payload too large: webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes` };
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
  return joined(chunks, size);
}

/** Chunks as one body. */
export function joined(chunks: readonly Uint8Array[], size: number): Bytes {
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

function unavailable(): Answer {
  return { status: 503, text: "Temporarily unable to store this webhook; please retry", headers: { "Retry-After": "10" } };
}
