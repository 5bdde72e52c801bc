/**
 * Whether an invoice number we are about to use could already exist in FreshBooks. FreshBooks
 * may allow duplicate numbers, or refuse them in words we do not recognise
 * (docs/freshbooks-api.md §14.3), so we look the number up first whenever someone else could
 * have used it: the first invoice of this shop in this FreshBooks account, the first after a
 * prefix change, or always when another store is connected to the same account. (A retry after
 * a recorded intent always looks: invoice.server.ts.) The normal path — a shop alone on its
 * account, already invoicing with its prefix — costs two indexed queries and no FreshBooks call.
 */
import type { PrismaClient } from "@prisma/client";

export async function numberCouldExist(db: PrismaClient, shop: string, accountId: string, prefix: string): Promise<boolean> {
  const sharing = await db.freshbooksConnection.count({ where: { accountId, shop: { not: shop } } });
  if (sharing > 0) return true;
  const latest = await db.orderSync.findFirst({
    where: { shop, freshbooksAccountId: accountId, freshbooksInvoiceId: { not: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { invoiceNumber: true },
  });
  return !latest?.invoiceNumber?.startsWith(prefix);
}
