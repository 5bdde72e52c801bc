import pg from "pg";
import { env } from "../env.server";

/**
 * Session-level advisory locks on connections of their own. A job waiting for a lock must not
 * hold a connection of the Prisma pool (the work inside the lock needs that pool: with every
 * pooled connection held by a waiter, everything stalls). If the process dies, its connection
 * closes and Postgres releases the lock.
 */
let pool: pg.Pool | undefined;

function lockPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.WORKER_CONCURRENCY + 2 });
    pool.on("error", () => {}); // an idle connection dropped by the server: the pool replaces it
  }
  return pool;
}

export async function withAdvisoryLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const client = await lockPool().connect();
  let broken: Error | undefined;
  try {
    await client.query("select pg_advisory_lock(hashtextextended($1, 0))", [key]);
    try {
      return await work();
    } finally {
      await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch((error: Error) => {
        broken = error;
      });
    }
  } finally {
    client.release(broken);
  }
}

export async function closeAdvisoryLocks(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.end();
}
