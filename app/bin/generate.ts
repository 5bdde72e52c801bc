import { runPrisma } from "./prisma-cli.server";
import { runMain } from "./run-main.server";

/** `npm run generate` (also after every install): the Prisma client, generated offline. */
runMain(() => runPrisma(["generate"], { quiet: true }));
