import type { Prisma } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { previewInvoice, type InvoicePreviewData } from "../app/models/invoice-preview.server";
import { invoiceView } from "../app/models/invoice-view";
import { defaultSettings } from "../app/models/settings.server";
import { loader } from "../app/routes/app.invoice-preview";
import { orderFixture, usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, sessionToken, TEST_SHOP } from "./helpers/shopify";
import { resetSyncTables } from "./helpers/sync";
import { TEST_SHOPIFY } from "./test-env";

const OTHER_SHOP = "another-shop.myshopify.com";

/** The Settings form as the page sends it for a preview (typed, not saved). */
const form = (overrides: Record<string, string> = {}) => ({
  invoicePrefix: "ACME-",
  dueTerms: "15",
  customDueDays: "",
  clientStrategy: "per_customer",
  fallbackClientName: "Shopify customers",
  recordPayments: "on",
  emailInvoices: "off",
  ...overrides,
});

async function preview(values: Record<string, string>): Promise<InvoicePreviewData> {
  const url = `${TEST_SHOPIFY.appUrl}/app/invoice-preview?${new URLSearchParams(values)}`;
  return loader(routeArgs(new Request(url, { headers: { Authorization: `Bearer ${sessionToken()}` } })));
}

async function storeOrder(
  shop: string,
  order: Record<string, unknown> & { id: number; name: string; order_number: number },
  createdAt: Date,
) {
  await prisma.orderSync.create({
    data: {
      shop,
      orderId: String(order.id),
      orderName: order.name,
      orderNumber: order.order_number,
      totalPrice: String(order.total_price),
      currency: "USD",
      status: "synced",
      payload: order as Prisma.InputJsonValue,
      createdAt,
    },
  });
}

beforeEach(async () => {
  await resetSyncTables();
  await seedOfflineSession(process.env.DATABASE_URL!);
});

describe("Preview your next invoice", () => {
  it("shows the store's most recent order as the typed, unsaved settings would invoice it, and saves nothing", async () => {
    await storeOrder(TEST_SHOP, usOrder(1001), new Date("2026-12-01T10:00:00Z"));
    await storeOrder(TEST_SHOP, usOrder(1002), new Date("2026-12-01T11:00:00Z"));
    // Another store's newer order is never shown.
    await storeOrder(OTHER_SHOP, usOrder(1003), new Date("2026-12-01T12:00:00Z"));

    const result = await preview(form());
    if (!result.ok) throw new Error(JSON.stringify(result));
    const { preview: p } = result;
    expect(p.source).toBe("order");
    expect(p.orderName).toBe("#1002");
    expect(p.invoice.invoice_number).toBe("ACME-1002");
    expect(p.invoice.due_offset_days).toBe(15);
    expect(p.client).toMatchObject({ shared: false, name: "Jane Doe", email: "jane.doe@example.com" });
    expect(p.payment).toMatchObject({ amount: "49.10", type: "Credit Card" });
    expect(p.emailTo).toBeNull();

    // What the card draws: each line with its discount and tax, subtotal, each tax, total; it ties out.
    const view = invoiceView(p.invoice)!;
    expect(
      view.lines.map((line) => [line.name, line.qty, line.amount, line.taxes.map((tax) => `${tax.name} ${tax.percent}% ${tax.amount}`)]),
    ).toEqual([
      ["Product A", 2, "18.00", ["NY State Tax 8.875% 1.60"]],
      ["Product B", 1, "22.50", ["NY State Tax 8.875% 2.00"]],
      ["Shipping: Standard", 1, "5.00", []],
    ]);
    expect(view.lines[0]!.notes.join(" ")).toMatch(/SAVE10/);
    expect(view.subtotal).toBe("45.50");
    expect(view.taxes).toEqual([{ name: "NY State Tax", percent: "8.875", amount: "3.60" }]);
    expect(view.total).toBe("49.10");
    expect(p.freshbooksTotal).toBe("49.10");
    expect(p.shopifyTotal).toBe("49.10");
    expect(p.difference).toBeNull();

    // Nothing was written: the settings are still unsaved.
    expect(await prisma.shopSettings.count()).toBe(0);
  });

  it("follows each setting: shared client, no payment, email, custom terms", async () => {
    await storeOrder(TEST_SHOP, usOrder(1001), new Date("2026-12-01T10:00:00Z"));
    const result = await preview(
      form({
        invoicePrefix: "INV/",
        clientStrategy: "shared",
        fallbackClientName: "Web shop",
        recordPayments: "off",
        emailInvoices: "on",
        dueTerms: "custom",
        customDueDays: "45",
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.preview.invoice.invoice_number).toBe("INV/1001");
    expect(result.preview.invoice.due_offset_days).toBe(45);
    expect(result.preview.client).toMatchObject({ shared: true, name: "Web shop", email: null });
    expect(result.preview.payment).toBeNull();
    expect(result.preview.emailTo).toBe("jane.doe@example.com");
  });

  it("sends an order with neither customer nor email to the shared client even per customer", async () => {
    await storeOrder(TEST_SHOP, orderFixture("jp-pos-guest") as never, new Date("2026-12-01T10:00:00Z"));
    const result = await previewInvoice(prisma, TEST_SHOP, { ...defaultSettings(TEST_SHOP), fallbackClientName: "Walk-in" });
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.preview.client).toMatchObject({ shared: true, name: "Walk-in" });
    expect(result.preview.client.why).toMatch(/neither a customer nor an email/);
  });

  it("uses the built-in sample for a store with no orders (another store's orders do not count)", async () => {
    await storeOrder(OTHER_SHOP, usOrder(1003), new Date("2026-12-01T12:00:00Z"));
    const result = await preview(form({ invoicePrefix: "NEW-" }));
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.preview.source).toBe("sample");
    expect(result.preview.invoice.invoice_number).toBe("NEW-1001");
    expect(invoiceView(result.preview.invoice)!.total).toBe("49.10");
    expect(result.preview.shopifyTotal).toBe("49.10");
    expect(result.preview.difference).toBeNull();
  });

  it("answers an invalid prefix with the form's own error, never an invoice", async () => {
    const result = await preview(form({ invoicePrefix: "MY SHOP" }));
    expect(result).toEqual({ ok: false, errors: { invoicePrefix: "Use letters, digits and - _ . / only (no spaces)." } });
  });
});
