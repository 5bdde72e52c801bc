import { spawn } from "node:child_process";
import { createServer } from "node:http";
import pg from "pg";
import { startEmbeddedPostgres } from "../../app/db/embedded-postgres.server";
import { runPrisma } from "../../app/bin/prisma-cli.server";
import { migrateWorkerSchema } from "../../app/jobs/migrate.server";
import { embeddedUrl, seedOfflineSession, TEST_SHOP } from "../helpers/shopify";
import { startFreshBooksSandbox } from "../../app/dev/freshbooks-sandbox/server";
import { startShopifyAdminSandbox } from "../../app/dev/shopify-admin-sandbox/server";
import {
  E2E_ADMIN_PORT,
  E2E_ADMIN_URL,
  E2E_DATABASE_NAME,
  E2E_DATABASE_PORT,
  E2E_DATABASE_URL,
  E2E_EXTERNAL_ADMIN_URL,
  E2E_SANDBOX_PORT,
  E2E_SERVER_ENV,
  E2E_SHOPIFY_API_PORT,
} from "./e2e-env";

/**
 * Playwright's web server: a fresh database (dropped and migrated as in production), the
 * test shop installed (its offline session), then the production build (`node build/server.js`).
 */
const log = (message: string) => process.stdout.write(`[e2e] ${message}\n`);
const database = E2E_EXTERNAL_ADMIN_URL
  ? { adminUrl: E2E_EXTERNAL_ADMIN_URL, stop: async () => {} }
  : await startEmbeddedPostgres({ dataDir: E2E_SERVER_ENV.EMBEDDED_POSTGRES_DIR, port: E2E_DATABASE_PORT, database: "postgres", log });
if (E2E_EXTERNAL_ADMIN_URL) log(`using DATABASE_URL's server, database ${E2E_DATABASE_NAME}`);
const admin = new pg.Client({ connectionString: database.adminUrl });
await admin.connect();
await admin.query(`drop database if exists ${E2E_DATABASE_NAME} with (force)`);
await admin.query(`create database ${E2E_DATABASE_NAME}`);
await admin.end();

const url = E2E_DATABASE_URL;
process.env.DATABASE_URL = url;
await runPrisma(["migrate", "deploy"], { quiet: true });
await migrateWorkerSchema(url);
await seedOfflineSession(url, TEST_SHOP);
log("database ready");

const sandbox = await startFreshBooksSandbox({
  port: E2E_SANDBOX_PORT,
  clientId: E2E_SERVER_ENV.FRESHBOOKS_CLIENT_ID,
  clientSecret: E2E_SERVER_ENV.FRESHBOOKS_CLIENT_SECRET,
  redirectUris: [E2E_SERVER_ENV.FRESHBOOKS_REDIRECT_URI],
});
log(`FreshBooks sandbox on ${sandbox.url}`);

// The Shopify admin, as far as the app needs it: where the FreshBooks callback sends the merchant
// back (<admin>/store/<store>/apps/<app>/<path>), it loads the app's page embedded (a fresh
// session token). A real server, so a redirect's target needs no browser interception.
const adminPath = new URL(E2E_ADMIN_URL).pathname;
const shopifyAdmin = createServer((request, response) => {
  const url = new URL(request.url ?? "/", E2E_ADMIN_URL);
  const match = /^\/store\/([^/]+)\/apps\/[^/]+(\/[^?]*)?$/.exec(url.pathname.slice(adminPath.length));
  if (!url.pathname.startsWith(`${adminPath}/`) || !match) {
    response.writeHead(404).end("not an admin page the e2e stand-in knows");
    return;
  }
  const target = new URL(embeddedUrl(match[2] ?? "/app", `${match[1]}.myshopify.com`));
  for (const [name, value] of url.searchParams) target.searchParams.set(name, value);
  response.writeHead(302, { location: target.toString() }).end();
});
await new Promise<void>((resolve) => shopifyAdmin.listen(E2E_ADMIN_PORT, resolve));
log(`Shopify admin stand-in on ${E2E_ADMIN_URL}`);

// Shopify's Admin API (the completeness sweep's cron and the import read orders there): every
// installed shop exists, with no past orders unless a test adds them.
const shopifyApi = await startShopifyAdminSandbox({ port: E2E_SHOPIFY_API_PORT, anyShop: true });
log(`Shopify Admin API sandbox on ${shopifyApi.url}`);

const server = spawn(process.execPath, ["build/server.js"], {
  stdio: "inherit",
  env: { ...process.env, ...E2E_SERVER_ENV, DATABASE_URL: url } as NodeJS.ProcessEnv,
});
// Once: Playwright may send both SIGTERM and SIGINT, and a second close() of a closed server throws.
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  await sandbox.close();
  await shopifyApi.close();
  shopifyAdmin.close();
  await database.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => {
  if (code !== 0 && code !== null) {
    log(`server exited with ${code}`);
    void database.stop().then(() => process.exit(1));
  }
});
