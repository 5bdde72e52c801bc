import type { PrismaClient } from "@prisma/client";
import { freshbooksFor } from "../freshbooks/connection.server";
import { FreshBooksReconnectRequiredError } from "../freshbooks/errors";
import type { Logger } from "../logger.server";
import { freshbooksFailure } from "./pipeline.server";

export type ResendOutcome = "sent" | "not_found" | "nothing_to_send" | "reconnect" | "failed";

/**
 * The merchant's "Send the invoice email" for a synced order whose email failed. Only on the
 * merchant's request, and only while the order still says the email failed (a second click
 * after a success finds nothing to send). The request is recorded before it is made, as in the
 * pipeline; a failure keeps the order's "email not sent" with FreshBooks' new answer.
 */
export async function resendInvoiceEmail(
  shop: string,
  id: bigint,
  deps: { db: PrismaClient; logger: Logger; now?: () => Date },
): Promise<ResendOutcome> {
  const order = await deps.db.orderSync.findFirst({ where: { shop, id } });
  if (!order) return "not_found";
  const recipient = order.customerEmail;
  if (order.statusCause !== "email_failed" || order.freshbooksInvoiceId === null || !recipient) return "nothing_to_send";
  // Only the email still to send claims the order: two clicks at once send one email.
  const claimed = await deps.db.orderSync.updateMany({
    where: { shop, id, statusCause: "email_failed" },
    data: { statusCause: null, emailRequestedAt: deps.now?.() ?? new Date() },
  });
  if (claimed.count === 0) return "nothing_to_send";
  const stillFailed = (detail: string) =>
    deps.db.orderSync.update({ where: { id }, data: { statusCause: "email_failed", statusDetail: detail } });
  try {
    const fb = await freshbooksFor(shop, deps);
    if (fb.accountId !== order.freshbooksAccountId) {
      await stillFailed("The invoice is in another FreshBooks business than the one connected now.");
      return "nothing_to_send";
    }
    await fb.invoices.email(order.freshbooksInvoiceId, [recipient]);
  } catch (error) {
    deps.logger.warn({ shop, orderId: order.orderId, ...freshbooksFailure(error) }, "invoice email not sent");
    await stillFailed(error instanceof Error ? error.message : String(error));
    return error instanceof FreshBooksReconnectRequiredError ? "reconnect" : "failed";
  }
  // Sent: what remains to say is the difference, if there is one.
  await deps.db.orderSync.update({
    where: { id },
    data: order.difference
      ? { statusCause: "total_difference", statusDetail: null }
      : { statusCause: null, statusDetail: null, statusReason: null },
  });
  deps.logger.info({ shop, orderId: order.orderId }, "invoice email sent on request");
  return "sent";
}
