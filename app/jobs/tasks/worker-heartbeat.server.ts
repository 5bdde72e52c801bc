import type { Task } from "graphile-worker";
import prisma from "../../db.server";
import { WORKER_HEARTBEAT_ID } from "../../models/health.server";
import { parsePayload } from "../catalog";

export { WORKER_HEARTBEAT_ID };

/** Runs every minute from the crontab: proves that a worker is alive and taking jobs. */
export const workerHeartbeat: Task = async (payload) => {
  parsePayload("worker-heartbeat", payload);
  const now = new Date();
  await prisma.workerHeartbeat.upsert({
    where: { id: WORKER_HEARTBEAT_ID },
    create: { id: WORKER_HEARTBEAT_ID, beatAt: now },
    update: { beatAt: now },
  });
};
