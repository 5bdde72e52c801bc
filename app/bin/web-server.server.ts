import cluster from "node:cluster";
import http from "node:http";
import { availableParallelism } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import express, { type Express } from "express";
import { resolveDatabase } from "../db/database.server";
import { getEnv, type Env } from "../env.server";
import { RECEIVED_AT_HEADER } from "../webhooks/arrival";
import { onShutdown } from "./run-main.server";

export interface WebServerOptions {
  /** The prefix of its console lines. */
  label?: string;
  /** Routes served before the Remix app (the demo's own server adds its pages here). */
  mount?: (app: Express) => void;
}

/** What the web server takes from the Remix build's entry module besides Remix (app/entry.server.tsx). */
interface EntryExtras {
  serveWebhook?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  closeDatabase?: () => Promise<void>;
  warmDatabase?: () => Promise<void>;
}

/**
 * How many web processes: WEB_CONCURRENCY, else one per core in production. One in development
 * and tests, with the worker in the web process (RUN_WORKER_IN_WEB), and for a server that mounts
 * routes of its own (the demo's pages keep state in their process).
 */
export function webProcesses(env: Pick<Env, "NODE_ENV" | "WEB_CONCURRENCY" | "RUN_WORKER_IN_WEB">, mounted = false): number {
  if (env.WEB_CONCURRENCY) return env.WEB_CONCURRENCY;
  return env.NODE_ENV === "production" && !env.RUN_WORKER_IN_WEB && !mounted ? availableParallelism() : 1;
}

/**
 * The web process: a Node HTTP server whose requests go first to the webhook hot path
 * (app/webhooks/hot-path.server.ts, from the Remix build: it shares the routes' modules), then to
 * Express around the Remix build. It resolves the database first (embedded PostgreSQL when
 * DATABASE_URL is unset). With several web processes (webProcesses), this one is the primary of a
 * Node cluster: the workers serve the one port, the primary restarts a worker that dies and, on
 * SIGTERM/SIGINT, stops them (each finishes its requests) before the database. With
 * RUN_WORKER_IN_WEB=true the graphile-worker runner also runs here (development only; in
 * production the worker is its own process: `npm run worker`).
 */
export async function serveWeb(options: WebServerOptions = {}): Promise<void> {
  const say = (message: string) => process.stdout.write(`[${options.label ?? "web"}] ${message}\n`);
  if (cluster.isWorker) return serveRequests(options, say);
  const env = getEnv();
  const database = await resolveDatabase(say);
  const processes = webProcesses(env, options.mount !== undefined);
  if (processes === 1) return serveRequests(options, say, database);

  const runner = env.RUN_WORKER_IN_WEB
    ? await (await import("../jobs/worker.server")).startWorker({ connectionString: database.url, concurrency: env.WORKER_CONCURRENCY })
    : undefined;
  let stopping = false;
  const fork = () => cluster.fork({ DATABASE_URL: database.url });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    say(`web process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  for (let i = 0; i < processes; i += 1) fork();
  say(`${processes} web processes on port ${env.PORT} (WEB_CONCURRENCY)`);
  onShutdown(async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once("exit", () => resolve());
            worker.process.kill("SIGTERM");
          }),
      ),
    );
    await runner?.stop();
    await database.stop();
  });
}

/** One web process: the HTTP server (hot path, then Express and Remix) until SIGTERM/SIGINT. */
async function serveRequests(
  options: WebServerOptions,
  say: (message: string) => void,
  database?: { url: string; stop(): Promise<void> },
): Promise<void> {
  const env = getEnv();
  const buildPath = path.resolve("build/server/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const extras = build.entry.module as EntryExtras;
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

  const runner =
    database && env.RUN_WORKER_IN_WEB
      ? await (
          await import("../jobs/worker.server")
        ).startWorker({
          connectionString: database.url,
          concurrency: env.WORKER_CONCURRENCY,
        })
      : undefined;

  // The connections webhooks take turns on, open before the first request (a failure here is not
  // fatal: they open on demand, and /healthz says whether the database answers).
  await extras
    .warmDatabase?.()
    .catch((error: unknown) =>
      logger.warn({ reason: error instanceof Error ? error.message : String(error) }, "database connections not opened at start"),
    );
  // The webhook hot path first: a delivery of a registered topic never reaches Express or Remix.
  const server = http.createServer((req, res) => {
    if (extras.serveWebhook?.(req, res)) return;
    app(req, res);
  });
  server.listen(env.PORT, () => {
    if (cluster.isWorker) return;
    say(`listening on http://localhost:${env.PORT} (app URL ${env.SHOPIFY_APP_URL})`);
    if (runner) say("worker running in-process (RUN_WORKER_IN_WEB)");
    if (env.REMIX_DEV_ORIGIN) void broadcastDevReady(build);
  });

  onShutdown(async (signal) => {
    logger.info({ signal }, "shutting down web server");
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await runner?.stop();
    await extras.closeDatabase?.();
    await database?.stop();
  });
}
