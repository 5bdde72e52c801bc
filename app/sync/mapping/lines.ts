/**
 * Shopify line items, shipping lines and tips → FreshBooks invoice lines. Every amount is the net
 * money Shopify charged for that line (after its discount allocations, and without tax when
 * prices include tax), so FreshBooks, which adds tax on top, lands on Shopify's total.
 */
import type { InvoiceLineInput } from "../../freshbooks/types";
import type {
  ShopifyDiscountAllocation,
  ShopifyLineItem,
  ShopifyMoneySet,
  ShopifyOrder,
  ShopifyShippingLine,
} from "../../shopify/order-schema";
import type { MoneyReader } from "./money";
import { UnsupportedOrder } from "./problems";
import { lineTaxes, type LineTax } from "./taxes";
import { LINE_DESCRIPTION_MAX, LINE_NAME_MAX, present, splitToFit } from "./text";

/** One Shopify charge before it is written as one or two FreshBooks lines. */
export interface LineGroup {
  name: string;
  description: string | null;
  qty: bigint;
  /** Net total of the group in minor units: what FreshBooks should see as Σ qty × unit_cost. */
  netMinor: bigint;
  taxes: LineTax[];
  /** What to call it in a message to the merchant. */
  label: string;
  /** A Shopify line item (may be folded into a summary line when an invoice runs out of lines). */
  foldable?: boolean;
  /**
   * Minor units of tax rounding this group may carry: one per tax per Shopify line it stands
   * for (a summary line stands for many). Default: one per tax per invoice line it renders as.
   */
  roundingUnits?: bigint;
}

/** FreshBooks takes two taxes per line (taxName1/2). */
const MAX_TAXES_PER_LINE = 2;

export function shopAmount(set: ShopifyMoneySet | undefined, fallback: string): string {
  return set?.shop_money.amount ?? fallback;
}

function discountLines(
  allocations: readonly ShopifyDiscountAllocation[],
  order: ShopifyOrder,
  reader: MoneyReader,
): { total: bigint; text: string[] } {
  let total = 0n;
  const text: string[] = [];
  for (const allocation of allocations) {
    const amount = reader.minor(shopAmount(allocation.amount_set, allocation.amount));
    if (amount === 0n) continue;
    total += amount;
    const application =
      allocation.discount_application_index === undefined ? undefined : order.discount_applications[allocation.discount_application_index];
    const label = present(application?.code) ?? present(application?.title) ?? present(application?.description);
    text.push(`Discount${label ? ` ${label}` : ""}: -${reader.format(amount)}`);
  }
  return { total, text };
}

function propertyLines(item: ShopifyLineItem): string[] {
  // Names starting with "_" are private to the storefront (Shopify convention), not for the buyer.
  return (item.properties ?? [])
    .filter((property) => !property.name.startsWith("_") && (typeof property.value === "string" || typeof property.value === "number"))
    .map((property) => `${property.name}: ${String(property.value)}`);
}

function taxesFor(label: string, taxLines: ShopifyLineItem["tax_lines"], reader: MoneyReader): { taxes: LineTax[]; amountMinor: bigint } {
  const result = lineTaxes(taxLines, reader);
  if (result.taxes.length > MAX_TAXES_PER_LINE) {
    const names = result.taxes.map((tax) => tax.name).join(", ");
    throw new UnsupportedOrder(
      `"${label}" is charged ${result.taxes.length} taxes (${names}); FreshBooks allows at most ${MAX_TAXES_PER_LINE} taxes per invoice line, so the invoice cannot show them correctly.`,
    );
  }
  return result;
}

function netOf(label: string, grossMinor: bigint, taxMinor: bigint, taxesIncluded: boolean): bigint {
  const net = taxesIncluded ? grossMinor - taxMinor : grossMinor;
  if (net < 0n) throw new UnsupportedOrder(`"${label}" comes to a negative amount after discounts; FreshBooks lines cannot be negative.`);
  return net;
}

