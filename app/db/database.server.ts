import { getBaseEnv, useDatabaseUrl } from "../env.server";
import { startEmbeddedPostgres } from "./embedded-postgres.server";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

/**
 * Decides which PostgreSQL this process uses: DATABASE_URL when set, otherwise an embedded
 * server with its data in EMBEDDED_POSTGRES_DIR (git-ignored), started on first use.
 */
export async function resolveDatabase(log: (message: string) => void): Promise<DatabaseHandle> {
  const env = getBaseEnv();
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: env.EMBEDDED_POSTGRES_DIR,
    port: env.EMBEDDED_POSTGRES_PORT,
    database: "app",
    log,
  });
  useDatabaseUrl(server.url);
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
