import { createHash, timingSafeEqual } from "node:crypto";
import { Prisma, type PrismaClient } from "@prisma/client";
import { env } from "../env.server";

/** The row the crontab's worker-heartbeat task writes (app/jobs/tasks/worker-heartbeat.server.ts) and /healthz reads. */
export const WORKER_HEARTBEAT_ID = "worker";

/**
 * /healthz: a cheap public liveness answer (the database answers `select 1`), and details for
 * the operator (worker heartbeat, queue depth, orders failed in the last hour), which only a
 * monitor holding HEALTHZ_TOKEN or a request from this machine gets. No shop data either way.
 */
export type HealthAccess = "public" | "details" | "refused";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Details with the right bearer token, or from localhost. A request relayed by a proxy on this
 * machine arrives from a loopback address too: any forwarding header makes it not local. A
 * wrong token is refused (401), so a misconfigured monitor notices instead of reading "ok".
 */
export function healthAccess(request: Request, remoteAddress: string | undefined): HealthAccess {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const token = /^Bearer (.+)$/i.exec(authorization)?.[1]?.trim();
    if (!env.HEALTHZ_TOKEN || !token) return "refused";
    return timingSafeEqual(digest(token), digest(env.HEALTHZ_TOKEN)) ? "details" : "refused";
  }
  const local =
    remoteAddress !== undefined && LOOPBACK.has(remoteAddress) && FORWARDING_HEADERS.every((name) => !request.headers.has(name));
  return local ? "details" : "public";
}

export async function databaseAnswers(db: PrismaClient): Promise<void> {
  await db.$queryRaw`select 1`;
}

/**
 * Orders whose sync failed in the last hour. The literal status in the SQL (not a parameter)
 * lets PostgreSQL use the partial index order_sync (updated_at) WHERE status = 'failed' in
 * every plan, generic ones included.
 */
export function failedSinceQuery(since: Date): Prisma.Sql {
  return Prisma.sql`select count(*)::int as failed from order_sync where status = 'failed' and updated_at >= ${since}`;
}

export interface HealthDetails {
  worker: { lastHeartbeatAt: Date | null; secondsSinceHeartbeat: number | null; alive: boolean };
  queue: { ready: number; oldestReadySeconds: number };
  ordersFailedLastHour: number;
}

type QueueRow = { depth: bigint; oldest: Date | null };

async function readDetails(db: PrismaClient, now: Date): Promise<HealthDetails> {
  const [[queue], beat, [failed]] = await Promise.all([
    db.$queryRaw<QueueRow[]>`
      select count(*) as depth, min(run_at) as oldest
      from graphile_worker.jobs where locked_at is null and run_at <= now() and attempts < max_attempts`,
    db.workerHeartbeat.findUnique({ where: { id: WORKER_HEARTBEAT_ID } }),
    db.$queryRaw<{ failed: number }[]>(failedSinceQuery(new Date(now.getTime() - 3600_000))),
  ]);
  const heartbeatAge = beat ? Math.round((now.getTime() - beat.beatAt.getTime()) / 1000) : null;
  return {
    worker: {
      lastHeartbeatAt: beat?.beatAt ?? null,
      secondsSinceHeartbeat: heartbeatAge,
      alive: heartbeatAge !== null && heartbeatAge < 180,
    },
    queue: {
      ready: Number(queue?.depth ?? 0),
      oldestReadySeconds: queue?.oldest ? Math.max(0, Math.round((now.getTime() - queue.oldest.getTime()) / 1000)) : 0,
    },
    ordersFailedLastHour: failed?.failed ?? 0,
  };
}

let inFlight: Promise<HealthDetails> | null = null;

/** Monitors polling at once share one reading: 20 concurrent calls cost the database one set of queries. */
export function healthDetails(db: PrismaClient, now: Date): Promise<HealthDetails> {
  inFlight ??= readDetails(db, now).finally(() => {
    inFlight = null;
  });
  return inFlight;
}
