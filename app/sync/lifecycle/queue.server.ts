import { Prisma, type PrismaClient } from "@prisma/client";
import { addJobSql, fromRow } from "../../jobs/enqueue.server";

/**
 * The job of each `order_event` row a statement selects (columns `shop`, `id`, `order_id`): the
 * catalog's `order-event` (its key rule: one pending job per event), in the order's own queue so an
 * order's events run one at a time, in order (docs/decisions/0016).
 */
export function orderEventJobSql(shop: Prisma.Sql = Prisma.sql`shop`, runAt?: Date): Prisma.Sql {
  return addJobSql("order-event", fromRow("order-event", { shop, eventId: Prisma.sql`id` }), {
    queueName: Prisma.sql`'order:' || ${shop} || ':' || order_id`,
    runAt,
  });
}

/** Queues one event again (its Retry, or its scheduled retry): the same job key, in the order's queue. */
export async function queueEvent(db: PrismaClient | Prisma.TransactionClient, shop: string, eventId: bigint, runAt?: Date): Promise<void> {
  await db.$executeRaw`select ${orderEventJobSql(Prisma.sql`shop`, runAt)} from order_event where shop = ${shop} and id = ${eventId}`;
}
