import { resolveDatabase } from "../db/database.server";
import { getEnv } from "../env.server";
import { onShutdown, runMain } from "./run-main.server";

/**
 * The worker process (`npm run worker`): drains the graphile-worker queue in Postgres.
 * Run as many as you like, on as many machines: jobs are locked row by row, never run twice
 * at once. SIGTERM/SIGINT stop it gracefully (running jobs finish, no new ones start).
 */
runMain(async () => {
  const say = (message: string) => process.stdout.write(`[worker] ${message}\n`);
  const env = getEnv();
  const database = await resolveDatabase(say);
  const { startWorker } = await import("../jobs/worker.server");
  const { logger } = await import("../logger.server");

  const runner = await startWorker({ connectionString: database.url, concurrency: env.WORKER_CONCURRENCY });
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
