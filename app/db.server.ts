import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { env } from "./env.server";

declare global {
  var prismaGlobal: PrismaClient | undefined;
}

/**
 * The pool behind Prisma. A connection (new, or a free one of the pool) that takes longer than
 * DATABASE_CONNECT_TIMEOUT_MS is an error, not a wait: a webhook then answers 503 well inside
 * Shopify's 5 s, so Shopify retries it, instead of hanging on an unreachable database.
 */
export function poolConfig(connectionString: string) {
  return { connectionString, max: env.DATABASE_POOL_SIZE, connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS };
}

function createClient(): PrismaClient {
  const connectionString = env.DATABASE_URL;
  if (!connectionString) {
    throw new Error(
      "No database configured: start the process through app/bin (which resolves DATABASE_URL " +
        "or starts the embedded PostgreSQL) or set DATABASE_URL.",
    );
  }
  return new PrismaClient({ adapter: new PrismaPg(poolConfig(connectionString)) });
}

// One client per process; kept on globalThis in development so that live reload does not
// open a new pool on every rebuild.
const prisma = globalThis.prismaGlobal ?? createClient();
if (env.NODE_ENV !== "production") globalThis.prismaGlobal = prisma;

export default prisma;
