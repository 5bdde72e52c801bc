/**
 * Order-level charges with no line of their own in the orders/create body: import duties and
 * additional fees (`*_total_duties_set`, `*_total_additional_fees_set`, shopify-app-platform.md
 * §4). Read from the loose order object, in shop money, as untaxed invoice lines.
 */
import { moneySetSchema, type ShopifyOrder } from "../../shopify/order-schema";
import type { LineGroup } from "./lines";
import type { MoneyReader } from "./money";

function amountMinor(order: ShopifyOrder, fields: string[], reader: MoneyReader): bigint {
  for (const field of fields) {
    const parsed = moneySetSchema.safeParse((order as Record<string, unknown>)[field]);
    if (parsed.success) return reader.minor(parsed.data.shop_money.amount);
  }
  return 0n;
}

export function chargeGroups(order: ShopifyOrder, reader: MoneyReader): LineGroup[] {
  const charges: LineGroup[] = [];
  const duties = amountMinor(order, ["original_total_duties_set", "current_total_duties_set"], reader);
  if (duties > 0n)
    charges.push({
      name: "Duties",
      description: "Import duties charged at checkout",
      qty: 1n,
      netMinor: duties,
      taxes: [],
      label: "Duties",
    });
  const fees = amountMinor(order, ["original_total_additional_fees_set", "current_total_additional_fees_set"], reader);
  if (fees > 0n)
    charges.push({
      name: "Additional fees",
      description: "Additional fees charged at checkout",
      qty: 1n,
      netMinor: fees,
      taxes: [],
      label: "Additional fees",
    });
  return charges;
}
