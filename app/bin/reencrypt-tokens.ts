import { resolveDatabase } from "../db/database.server";
import { runMain } from "./run-main.server";

/**
 * `npm run tokens:reencrypt`: after rotating TOKEN_ENCRYPTION_KEY (the old key moved to
 * TOKEN_ENCRYPTION_KEYS_PREVIOUS), rewrites every stored FreshBooks token with the new key.
 * Afterwards the old key can be removed. Safe to run while the app runs, and to run again.
 */
runMain(async () => {
  const say = (message: string) => process.stdout.write(`[tokens] ${message}\n`);
  const database = await resolveDatabase(say);
  const { default: prisma } = await import("../db.server");
  const { reencryptAllTokens } = await import("../freshbooks/reencrypt.server");
  try {
    const report = await reencryptAllTokens(prisma);
    say(`${report.rewritten} connection(s) re-encrypted with the current key, ${report.alreadyCurrent} already current`);
    if (report.unreadable.length > 0) {
      say(
        `${report.unreadable.length} connection(s) could not be decrypted with any configured key and now ask to reconnect: ${report.unreadable.join(", ")}`,
      );
      process.exitCode = 2;
    }
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
});
