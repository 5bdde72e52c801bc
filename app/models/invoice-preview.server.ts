/**
 * "Preview your next invoice" (Settings): the FreshBooks invoice that the settings as typed — not
 * yet saved — would create for the store's most recent order, or for a sample order when the
 * store has none. It runs the sync's own mapping (app/sync/mapping) and the client rule of
 * app/sync/clients.server.ts, reads one order of this shop, and writes nothing anywhere.
 */
import type { PrismaClient } from "@prisma/client";
import type { InvoiceInput } from "../freshbooks/types";
import { shopifyOrderSchema, type ShopifyOrder } from "../shopify/order-schema";
import { mapOrder } from "../sync/mapping";
import { MoneyReader } from "../sync/mapping/money";
import { SAMPLE_ORDER } from "./invoice-preview-sample";
import type { Settings, SettingsFormErrors } from "./settings.server";

/** The settings the invoice depends on, as typed in the form. */
export type PreviewSettings = Pick<
  Settings,
  "invoicePrefix" | "dueOffsetDays" | "clientStrategy" | "fallbackClientName" | "recordPayments" | "emailInvoices"
>;

export interface InvoicePreview {
  /** Which order it is: the store's most recent one, or the built-in sample. */
  source: "order" | "sample";
  orderName: string;
  client: { shared: boolean; name: string; email: string | null; why: string };
  /** As the sync would post it (the client id is filled in by the sync). */
  invoice: InvoiceInput;
  /** What FreshBooks will total, Shopify's total, and FreshBooks minus Shopify when they differ. */
  freshbooksTotal: string;
  shopifyTotal: string;
  difference: string | null;
  /** The payment the sync would record (when "Record payments" is on and the order is paid). */
  payment: { amount: string; code: string; date: string; type: string } | null;
  /** The address FreshBooks would email the invoice to (when "Email each invoice" is on), as the sync does (steps.server.ts). */
  emailTo: string | null;
}

export type InvoicePreviewResult = { ok: true; preview: InvoicePreview } | { ok: false; orderName: string; reason: string };

/** What the preview route answers: the preview, or the form's own errors (nothing to preview). */
export type InvoicePreviewData = InvoicePreviewResult | { ok: false; errors: SettingsFormErrors };

/** The shop's most recent order that can be read (a redacted or unreadable payload is passed over). */
async function latestOrder(db: PrismaClient, shop: string): Promise<ShopifyOrder | null> {
  const rows = await db.orderSync.findMany({
    where: { shop, redactedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 5,
    select: { payload: true },
  });
  for (const row of rows) {
    const parsed = shopifyOrderSchema.safeParse(row.payload);
    if (parsed.success) return parsed.data;
  }
  return null;
}

function clientName(client: { fname?: string; lname?: string; organization?: string; email?: string }): string {
  return [client.fname, client.lname].filter(Boolean).join(" ") || client.organization || client.email || "";
}

export async function previewInvoice(db: PrismaClient, shop: string, settings: PreviewSettings): Promise<InvoicePreviewResult> {
  const found = await latestOrder(db, shop);
  const order = found ?? SAMPLE_ORDER;
  // A test order or one a filter skips would still get this invoice once sent by hand.
  const mapping = mapOrder(order, {
    invoicePrefix: settings.invoicePrefix,
    dueOffsetDays: settings.dueOffsetDays,
    shopDomain: shop,
    sendDespiteFilter: true,
  });
  if (!mapping.ok) return { ok: false, orderName: order.name, reason: mapping.reason };
  const mapped = mapping.order;
  const shared = settings.clientStrategy === "shared" || mapped.customer === null;
  const client = shared
    ? {
        shared,
        name: settings.fallbackClientName,
        email: null,
        why:
          settings.clientStrategy === "shared"
            ? "Every order goes to your one shared client."
            : "This order has neither a customer nor an email, so it goes to your shared client.",
      }
    : {
        shared,
        name: clientName(mapped.customer!.client),
        email: mapped.customer!.email,
        why: "The customer's own client (created with the first order, then reused).",
      };
  const reader = new MoneyReader(mapped.currency);
  const gap = reader.minor(mapped.expectedFreshBooksTotal.amount) - reader.minor(mapped.shopifyTotal.amount);
  const payment =
    settings.recordPayments && mapped.payment
      ? { amount: mapped.payment.amount.amount, code: mapped.payment.amount.code, date: mapped.payment.date, type: mapped.payment.type }
      : null;
  return {
    ok: true,
    preview: {
      source: found ? "order" : "sample",
      orderName: order.name,
      client,
      invoice: { ...mapped.invoice, customerid: 0 },
      freshbooksTotal: mapped.expectedFreshBooksTotal.amount,
      shopifyTotal: mapped.shopifyTotal.amount,
      difference: gap === 0n ? null : reader.format(gap),
      payment,
      emailTo: settings.emailInvoices ? (mapped.customer?.email ?? null) : null,
    },
  };
}
