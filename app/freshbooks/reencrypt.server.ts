import type { PrismaClient } from "@prisma/client";
import { logger } from "../logger.server";
import { reencryptRow } from "./connection.server";
import { TokenDecryptionError, type TokenCipher } from "./token-crypto.server";
import { markNeedsReconnect, openToken, tokenCipher, UNREADABLE_REASON, V1_RETIRED_FLAG } from "./token-vault.server";

export interface ReencryptReport {
  rewritten: number;
  alreadyCurrent: number;
  /** Shops whose tokens no configured key decrypts: marked needs_reconnect. */
  unreadable: string[];
}

/**
 * Key rotation, finished: rewrites every connection's tokens with the current key and format,
 * so the previous key can be dropped from TOKEN_ENCRYPTION_KEYS_PREVIOUS afterwards. Rows are
 * rewritten only if unchanged since read (a refresh meanwhile already wrote the current key).
 * Runs across all shops: an operator's command, not a request of one shop. When it completes it
 * retires the v1 format (no AAD): v1 values are refused afterwards (docs/decisions/0005).
 */
export async function reencryptAllTokens(db: PrismaClient, cipher: TokenCipher = tokenCipher()): Promise<ReencryptReport> {
  const report: ReencryptReport = { rewritten: 0, alreadyCurrent: 0, unreadable: [] };
  const rows = await db.freshbooksConnection.findMany({ orderBy: { shop: "asc" } });
  for (const row of rows) {
    if (!cipher.isStale(row.accessTokenEnc) && !cipher.isStale(row.refreshTokenEnc)) {
      report.alreadyCurrent += 1;
      continue;
    }
    try {
      await openToken(db, row, "access", cipher);
      await openToken(db, row, "refresh", cipher);
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      await markNeedsReconnect(db, row.shop, UNREADABLE_REASON);
      report.unreadable.push(row.shop);
      continue;
    }
    if (await reencryptRow(db, row, cipher)) report.rewritten += 1;
    else report.alreadyCurrent += 1;
  }
  // Every readable row is now v2 (the app never writes v1; a row changed meanwhile was written
  // by a refresh, in v2), so v1 is retired: from now on a v1 value is refused wherever it shows up.
  await db.appFlag.upsert({ where: { name: V1_RETIRED_FLAG }, create: { name: V1_RETIRED_FLAG }, update: {} });
  logger.info(
    { rewritten: report.rewritten, alreadyCurrent: report.alreadyCurrent, unreadable: report.unreadable.length },
    "FreshBooks tokens re-encrypted",
  );
  return report;
}
