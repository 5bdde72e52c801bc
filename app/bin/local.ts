import { spawn } from "node:child_process";
import { childEnv, ENV_VARIABLES, getBaseEnv } from "../env.server";
import { runPrisma } from "./prisma-cli.server";
import { runMain } from "./run-main.server";

/**
 * `npm run local`: the app on this machine with nothing configured. Uses `.env` where present;
 * every required variable still missing gets a local-only placeholder (fake Shopify keys, a
 * throw-away encryption key), named on start-up. Builds, migrates the embedded PostgreSQL, and
 * runs the production server with the worker in-process.
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

  say("building");
  await run(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { ...env, NODE_ENV: "production" });
  await run(process.execPath, ["--import", "tsx", "app/bin/build.ts"], env);
  say("preparing the database");
  await runPrisma(["generate"], { quiet: true });
  await run(process.execPath, ["build/setup.js"], env);

  say(getBaseEnv().DATABASE_URL ? "using DATABASE_URL" : "starting (embedded PostgreSQL, worker in-process)");
  const server = spawn(process.execPath, ["build/server.js"], { stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  await new Promise<void>((resolve) => server.on("exit", () => resolve()));
});