function itemGroup(item: ShopifyLineItem, order: ShopifyOrder, reader: MoneyReader): LineGroup {
  const qty = BigInt(item.quantity);
  const gross = qty * reader.minor(shopAmount(item.price_set, item.price));
  const discounts = discountLines(item.discount_allocations, order, reader);
  // A gift card sold is a liability, not a taxable sale: never taxed.
  const { taxes, amountMinor } = item.gift_card ? { taxes: [], amountMinor: 0n } : taxesFor(item.title, item.tax_lines, reader);
  const details = [
    present(item.variant_title),
    present(item.sku) ? `SKU ${present(item.sku)}` : null,
    item.gift_card ? "Gift card" : null,
    ...propertyLines(item),
    ...discounts.text,
  ].filter((part): part is string => part !== null);
  return {
    name: item.title,
    description: details.length > 0 ? details.join("\n") : null,
    qty,
    netMinor: netOf(item.title, gross - discounts.total, amountMinor, order.taxes_included),
    taxes,
    label: item.title,
    foldable: true,
  };
}

function shippingGroup(line: ShopifyShippingLine, order: ShopifyOrder, reader: MoneyReader): LineGroup {
  const title = present(line.title) ?? present(line.code) ?? "Shipping";
  const name = `Shipping: ${title}`;
  const discounts = discountLines(line.discount_allocations, order, reader);
  const { taxes, amountMinor } = taxesFor(name, line.tax_lines, reader);
  const gross = reader.minor(shopAmount(line.price_set, line.price));
  return {
    name,
    description: discounts.text.length > 0 ? discounts.text.join("\n") : null,
    qty: 1n,
    netMinor: netOf(name, gross - discounts.total, amountMinor, order.taxes_included),
    taxes,
    label: name,
  };
}

/** Every charge of the order, in invoice order: items, shipping, tip. */
export function orderGroups(order: ShopifyOrder, reader: MoneyReader): LineGroup[] {
  const groups = order.line_items.map((item) => itemGroup(item, order, reader));
  for (const line of order.shipping_lines) {
    if (line.is_removed !== true) groups.push(shippingGroup(line, order, reader));
  }
  // total_tip_received is in the shop currency (no *_set twin exists for it).
  const tip = order.total_tip_received ? reader.minor(order.total_tip_received) : 0n;
  if (tip > 0n) groups.push({ name: "Tip", description: null, qty: 1n, netMinor: tip, taxes: [], label: "Tip" });
  return groups;
}

function lineText(group: LineGroup): { name: string; description?: string } {
  const { head, overflow } = splitToFit(group.name, LINE_NAME_MAX);
  const description = [overflow, group.description].filter((part): part is string => part !== null).join("\n");
  if (description.length > LINE_DESCRIPTION_MAX) {
    throw new UnsupportedOrder(
      `The name and details of "${Array.from(group.label).slice(0, 60).join("")}…" are ${description.length} characters long; FreshBooks accepts ${LINE_DESCRIPTION_MAX}, and we do not cut text off.`,
    );
  }
  return description === "" ? { name: head } : { name: head, description };
}

/**
 * Writes a group as FreshBooks lines with whole quantities and unit costs in the minor unit.
 * When the net total does not divide by the quantity, the line is split in two — (q − r) at u
 * and r at u + 1 — so that no minor unit is lost.
 */
export function groupLines(group: LineGroup, reader: MoneyReader): InvoiceLineInput[] {
  const text = lineText(group);
  const [tax1, tax2] = group.taxes;
  const taxFields = {
    ...(tax1 ? { taxName1: tax1.name, taxAmount1: tax1.percent } : {}),
    ...(tax2 ? { taxName2: tax2.name, taxAmount2: tax2.percent } : {}),
  };
  const line = (qty: bigint, unitMinor: bigint): InvoiceLineInput => ({
    type: 0,
    ...text,
    qty: Number(qty),
    unit_cost: reader.money(unitMinor),
    ...taxFields,
  });
  if (group.qty === 0n) return [line(0n, group.netMinor)];
  const unit = group.netMinor / group.qty;
  const remainder = group.netMinor % group.qty;
  if (remainder === 0n) return [line(group.qty, unit)];
  return [line(group.qty - remainder, unit), line(remainder, unit + 1n)];
}
