import type { Task } from "graphile-worker";
import prisma from "../../db.server";
import { env } from "../../env.server";
import { logger } from "../../logger.server";
import { purgeExpiredData } from "../../privacy/retention.server";
import { parsePayload } from "../catalog";

/** Daily from the crontab: deletes what is past its retention period (docs/decisions/0007). */
export const purgeExpiredDataTask: Task = async (payload) => {
  parsePayload("purge-expired-data", payload);
  const report = await purgeExpiredData(prisma, {
    orderSnapshotDays: env.RETENTION_ORDER_SNAPSHOT_DAYS,
    dataRequestDays: env.RETENTION_DATA_REQUEST_DAYS,
    oauthStateDays: env.RETENTION_OAUTH_STATE_DAYS,
  });
  logger.info({ ...report }, "expired data purged");
};
