import { resolveDatabase } from "../db/database.server";
import { runPrisma } from "./prisma-cli.server";
import { runMain } from "./run-main.server";

/** `npm run prisma -- <args>`: the Prisma CLI, offline, against our database (embedded when DATABASE_URL is unset). */
runMain(async () => {
  const database = await resolveDatabase((message) => process.stderr.write(`[db] ${message}\n`));
  try {
    await runPrisma(process.argv.slice(2));
  } finally {
    await database.stop();
  }
});
