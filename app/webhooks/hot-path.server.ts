import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "../logger.server";
import { answerDelivery, joined, MAX_WEBHOOK_BYTES, tooLarge, type Answer, type Bytes, type WebhookTopic } from "./intake.server";
import { HOT_TOPICS } from "./topics.server";

const byPath = new Map<string, WebhookTopic>(HOT_TOPICS.map((route) => [`/webhooks/${route.topic}`, route]));

/**
 * The webhook hot path: the web server (app/bin/web-server.server.ts) calls it for every request
 * before Express' other middleware and Remix. A POST to the address of a topic in HOT_TOPICS is
 * answered here, from Node's request, by the same answerDelivery (and the same topic handler) as
 * the Remix route: library verification, the intake gate, the handler's one statement. Anything
 * else returns false and goes on to Remix (a non-POST gets the route's 405 there).
 */
export function serveWebhook(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const query = req.url.indexOf("?");
  const route = byPath.get(query < 0 ? req.url : req.url.slice(0, query));
  if (!route) return false;
  const arrivedAt = performance.now();
  if (Number(req.headers["content-length"] ?? "0") > MAX_WEBHOOK_BYTES) {
    send(res, tooLarge(), true);
    return true;
  }
  void readCapped(req)
    .then(
      async (rawBody) => {
        if (!rawBody) return send(res, tooLarge(), true);
        // Shopify's own headers only: the library's check reads nothing else (and canonicalises each
        // one it is given). Node gives their names in lower case; a Map is all the library's adapter reads.
        const headers = new Map<string, string>();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === "string" && name.startsWith("x-shopify-")) headers.set(name, value);
        send(res, await answerDelivery({ headers, rawBody, url: `http://${req.headers.host ?? "localhost"}${req.url}`, arrivedAt }, route));
      },
      (error: unknown) => {
        logger.warn({ reason: error instanceof Error ? error.message : String(error) }, "webhook body could not be read");
        if (!res.headersSent) send(res, { status: 400, text: "Unreadable request" }, true);
      },
    )
    .catch((error: unknown) => {
      logger.error({ reason: error instanceof Error ? error.message : String(error) }, "webhook failed unexpectedly; Shopify will retry");
      if (!res.headersSent)
        send(res, { status: 503, text: "Temporarily unable to store this webhook; please retry", headers: { "Retry-After": "10" } });
    });
  return true;
}

function send(res: ServerResponse, answer: Answer, close = false): void {
  const body = answer.text ?? "";
  res.writeHead(answer.status, answer.statusText, {
    ...answer.headers,
    ...(body ? { "content-type": "text/plain; charset=utf-8" } : {}),
    "content-length": String(Buffer.byteLength(body)),
    // A body we stopped reading: the connection cannot carry another request.
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}

/** The body up to the cap, or null once it passes it (the rest is not read). */
function readCapped(req: IncomingMessage): Promise<Bytes | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_WEBHOOK_BYTES) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(joined(chunks, size)));
    req.once("error", reject);
  });
}
