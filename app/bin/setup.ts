import { resolveDatabase } from "../db/database.server";
import { migrateWorkerSchema } from "../jobs/migrate.server";
import { runPrisma } from "./prisma-cli.server";
import { runMain } from "./run-main.server";

/**
 * `npm run setup`: generates the Prisma client and migrates the database (ours, then
 * graphile-worker's), starting the embedded PostgreSQL when DATABASE_URL is unset.
 */
runMain(async () => {
  const say = (message: string) => process.stdout.write(`[setup] ${message}\n`);
  // Quiet: its output is Prisma's hints and tips (shown only if it fails).
  await runPrisma(["generate"], { quiet: true });
  say("Prisma client generated");
  const database = await resolveDatabase(say);
  try {
    await runPrisma(["migrate", "deploy"], { quiet: true });
    say("Prisma migrations applied");
    await migrateWorkerSchema(database.url);
    say("database is up to date");
  } finally {
    await database.stop();
  }
});
