import type { Prisma, PrismaClient } from "@prisma/client";

/** Queues one event again (its Retry, or its scheduled retry): the same job key, in the order's queue. */
export async function queueEvent(db: PrismaClient | Prisma.TransactionClient, shop: string, eventId: bigint, runAt?: Date): Promise<void> {
  await db.$executeRaw`
    select graphile_worker.add_job(
      identifier => 'order-event',
      payload => json_build_object('shop', shop, 'eventId', id::text),
      queue_name => 'order:' || shop || ':' || order_id,
      job_key => 'order-event:' || shop || ':' || id::text,
      job_key_mode => 'replace',
      run_at => ${runAt ?? null}::timestamptz,
      max_attempts => 10
    ) from order_event where shop = ${shop} and id = ${eventId}`;
}
