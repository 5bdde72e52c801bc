import type { LoaderFunctionArgs } from "@remix-run/node";
import prisma from "../db.server";
import { previewInvoice, type InvoicePreviewData } from "../models/invoice-preview.server";
import { parseSettingsForm } from "../models/settings.server";
import { authenticate } from "../shopify.server";

/**
 * The invoice the Settings form's values (as typed, unsaved, in the query string) would create:
 * a GET that reads and never writes, so asking for a preview cannot change anything.
 */
export const loader = async ({ request }: LoaderFunctionArgs): Promise<InvoicePreviewData> => {
  const { session } = await authenticate.admin(request);
  const form = parseSettingsForm(Object.fromEntries(new URL(request.url).searchParams));
  if (!form.ok) return { ok: false, errors: form.errors };
  return previewInvoice(prisma, session.shop, form.value);
};
