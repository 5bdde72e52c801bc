import { spawn } from "node:child_process";
import { startPostgresHost, type PostgresHost } from "../db/postgres-host.server";
import { childEnv, ENV_VARIABLES, getBaseEnv } from "../env.server";
import { runMain } from "./run-main.server";

/**
 * `npm run local`: the app on this machine with nothing configured. Uses `.env` where present;
 * every required variable still missing gets a local-only placeholder (fake Shopify keys, a
 * throw-away encryption key), named on start-up. `npm run build` first, then this (as
 * build/local.js: plain node, no tsx) migrates the embedded PostgreSQL and runs the production
 * server with the worker in-process.
 *
 * Ctrl-C stops it cleanly: the embedded PostgreSQL runs in a process group of its own
 * (app/db/postgres-host.ts), so the terminal's SIGINT reaches the server, which finishes its
 * requests and jobs, and the database is stopped after it. The server and setup find it running
 * and use it (they never stop a PostgreSQL they did not start).
 */
const LOCAL_DEFAULTS: Record<string, string> = {
  SHOPIFY_API_KEY: "local-api-key",
  SHOPIFY_API_SECRET: "local-api-secret",
  SHOPIFY_APP_URL: "http://localhost:3000",
  SCOPES: "read_orders",
  FRESHBOOKS_CLIENT_ID: "local-freshbooks-client",
  FRESHBOOKS_CLIENT_SECRET: "local-freshbooks-secret",
  FRESHBOOKS_REDIRECT_URI: "http://localhost:3000/freshbooks/callback",
  TOKEN_ENCRYPTION_KEY: "6c6f63616c2d6f6e6c792d6b65792d6e6f742d666f722d70726f647563746e21",
  RUN_WORKER_IN_WEB: "true",
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

runMain(async () => {
  const say = (message: string) => process.stdout.write(`[local] ${message}\n`);
  const current = childEnv();
  const filled = Object.fromEntries(
    Object.entries(LOCAL_DEFAULTS).filter(([name]) => !current[name] && ENV_VARIABLES.includes(name as never)),
  );
  if (Object.keys(filled).length > 0) say(`local placeholders for: ${Object.keys(filled).join(", ")}`);
  const env = childEnv(filled);

  // The embedded PostgreSQL first, out of the terminal's process group (see above).
  let postgres: PostgresHost | undefined;
  const base = getBaseEnv();
  if (!base.DATABASE_URL) postgres = await startPostgresHost(base.EMBEDDED_POSTGRES_DIR, base.EMBEDDED_POSTGRES_PORT, env);
  // Ctrl-C during the setup: the terminal stops it; the database is stopped here.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    await serve();
  } catch (error) {
    // A setup stopped by the Ctrl-C itself is the stop asked for, not a failure.
    if (!stopping) throw error;
  } finally {
    if (postgres) {
      await postgres.stop();
      say("embedded PostgreSQL stopped");
    }
  }

  async function serve(): Promise<void> {
    say("preparing the database");
    await run(process.execPath, ["build/setup.js"], env);

    if (stopping) return;
    say(base.DATABASE_URL ? "using DATABASE_URL" : "starting (embedded PostgreSQL, worker in-process)");
    const server = spawn(process.execPath, ["build/server.js"], { stdio: "inherit", env });
    // The terminal's Ctrl-C reaches the server itself (same process group); a SIGTERM sent to this
    // process alone (a process manager) is passed on.
    process.on("SIGTERM", () => server.kill("SIGTERM"));
    await new Promise<void>((resolve) => server.on("exit", () => resolve()));
  }
});
