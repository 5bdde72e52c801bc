import pg from "pg";
import { env } from "../env.server";
import { logger } from "../logger.server";

/**
 * Session-level advisory locks on connections of their own. A job waiting for a lock must not
 * hold a connection of the Prisma pool (the work inside the lock needs that pool: with every
 * pooled connection held by a waiter, everything stalls). If the process dies, its connection
 * closes and Postgres releases the lock.
 */
let pool: pg.Pool | undefined;

/**
 * Longest wait for a connection of this pool (a new one, or a free one). A database that does
 * not answer makes the job fail (and be retried) instead of waiting for ever.
 */
export const LOCK_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A lock connection the server dropped (a restart, a failover, an administrator) emits 'error'.
 * While the pool holds it idle, the pool's own listener removes it. While a job holds it (the
 * lock taken, the work running on Prisma's pool), nobody would listen: Node turns an 'error'
 * without a listener into an uncaught exception, and the whole worker process dies with every
 * job it was running. So every connection gets a listener for its whole life: the error is
 * logged, the lock is gone with the session, and the connection is discarded on release.
 */
function onClientError(error: Error): void {
  logger.warn({ reason: error.message }, "advisory-lock connection lost (the database restarted or dropped it)");
}

function lockPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({
      connectionString: env.DATABASE_URL,
      max: env.WORKER_CONCURRENCY + 2,
      connectionTimeoutMillis: LOCK_CONNECT_TIMEOUT_MS,
    });
    pool.on("error", () => {}); // an idle connection dropped by the server: the pool replaces it
    pool.on("connect", (client) => client.on("error", onClientError));
  }
  return pool;
}

export async function withAdvisoryLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const client = await lockPool().connect();
  let broken: Error | undefined;
  const lost = (error: Error) => {
    broken ??= error;
  };
  client.on("error", lost);
  try {
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [key]);
    try {
      return await work();
    } finally {
      await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch((error: Error) => {
        broken ??= error;
      });
    }
  } finally {
    client.removeListener("error", lost);
    client.release(broken);
  }
}

export async function closeAdvisoryLocks(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.end();
}
