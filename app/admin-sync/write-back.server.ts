/**
 * Write-back (docs/shopify-admin-api.md §9): once an order's invoice exists, its FreshBooks
 * number and link are written onto the Shopify order — metafields in the app's namespace
 * (`$app`, keys freshbooks_invoice_number / freshbooks_invoice_url, shown read-only to staff through the toml's definitions) and a tag
 * "FreshBooks SHOP-1042" staff can search by. Needs the optional scope write_orders, asked for
 * when the merchant turns write-back on. Idempotent (both mutations upsert; a written order is
 * not written again) and never part of the sync: a failure is kept on the order, retried by its
 * own job, and the order stays synced.
 */
import type { PrismaClient } from "@prisma/client";
import { env } from "../env.server";
import type { Logger } from "../logger.server";
import { enqueue } from "../jobs/enqueue.server";
import { adminGraphql, AdminApiError, type AdminCallOptions } from "../shopify/admin-api.server";
import { orderGid } from "../shopify/order-reader.server";

export const WRITE_BACK_SCOPE = "write_orders";
export const METAFIELD_NAMESPACE = "$app";

const WRITE_BACK = `mutation FreshBooksWriteBack($metafields: [MetafieldsSetInput!]!, $id: ID!, $tags: [String!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message code } }
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;

type WriteBackAnswer = {
  metafieldsSet: { userErrors: { message: string }[] };
  tagsAdd: { userErrors: { message: string }[] };
};

export function writeBackTag(invoiceNumber: string): string {
  return `FreshBooks ${invoiceNumber}`;
}

export async function grantedScopes(db: PrismaClient, shop: string): Promise<string[]> {
  const [session] = await db.$queryRaw<
    { scope: string | null }[]
  >`select scope from "Session" where shop = ${shop} and "isOnline" = false limit 1`;
  return (session?.scope ?? "")
    .split(",")
    .map((scope) => scope.trim())
    .filter(Boolean);
}

/** Whether write-back is on for the shop and may run (the scope granted). */
export async function writeBackEnabled(db: PrismaClient, shop: string): Promise<boolean> {
  const settings = await db.orderFilterSettings.findUnique({ where: { shop }, select: { writeBack: true } });
  if (settings && !settings.writeBack) return false;
  return (await grantedScopes(db, shop)).includes(WRITE_BACK_SCOPE);
}

/** After a sync: queues the write-back when it is on, the scope granted, and not yet written. Never throws into the sync. */
export async function queueWriteBack(db: PrismaClient, shop: string, orderId: string, logger: Logger): Promise<void> {
  try {
    if (!(await writeBackEnabled(db, shop))) return;
    await enqueue(db, "write-back-order", { shop, orderId });
  } catch (error) {
    logger.warn({ shop, orderId, error: error instanceof Error ? error.message : String(error) }, "write-back not queued");
  }
}

export async function writeBackOrder(
  shop: string,
  orderId: string,
  deps: { db: PrismaClient; logger: Logger; admin?: AdminCallOptions },
): Promise<"written" | "skipped"> {
  const row = await deps.db.orderSync.findUnique({ where: { shop_orderId: { shop, orderId } } });
  if (!row?.invoiceNumber || row.writeBackAt || !(await writeBackEnabled(deps.db, shop))) return "skipped";
  const link =
    row.freshbooksAccountId && row.freshbooksInvoiceId
      ? `${env.FRESHBOOKS_WEB_URL}/#/invoice/${row.freshbooksAccountId}-${row.freshbooksInvoiceId}`
      : null;
  const ownerId = orderGid(orderId);
  const metafields = [
    { ownerId, namespace: METAFIELD_NAMESPACE, key: "freshbooks_invoice_number", type: "single_line_text_field", value: row.invoiceNumber },
    ...(link ? [{ ownerId, namespace: METAFIELD_NAMESPACE, key: "freshbooks_invoice_url", type: "url", value: link }] : []),
  ];
  try {
    const answer = await adminGraphql<WriteBackAnswer>(
      shop,
      WRITE_BACK,
      { metafields, id: ownerId, tags: [writeBackTag(row.invoiceNumber)] },
      deps.admin,
    );
    const problems = [...answer.metafieldsSet.userErrors, ...answer.tagsAdd.userErrors].map((problem) => problem.message);
    if (problems.length > 0) throw new AdminApiError(`Shopify did not accept the write-back: ${problems.join("; ")}`, "query", false);
    await deps.db.orderSync.update({ where: { shop_orderId: { shop, orderId } }, data: { writeBackAt: new Date(), writeBackError: null } });
    return "written";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.db.orderSync.update({
      where: { shop_orderId: { shop, orderId } },
      data: { writeBackError: `The invoice number was not written onto the Shopify order: ${message}` },
    });
    deps.logger.warn({ shop, orderId, error: message }, "write-back failed");
    if (error instanceof AdminApiError && !error.retryable) return "skipped";
    throw error; // its own job retries; the sync is not affected
  }
}
