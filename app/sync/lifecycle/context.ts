/** What every lifecycle step works with: the event, its order's sync record, FreshBooks, and how to record progress. */
import type { OrderEvent, OrderSync, Prisma, PrismaClient } from "@prisma/client";
import type { FreshBooksClient } from "../../freshbooks/client.server";
import type { Logger } from "../../logger.server";
import type { Settings } from "../../models/settings.server";
import { MoneyReader } from "../mapping/money";

export interface StepContext {
  db: PrismaClient;
  logger: Logger;
  fb: FreshBooksClient;
  event: OrderEvent;
  order: OrderSync & { freshbooksInvoiceId: number };
  settings: Settings;
  reader: MoneyReader;
  now: () => Date;
  /** Commits what is about to be written, before the FreshBooks request (looked up before any retry). */
  recordIntent(intent: object, extra?: Prisma.OrderEventUpdateManyMutationInput): Promise<void>;
}

/** What a step ends with: the event's final state, in the merchant's words. */
export interface StepOutcome {
  status: "done" | "ignored";
  action: "payment" | "credit_note" | "cancel" | "edit" | "none";
  reason: string;
  freshbooksId?: number | null;
  freshbooksNumber?: string | null;
  recordedAmount?: string | null;
}

export function readerFor(order: OrderSync): MoneyReader {
  return new MoneyReader(order.currency);
}

/** The events of this order (this shop only), oldest first. */
export function orderEvents(db: PrismaClient, shop: string, orderId: string): Promise<OrderEvent[]> {
  return db.orderEvent.findMany({ where: { shop, orderId }, orderBy: { id: "asc" } });
}

/** "2026-11-30T10:00:00-05:00" → "2026-11-30" (the date as Shopify wrote it, in the shop's zone). */
export function leadingDate(stamp: string | null | undefined, fallback: Date): string {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(stamp ?? "");
  return match?.[1] ?? fallback.toISOString().slice(0, 10);
}
