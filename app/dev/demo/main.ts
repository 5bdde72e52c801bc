/**
 * `npm run demo`: the whole app on this machine, offline, with nothing configured: embedded
 * PostgreSQL, migrations, the FreshBooks sandbox, the web server and the worker; a demo shop
 * installed and connected to the sandbox's business through the real OAuth flow; then a stream
 * of correctly signed orders/create webhooks to the real webhook route. Prints one URL that
 * opens the embedded admin pages in an ordinary browser. Ctrl-C stops everything; a second run
 * reuses the data; --reset starts fresh. Options: app/dev/demo/options.ts.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import pg from "pg";
import { runPrisma } from "../../bin/prisma-cli.server";
import { childEnv, useDatabaseUrl } from "../../env.server";
import { migrateWorkerSchema } from "../../jobs/migrate.server";
import { startFreshBooksSandbox, type FreshBooksSandbox } from "../freshbooks-sandbox/server";
import { startShopifyAdminSandbox } from "../shopify-admin-sandbox/server";
import { webhookHeaders } from "../shopify-signing";
import { connectThroughOAuth } from "./connect";
import { DEMO_FRESHBOOKS, DEMO_PATHS, DEMO_SHOP, DEMO_SHOPIFY, DEMO_TOKEN_ENCRYPTION_KEY, DEMO_WEBHOOK_API_VERSION } from "./constants";
import { Lifecycle, Stopped } from "./lifecycle";
import { parseDemoArgs, USAGE, UsageError, type DemoOptions } from "./options";
import { demoLaterEvent, demoOrder, HISTORY_ORDERS, storeHistory, type DemoCustomer, type DemoOrder } from "./orders";
import { startPostgresHost } from "../../db/postgres-host.server";
import { runQuietly, startAppProcess, waitForHttp, type AppProcess } from "./processes";
import { say, SyncWatcher } from "./progress";
import { DemoStore } from "./store";
import { storiesFor } from "./stories";

const life = new Lifecycle(say);

async function recreateDatabase(adminUrl: string, drop: boolean): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (drop) await admin.query("drop database if exists app with (force)");
    const found = await admin.query("select 1 from pg_database where datname = 'app'");
    if (found.rowCount === 0) await admin.query("create database app");
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/postgres$/, "/app");
}

function appEnvironment(options: DemoOptions, databaseUrl: string, sandboxUrl: string, shopifyApiUrl: string): NodeJS.ProcessEnv {
  const appUrl = `http://localhost:${options.port}`;
  const env = childEnv({
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    PORT: String(options.port),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: "5",
    SHOPIFY_API_KEY: DEMO_SHOPIFY.apiKey,
    SHOPIFY_API_SECRET: DEMO_SHOPIFY.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SCOPES: DEMO_SHOPIFY.scopes,
    FRESHBOOKS_CLIENT_ID: DEMO_FRESHBOOKS.clientId,
    FRESHBOOKS_CLIENT_SECRET: DEMO_FRESHBOOKS.clientSecret,
    FRESHBOOKS_REDIRECT_URI: `${appUrl}/freshbooks/callback`,
    FRESHBOOKS_API_URL: sandboxUrl,
    FRESHBOOKS_AUTH_URL: sandboxUrl,
    // Short enough to watch timeouts and backoff happen.
    FRESHBOOKS_TIMEOUT_MS: "4000",
    SYNC_RETRY_BASE_MS: "2000",
    TOKEN_ENCRYPTION_KEY: DEMO_TOKEN_ENCRYPTION_KEY,
    TOKEN_ENCRYPTION_KEYS_PREVIOUS: "",
    RUN_WORKER_IN_WEB: "false",
    WORKER_CONCURRENCY: "4",
    APP_BRIDGE_URL: `${appUrl}${DEMO_PATHS.appBridge}`,
    // Back from FreshBooks (Connect, Reconnect) to the demo's Settings page, not to admin.shopify.com.
    SHOPIFY_ADMIN_URL: `${appUrl}${DEMO_PATHS.admin}`,
    // Shopify's Admin API: the demo store and its past orders (the import, the completeness sweep).
    SHOPIFY_ADMIN_API_URL: shopifyApiUrl,
    DEMO_MODE: "true",
  });
  delete env.REMIX_DEV_ORIGIN;
  return env;
}

/** A signed webhook of the demo shop, as Shopify delivers it; answers its HTTP status. */
async function sendWebhook(appUrl: string, topic: string, body: unknown): Promise<number> {
  const rawBody = JSON.stringify(body);
  const response = await fetch(new URL(`/webhooks/${topic}`, appUrl), {
    method: "POST",
    body: rawBody,
    headers: webhookHeaders({ topic, shop: DEMO_SHOP, rawBody, secret: DEMO_SHOPIFY.apiSecret, apiVersion: DEMO_WEBHOOK_API_VERSION }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function deliver(appUrl: string, order: DemoOrder): Promise<void> {
  const status = await sendWebhook(appUrl, "orders/create", order.body);
  const who = order.customer
    ? `${order.returning ? "returning" : "new"} customer ${order.customer.firstName} ${order.customer.lastName}`
    : "guest";
  say(`→ ${order.name} sent (${who}; ${order.label}): webhook answered ${status}`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!life.stopping && Date.now() < deadline) {
    if (await check()) return true;
    await life.sleep(250);
  }
  return false;
}

/**
 * The order FreshBooks refuses: a new customer while the business' plan has no room for
 * another client (the sandbox's client limit, FreshBooks' real plan cap). The limit is set only
 * while nothing else is syncing and lifted once the order has failed, so exactly this order
 * fails and a Retry from the sync log then succeeds.
 */
async function refusedOrder(appUrl: string, sandbox: FreshBooksSandbox, store: DemoStore, order: DemoOrder): Promise<void> {
  say(`${order.name} comes from a new customer while the FreshBooks plan is full: FreshBooks will refuse it`);
  await waitFor(async () => (await store.inFlight()) === 0, 30_000);
  const active = sandbox.state.clients().filter((client) => client.vis_state !== 1).length;
  sandbox.configure({ clientLimit: active });
  try {
    await deliver(appUrl, order);
    await waitFor(async () => (await store.status(order.number)) === "failed", 30_000);
  } finally {
    sandbox.configure({ clientLimit: null });
  }
  if (!life.stopping) say(`FreshBooks plan "upgraded" (limit lifted): click Retry on ${order.name} in the sync log to sync it`);
}

async function streamOrders(
  options: DemoOptions,
  appUrl: string,
  sandbox: FreshBooksSandbox,
  store: DemoStore,
  firstNumber: number,
): Promise<void> {
  const known: DemoCustomer[] = await store.knownCustomers();
  const refusedAt = options.orders === 0 ? 3 : Math.min(3, options.orders - 1);
  const interval = 60_000 / options.rate;
  const stories = storiesFor(options.orders);
  const sent = new Map<number, DemoOrder>();
  for (let index = 0; options.orders === 0 || index < options.orders; index += 1) {
    if (life.stopping) return;
    const refused = index === refusedAt;
    const story = stories.find((candidate) => candidate.order === index);
    const order = demoOrder(firstNumber + index, known, { forceNew: refused, story: story?.template });
    if (refused) await refusedOrder(appUrl, sandbox, store, order);
    else await deliver(appUrl, order);
    sent.set(index, order);
    if (order.customer && !known.some((customer) => customer.id === order.customer?.id)) known.push(order.customer);
    for (const later of stories.filter((candidate) => candidate.at === index)) {
      const target = sent.get(later.order);
      if (!target) continue;
      const answers: number[] = [];
      for (const event of later.events)
        answers.push(await sendWebhook(appUrl, event.topic, demoLaterEvent(target, event.fixture, new Date())));
      say(`→ ${target.name}: ${later.what} (${later.events.map((event, i) => `${event.topic} answered ${answers[i]}`).join(", ")})`);
    }
    if (options.orders === 0 || index < options.orders - 1) await life.sleep(interval);
  }
  if (!life.stopping) say(`all ${options.orders} orders sent; the sync log keeps updating. Ctrl-C to stop.`);
}

/** A reason not to start that the merchant can act on: one line, no stack trace. */
class DemoStartError extends Error {}

/** Which of the ports something already listens on (a listen on it fails). */
async function takenPorts(ports: [string, number][]): Promise<[string, number][]> {
  const taken: [string, number][] = [];
  for (const [flag, port] of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, () => probe.close(() => resolve(true)));
    });
    if (!free) taken.push([flag, port]);
  }
  return taken;
}

async function run(options: DemoOptions): Promise<void> {
  // A second demo (or anything else) on one of its ports: said in one line, before starting anything.
  const taken = await takenPorts([
    ["--port", options.port],
    ["--sandbox-port", options.sandboxPort],
    ["--db-port", options.databasePort],
  ]);
  if (taken.length > 0)
    throw new DemoStartError(
      `port ${taken.map(([flag, port]) => `${port} (${flag})`).join(" and ")} ${taken.length === 1 ? "is" : "are"} already in use: is another demo running? Stop it, or choose other ports (npm run demo -- ${taken[0]![0]} N).`,
    );

  const started = Date.now();
  const appUrl = `http://localhost:${options.port}`;
  const stateFile = path.join(options.dataDir, "freshbooks-sandbox.json");
  const fresh = options.reset || !existsSync(stateFile);
  mkdirSync(options.dataDir, { recursive: true });
  if (fresh) rmSync(stateFile, { force: true });
  // Always a production build: build/ is shared with `npm start` and the Playwright suite.
  const buildEnv = childEnv({ NODE_ENV: "production" });

  if (options.build) {
    say("building the app: 1/2 remix build (the pages, about half a minute)");
    let step = Date.now();
    await runQuietly(["node_modules/@remix-run/dev/dist/cli.js", "build"], buildEnv);
    life.checkpoint();
    say(`building the app: 2/2 the server and worker entries (remix build took ${((Date.now() - step) / 1000).toFixed(1)} s)`);
    step = Date.now();
    await runQuietly(["--import", "tsx", "app/bin/build.ts"], buildEnv);
    life.checkpoint();
    say(`built (${((Date.now() - step) / 1000).toFixed(1)} s)`);
  }

  say(`starting the embedded PostgreSQL on port ${options.databasePort} (${path.join(options.dataDir, "postgres")})`);
  const postgres = await startPostgresHost(path.join(options.dataDir, "postgres"), options.databasePort, buildEnv);
  await life.onStop("PostgreSQL", () => postgres.stop());
  const databaseUrl = await recreateDatabase(postgres.adminUrl, fresh);
  say(fresh ? "starting fresh: empty database and FreshBooks sandbox" : "reusing the data of the previous run (--reset starts fresh)");

  say("applying migrations (Prisma, graphile-worker)");
  useDatabaseUrl(databaseUrl);
  await runPrisma(["migrate", "deploy"], { quiet: true });
  await migrateWorkerSchema(databaseUrl);
  life.checkpoint();
  const store = DemoStore.open(databaseUrl);
  await life.onStop("database connections", () => store.close());

  const sandbox = await startFreshBooksSandbox({
    port: options.sandboxPort,
    clientId: DEMO_FRESHBOOKS.clientId,
    clientSecret: DEMO_FRESHBOOKS.clientSecret,
    redirectUris: [`${appUrl}/freshbooks/callback`],
    businesses: [{ name: "Demo Business" }],
    stateFile,
  });
  await life.onStop("FreshBooks sandbox", () => sandbox.close());
  say(`FreshBooks sandbox on ${sandbox.url} (state: ${sandbox.url}/__sandbox/state)`);

  // The store's side of Shopify's Admin API, with the orders placed before the app was installed.
  const shopify = await startShopifyAdminSandbox();
  shopify.addShop({ domain: DEMO_SHOP, scopes: DEMO_SHOPIFY.scopes.split(",") });
  shopify.addWebhookOrders(DEMO_SHOP, storeHistory(new Date(started)));
  await life.onStop("Shopify Admin sandbox", () => shopify.close());
  say(`Shopify Admin sandbox on ${shopify.url}: the store's ${HISTORY_ORDERS} past orders over 90 days ("Import past orders" finds them)`);

  await store.installShop();
  say(`demo shop ${DEMO_SHOP} installed (offline session)`);

  const env = appEnvironment(options, databaseUrl, sandbox.url, shopify.url);
  const processes: AppProcess[] = [
    // The app's production build, served by the demo's own web server, which adds the /demo pages.
    startAppProcess("web server", ["--import", "tsx", "app/dev/demo/web-server.ts"], env, path.join(options.dataDir, "web.log")),
    startAppProcess("worker", "build/worker.js", env, path.join(options.dataDir, "worker.log")),
  ];
  for (const child of processes) {
    await life.onStop(child.name, () => child.stop());
    void child.exited.then((how) => {
      if (life.stopping) return;
      process.stderr.write(`[demo] the ${child.name} stopped unexpectedly (${how}); its log:\n${child.tail()}\n`);
      void life.shutdown(1);
    });
  }
  await waitForHttp(`${appUrl}/healthz`, 60_000, () => processes.every((child) => child.child.exitCode === null));
  life.checkpoint();
  say(`web server on ${appUrl} and worker running (logs: ${path.join(options.dataDir, "web.log")}, worker.log)`);

  if ((await store.connectionStatus()) === "connected") {
    say("FreshBooks already connected (Demo Business)");
  } else {
    await connectThroughOAuth(appUrl);
    say(`connected to FreshBooks "Demo Business" through OAuth (status: ${(await store.connectionStatus()) ?? "none"})`);
  }
  if (options.faultRate > 0) {
    sandbox.faults.setRandom({
      rate: options.faultRate,
      seed: started % 2_147_483_647,
      kinds: ["500", "502", "503", "timeout"],
      path: "^/accounting/",
    });
    say(`FreshBooks fails ${Math.round(options.faultRate * 100)} % of API requests (5xx or timeout): watch the retries`);
  }

  // New orders come after the store's history (#1001 to #1240).
  const firstNumber = Math.max(1001 + HISTORY_ORDERS, ((await store.lastOrderNumber()) ?? 1000) + 1);
  const watcher = new SyncWatcher(store, firstNumber);
  watcher.start();
  await life.onStop("sync log watcher", async () => watcher.stop());

  process.stdout.write(
    `\n  Open the app (embedded pages, outside Shopify):  ${appUrl}${DEMO_PATHS.entry}\n` +
      `  FreshBooks sandbox state:                         ${sandbox.url}/__sandbox/state\n` +
      `  Ctrl-C stops everything.\n\n`,
  );
  const total = options.orders === 0 ? "orders" : `${options.orders} orders`;
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; sending ${total} at ${options.rate} per minute`);
  await streamOrders(options, appUrl, sandbox, store, firstNumber);
  await life.untilStopped();
}

function main(): void {
  let options: DemoOptions | "help";
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof UsageError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  life.handleSignals();
  run(options).catch((error: unknown) => {
    if (error instanceof Stopped || life.stopping) return;
    if (error instanceof DemoStartError) {
      // Nothing was started: the reason, and nothing else.
      process.stderr.write(`[demo] ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`[demo] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void life.shutdown(1);
  });
}

main();
