import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express, { type Express } from "express";
import { resolveDatabase } from "../db/database.server";
import { getEnv } from "../env.server";
import { RECEIVED_AT_HEADER } from "../webhooks/arrival";
import { onShutdown } from "./run-main.server";

export interface WebServerOptions {
  /** The prefix of its console lines. */
  label?: string;
  /** Routes served before the Remix app (the demo's own server adds its pages here). */
  mount?: (app: Express) => void;
}

/**
 * The web process: an Express server around the Remix build. It resolves the database first
 * (embedded PostgreSQL when DATABASE_URL is unset), and with RUN_WORKER_IN_WEB=true also runs
 * the graphile-worker runner in-process (development only; in production the worker is its own
 * process: `npm run worker`).
 */
export async function serveWeb(options: WebServerOptions = {}): Promise<void> {
  const say = (message: string) => process.stdout.write(`[${options.label ?? "web"}] ${message}\n`);
  const env = getEnv();
  const database = await resolveDatabase(say);

  const buildPath = path.resolve("build/server/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const { logger } = await import("../logger.server");

  const app = express();
  app.disable("x-powered-by");
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  // A webhook's wait for the database counts from here (app/webhooks/gate.server.ts).
  app.use("/webhooks", (req, _res, next) => {
    req.headers[RECEIVED_AT_HEADER] = String(performance.now());
    next();
  });
  options.mount?.(app);
  // The peer's address, for /healthz's localhost-only details (app/models/health.server.ts).
  app.all("*", createRequestHandler({ build, mode: env.NODE_ENV, getLoadContext: (req) => ({ remoteAddress: req.socket.remoteAddress }) }));

  const runner = env.RUN_WORKER_IN_WEB
    ? await (await import("../jobs/worker.server")).startWorker({
        connectionString: database.url,
        concurrency: env.WORKER_CONCURRENCY,
      })
    : undefined;

  const server = app.listen(env.PORT, () => {
    say(`listening on http://localhost:${env.PORT} (app URL ${env.SHOPIFY_APP_URL})`);
    if (runner) say("worker running in-process (RUN_WORKER_IN_WEB)");
    if (env.REMIX_DEV_ORIGIN) void broadcastDevReady(build);
  });

  onShutdown(async (signal) => {
    logger.info({ signal }, "shutting down web server");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runner?.stop();
    const { default: prisma } = await import("../db.server");
    await prisma.$disconnect();
    await database.stop();
  });
}
