import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../app/db/embedded-postgres.server";
import { startFreshBooksSandbox, type FreshBooksSandbox } from "../../app/dev/freshbooks-sandbox/server";
import { reloadEnv } from "../../app/env.server";
import { appEnv, BENCH_DATA_DIR, BENCH_DATABASE_PORT, BENCH_LOG_DIR, BENCH_SERVER_PORT, BENCH_SHOP, ROOT } from "./config";

/**
 * The parts a bench assembles, all real: a dedicated embedded PostgreSQL (reset per run and
 * migrated like production), the FreshBooks sandbox in this process, and the production build
 * (`node build/server.js`, `node build/worker.js`) as child processes.
 */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  rssPeakMb: number;
  exited: Promise<number | null>;
  /**
   * Resolves when a worker has printed "[worker] running" (its runner takes jobs): a worker
   * of a real deployment has been running long before the orders it syncs arrive.
   */
  running: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export class BenchStack {
  database!: EmbeddedPostgres;
  sandbox!: FreshBooksSandbox;
  readonly processes: AppProcess[] = [];
  readonly appUrl = `http://127.0.0.1:${BENCH_SERVER_PORT}`;
  private appSettings: Record<string, string> = {};
  private logIndex = 0;

  constructor(readonly name: string) {
    live.add(this);
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  /** A fresh database: the data directory is deleted, then migrated as `npm run setup` does. */
  async startDatabase(): Promise<void> {
    const adminUrl = `postgresql://postgres:postgres@127.0.0.1:${BENCH_DATABASE_PORT}/postgres`;
    if (await answers(adminUrl))
      throw new Error(`a PostgreSQL already answers on ${BENCH_DATABASE_PORT}: stop it (a previous bench?) first`);
    rmSync(BENCH_DATA_DIR, { recursive: true, force: true });
    this.database = await startEmbeddedPostgres({ dataDir: BENCH_DATA_DIR, port: BENCH_DATABASE_PORT, database: "bench", log });
    process.env.DATABASE_URL = this.database.url;
    reloadEnv();
    const { runPrisma } = await import("../../app/bin/prisma-cli.server");
    const { migrateWorkerSchema } = await import("../../app/jobs/migrate.server");
    await runPrisma(["migrate", "deploy"], { quiet: true });
    await migrateWorkerSchema(this.database.url);
    // Exception to "nothing imports tests/" (a dynamic import, which the lint rule does not see): the tests' own session seeding.
    const { seedOfflineSession } = await import("../../tests/helpers/shopify");
    await seedOfflineSession(this.database.url, BENCH_SHOP);
  }

  /** Stops PostgreSQL (a fault) and returns a function that starts it again on the same data. */
  async stopDatabase(): Promise<() => Promise<void>> {
    await this.database.stop();
    return async () => {
      this.database = await startEmbeddedPostgres({ dataDir: BENCH_DATA_DIR, port: BENCH_DATABASE_PORT, database: "bench", log });
    };
  }

  async startSandbox(options: { accessTokenTtlSeconds?: number } = {}): Promise<FreshBooksSandbox> {
    const env = appEnv({});
    this.sandbox = await startFreshBooksSandbox({
      clientId: env.FRESHBOOKS_CLIENT_ID,
      clientSecret: env.FRESHBOOKS_CLIENT_SECRET,
      redirectUris: [env.FRESHBOOKS_REDIRECT_URI ?? ""],
      ...options,
    });
    process.env.FRESHBOOKS_API_URL = this.sandbox.url;
    process.env.FRESHBOOKS_AUTH_URL = this.sandbox.url;
    reloadEnv();
    return this.sandbox;
  }

  /** Settings for every app process started from now on (WORKER_CONCURRENCY, timeouts, ...). */
  configureApp(settings: Record<string, string>): void {
    this.appSettings = { ...this.appSettings, ...settings };
  }

  private childEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...appEnv({
        DATABASE_URL: this.database.url,
        ...(this.sandbox ? { FRESHBOOKS_API_URL: this.sandbox.url, FRESHBOOKS_AUTH_URL: this.sandbox.url } : {}),
        ...this.appSettings,
      }),
    };
  }

  /** `node build/<entry>.js` (of `root`: another checkout's build) with its output in .data/bench-logs; its RSS is sampled every 200 ms. */
  spawnApp(entry: "server" | "worker", extraArgs: string[] = [], root: string = ROOT): AppProcess {
    mkdirSync(BENCH_LOG_DIR, { recursive: true });
    const name = `${entry}-${++this.logIndex}`;
    const out = createWriteStream(path.join(BENCH_LOG_DIR, `${this.name}-${name}.log`));
    const child = spawn(process.execPath, [...extraArgs, path.join(root, `build/${entry}.js`)], {
      cwd: root,
      env: this.childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const running = new Promise<void>((resolve, reject) => {
      let seen = "";
      const watch = (chunk: Buffer) => {
        seen = (seen + chunk.toString("utf8")).slice(-4096);
        if (!seen.includes("[worker] running")) return;
        child.stdout?.off("data", watch);
        resolve();
      };
      child.stdout?.on("data", watch);
      void exited.then((code) => reject(new Error(`${name} exited (${code}) before it was running`)));
    });
    running.catch(() => {}); // awaited only where a bench needs it
    const app: AppProcess = {
      name,
      child,
      rssPeakMb: 0,
      exited,
      running,
      async stop(signal: NodeJS.Signals = "SIGTERM") {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        await exited;
      },
    };
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        app.rssPeakMb = Math.max(app.rssPeakMb, Math.round(kb / 1024));
      } catch {
        // exited
      }
    }, 200);
    void exited.then(() => clearInterval(sampler));
    this.processes.push(app);
    return app;
  }

  async startServer(extraArgs: string[] = [], root: string = ROOT): Promise<AppProcess> {
    const server = this.spawnApp("server", extraArgs, root);
    // A generous cap (a busy machine starts it slowly); a server that exits fails at once.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const healthy = await fetch(`${this.appUrl}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (healthy) return server;
      if (server.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the web server did not become healthy (see .data/bench-logs/${this.name}-${server.name}.log)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * What the merchant's browser does after "Connect FreshBooks": our /freshbooks/connect sets the
   * binding cookie, the sandbox approves, our callback (with the cookie) stores the tokens; then
   * the merchant confirms the connection.
   */
  async connectFreshBooks(shop = BENCH_SHOP): Promise<void> {
    const { default: prisma } = await import("../../app/db.server");
    const { createOAuthState } = await import("../../app/freshbooks/oauth-state.server");
    const state = await createOAuthState(prisma, shop);
    const start = await fetch(`${this.appUrl}/freshbooks/connect?${new URLSearchParams({ state })}`, { redirect: "manual" });
    const authorize = start.headers.get("location");
    if (start.status !== 302 || !authorize) throw new Error(`/freshbooks/connect answered ${start.status}: ${await start.text()}`);
    const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const approval = await fetch(authorize, { redirect: "manual" });
    const location = approval.headers.get("location");
    if (approval.status !== 302 || !location) throw new Error(`sandbox authorize answered ${approval.status}`);
    const callback = await fetch(location, { redirect: "manual", headers: { Cookie: cookie } });
    if (callback.status !== 302) throw new Error(`FreshBooks callback answered ${callback.status}: ${await callback.text()}`);
    // The merchant confirms the login's business in Settings (a reconnect of the same one is already connected).
    const { confirmConnection, connectionSummary } = await import("../../app/freshbooks/connection.server");
    const summary = await connectionSummary(shop, prisma);
    const business = summary?.businessChoices[0];
    if (summary?.status === "pending" && business) await confirmConnection(shop, business.id, { db: prisma });
  }

  async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Stops what was started, even after a failed start, without hiding the error that caused it. */
  async stop(): Promise<void> {
    live.delete(this);
    for (const app of this.processes) await app.stop();
    if (this.database) {
      const { default: prisma } = await import("../../app/db.server");
      await prisma.$disconnect();
    }
    await this.sandbox?.close();
    await this.database?.stop();
  }
}

const live = new Set<BenchStack>();

/**
 * Stops every stack still running: on SIGTERM/SIGINT (the smoke test's timeout, Ctrl-C), so that
 * no PostgreSQL, server or worker outlives the bench and blocks the next run's ports.
 */
export async function stopLiveStacks(): Promise<void> {
  for (const stack of [...live]) await stack.stop().catch(() => {});
}
