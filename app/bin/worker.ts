import { resolveDatabase } from "../db/database.server";
import { getEnv } from "../env.server";
import { onShutdown, runMain } from "./run-main.server";

/**
 * The worker process (`npm run worker`): drains the graphile-worker queue in Postgres.
 * Run as many as you like, on as many machines: jobs are locked row by row, never run twice
 * at once. SIGTERM/SIGINT stop it gracefully (running jobs finish, no new ones start). It waits
 * for its database (at start and through a restart) up to DATABASE_PATIENCE_MS; a worker that
 * stops taking due jobs, or crashes, exits with 1 for its supervisor to restart.
 */
runMain(async () => {
  const say = (message: string) => process.stdout.write(`[worker] ${message}\n`);
  const env = getEnv();
  const database = await resolveDatabase(say);
  const { startWorker } = await import("../jobs/worker.server");
  const { logger } = await import("../logger.server");

  // A stalled worker (app/jobs/watchdog.server.ts) or one that hit an error nobody handles exits
  // with 1 after freeing its jobs, so the supervisor starts a fresh one at once.
  const runner = await startWorker({
    connectionString: database.url,
    concurrency: env.WORKER_CONCURRENCY,
    onStall: () => process.exit(1),
  });
  const crash = (error: unknown) => {
    logger.fatal(
      { reason: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      "worker crashed; releasing its jobs and exiting",
    );
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    void Promise.race([runner.releaseOwnWork().catch(() => {}), timeout]).finally(() => process.exit(1));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  say(`running with concurrency ${env.WORKER_CONCURRENCY}`);

  onShutdown(async (signal) => {
    logger.info({ signal }, "stopping worker");
    await runner.stop();
    const { default: prisma } = await import("../db.server");
    await prisma.$disconnect();
    await database.stop();
  });
  await runner.promise;
});
