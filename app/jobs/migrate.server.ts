import { runMigrations } from "graphile-worker";
import { workerLogger } from "./worker-logger.server";

/** Creates (or brings up to date) graphile-worker's own schema, `graphile_worker`. */
export async function migrateWorkerSchema(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger });
}
