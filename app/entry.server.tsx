import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import prisma, { pool } from "./db.server";
import { env } from "./env.server";
import { intakeGate } from "./webhooks/gate.server";
import { stopIntakeRecorder } from "./webhooks/order-intake.server";
import { addDocumentResponseHeaders } from "./shopify.server";

const ABORT_DELAY = 5000;

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  addDocumentResponseHeaders(request, responseHeaders);
  // The library preloads App Bridge from Shopify's CDN; with the stand-in (demo, tests) the page
  // loads the stand-in instead, and nothing is asked of the CDN.
  if (env.APP_BRIDGE_URL && responseHeaders.has("Link"))
    responseHeaders.set("Link", `<${env.APP_BRIDGE_URL}>; rel="preload"; as="script";`);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        // Logged by the server's handleError; nothing more to do while streaming.
        void error;
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

export { handleError } from "./errors.server";

/** The webhook hot path, served by the web server before Remix (app/bin/web-server.server.ts); in this build so that it shares the routes' modules (one pool, one gate, one handler per topic). */
export { serveWebhook } from "./webhooks/hot-path.server";

/** The web server's shutdown closes this build's database pool (app/db.server.ts: Prisma's adapter does not own it). */
export async function closeDatabase(): Promise<void> {
  await intakeGate().drained();
  await stopIntakeRecorder();
  await prisma.$disconnect();
  await pool.end();
}

/** Opens the connections the webhook deliveries take turns on, at start (app/webhooks/gate.server.ts), so a first burst finds them open. */
export async function warmDatabase(): Promise<void> {
  await Promise.all(Array.from({ length: intakeGate().limit }, () => pool.query("select 1")));
}
