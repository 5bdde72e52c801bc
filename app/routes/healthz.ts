import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { WORKER_HEARTBEAT_ID } from "../jobs/tasks/worker-heartbeat.server";

/**
 * For the operator (load balancer, uptime check): 200 when the database answers, 503 when not.
 * Also reports the worker's last heartbeat, the queue's depth and oldest waiting job, and orders
 * failed in the last hour. No shop data, no secrets.
 */
type QueueRow = { depth: bigint; oldest: Date | null };

export const loader = async (_args: LoaderFunctionArgs) => {
  const checkedAt = new Date();
  try {
    const [queue] = await prisma.$queryRaw<QueueRow[]>`
      select count(*) as depth, min(run_at) as oldest
      from graphile_worker.jobs where locked_at is null and run_at <= now() and attempts < max_attempts`;
    const beat = await prisma.workerHeartbeat.findUnique({ where: { id: WORKER_HEARTBEAT_ID } });
    const failedLastHour = await prisma.orderSync.count({
      where: { status: "failed", updatedAt: { gte: new Date(checkedAt.getTime() - 3600_000) } },
    });
    const heartbeatAge = beat ? Math.round((checkedAt.getTime() - beat.beatAt.getTime()) / 1000) : null;
    return Response.json(
      {
        status: "ok",
        database: "ok",
        worker: { lastHeartbeatAt: beat?.beatAt ?? null, secondsSinceHeartbeat: heartbeatAge, alive: heartbeatAge !== null && heartbeatAge < 180 },
        queue: {
          ready: Number(queue?.depth ?? 0),
          oldestReadySeconds: queue?.oldest ? Math.max(0, Math.round((checkedAt.getTime() - queue.oldest.getTime()) / 1000)) : 0,
        },
        ordersFailedLastHour: failedLastHour,
        checkedAt,
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch {
    return Response.json({ status: "error", database: "unreachable", checkedAt }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
};
