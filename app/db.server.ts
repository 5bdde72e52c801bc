import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { env } from "./env.server";

declare global {
  var prismaGlobal: PrismaClient | undefined;
  var pgPoolGlobal: pg.Pool | undefined;
}

/**
 * Every query of the app reads or writes a bounded slice of one shop's rows through an index
 * (milliseconds of work); a parallel plan's workers take 20–25 ms to start on a 2-core host, and
 * PostgreSQL picks one when it overestimates a time range's rows (the sync log's 7-day summary:
 * 0.3 ms of scanning behind a 25 ms Gather, docs/decisions/0020). So the app's connections plan
 * serially: a session setting, sent on each new connection before the pool hands it out (pg-pool's
 * `onConnect`), rather than a startup option, which poolers such as PgBouncer refuse. Where the
 * session is not kept (a transaction-mode pooler) it is lost, and only speed with it.
 */
async function serialPlans(client: pg.ClientBase): Promise<void> {
  await client.query("set max_parallel_workers_per_gather = 0");
}

/**
 * The pool behind Prisma. A connection (new, or a free one of the pool) that takes longer than
 * DATABASE_CONNECT_TIMEOUT_MS is an error, not a wait: a webhook then answers 503 well inside
 * Shopify's 5 s, so Shopify retries it, instead of hanging on an unreachable database. (A burst
 * does not wait here: it queues in the intake gate, app/webhooks/gate.server.ts, which lets at
 * most the pool's size less a fifth at the database at once.)
 */
export function poolConfig(connectionString: string) {
  return {
    connectionString,
    max: env.DATABASE_POOL_SIZE,
    connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS,
    onConnect: serialPlans,
  };
}

function createPool(): pg.Pool {
  const connectionString = env.DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "No database configured: start the process through app/bin (which resolves DATABASE_URL " +
        "or starts the embedded PostgreSQL) or set DATABASE_URL.",
    );
  }
  // Connections once opened stay open (down to `min`, not closed after 10 s idle): a burst then finds
  // them ready instead of opening new ones, which takes seconds on a busy machine.
  const config = poolConfig(connectionString);
  const created = new pg.Pool({ ...config, min: config.max });
  // An idle connection that the server drops (restart, outage) must not crash the process.
  created.on("error", () => {});
  return created;
}

// One pool and one client per process, the client on the pool (the webhook hot path queries the
// pool directly with prepared statements, app/webhooks/). Kept on globalThis in development so
// that live reload does not open a new pool on every rebuild.
export const pool = globalThis.pgPoolGlobal ?? createPool();
const prisma = globalThis.prismaGlobal ?? new PrismaClient({ adapter: new PrismaPg(pool) });
if (env.NODE_ENV !== "production") {
  globalThis.prismaGlobal = prisma;
  globalThis.pgPoolGlobal = pool;
}

export default prisma;
