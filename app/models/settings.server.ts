import type { PrismaClient, ShopSettings } from "@prisma/client";
import { z } from "zod";
import { invoicePrefixSchema } from "./invoice-prefix";

export type Settings = Omit<ShopSettings, "updatedAt">;

export function defaultSettings(shop: string): Settings {
  return {
    shop,
    invoicePrefix: "SHOP-",
    dueOffsetDays: 0,
    clientStrategy: "per_customer",
    fallbackClientName: "Shopify customers",
    recordPayments: true,
    emailInvoices: false,
    syncLaterPayments: true,
    syncRefunds: true,
    syncCancellations: true,
    syncEdits: true,
    uninstalledAt: null,
  };
}

/** The shop's settings; the defaults until the merchant saves any. */
export async function getSettings(db: PrismaClient, shop: string): Promise<Settings> {
  return (await db.shopSettings.findUnique({ where: { shop } })) ?? defaultSettings(shop);
}

/** The invoice settings form: what a merchant may type, with messages that say how to fix it. */
export const settingsFormSchema = z
  .object({
    invoicePrefix: invoicePrefixSchema,
    dueTerms: z.enum(["0", "7", "15", "30", "60", "custom"], { error: "Choose payment terms." }),
    customDueDays: z.string().trim().optional(),
    clientStrategy: z.enum(["per_customer", "shared"], { error: "Choose how orders map to clients." }),
    fallbackClientName: z.string().trim().min(1, "Give the shared client a name.").max(100, "Use at most 100 characters."),
    recordPayments: z.enum(["on", "off"]).default("off"),
    emailInvoices: z.enum(["on", "off"]).default("off"),
  })
  .transform((form, ctx) => {
    let dueOffsetDays = Number(form.dueTerms);
    if (form.dueTerms === "custom") {
      const days = form.customDueDays ?? "";
      if (!/^\d{1,3}$/.test(days) || Number(days) > 365) {
        ctx.addIssue({ code: "custom", path: ["customDueDays"], message: "Enter a whole number of days from 0 to 365." });
        return z.NEVER;
      }
      dueOffsetDays = Number(days);
    }
    return {
      invoicePrefix: form.invoicePrefix,
      dueOffsetDays,
      clientStrategy: form.clientStrategy,
      fallbackClientName: form.fallbackClientName,
      recordPayments: form.recordPayments === "on",
      emailInvoices: form.emailInvoices === "on",
    };
  });

export type SettingsFormErrors = Partial<Record<string, string>>;

export function parseSettingsForm(
  form: Record<string, unknown>,
): { ok: true; value: z.output<typeof settingsFormSchema> } | { ok: false; errors: SettingsFormErrors } {
  const result = settingsFormSchema.safeParse(form);
  if (result.success) return { ok: true, value: result.data };
  const errors: SettingsFormErrors = {};
  for (const issue of result.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return { ok: false, errors };
}

export async function saveSettings(db: PrismaClient, shop: string, value: z.output<typeof settingsFormSchema>): Promise<Settings> {
  return db.shopSettings.upsert({ where: { shop }, create: { shop, ...value }, update: value });
}
