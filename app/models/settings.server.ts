import type { PrismaClient, ShopSettings } from "@prisma/client";

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
    uninstalledAt: null,
  };
}

/** The shop's settings; the defaults until the merchant saves any. */
export async function getSettings(db: PrismaClient, shop: string): Promise<Settings> {
  return (await db.shopSettings.findUnique({ where: { shop } })) ?? defaultSettings(shop);
}
