/**
 * Shopify tax lines → FreshBooks per-line tax percentages. FreshBooks only takes a rate (a
 * decimal string, at most 3 decimals) and at most two taxes per line; it computes the amount.
 */
import type { ShopifyTaxLine } from "../../shopify/order-schema";
import { divideHalfUp, formatMinor, parseDecimal, pow10, type MoneyReader } from "./money";

export interface LineTax {
  name: string;
  /** Percent as FreshBooks wants it: "8.875". */
  percent: string;
}

const PERCENT_DECIMALS = 3;

/** The tax amount of a tax line in shop money. */
export function taxAmountMinor(tax: ShopifyTaxLine, reader: MoneyReader): bigint {
  return reader.minor(tax.price_set?.shop_money.amount ?? tax.price);
}

function rateText(rate: number | string): string {
  if (typeof rate === "string") return rate;
  // Shopify sends small fractions (0.08875); String() gives their shortest exact spelling.
  // A rate so small that JavaScript writes it with an exponent is below 0.001 % anyway.
  const text = String(rate);
  return /e/i.test(text) ? "0" : text;
}

/**
 * rate 0.08875 → "8.875". A rate with more than 3 percent decimals (e.g. 6.0625 %) is rounded
 * half-up to 3 — FreshBooks cannot hold more — and the invoice total is reconciled afterwards.
 * Returns null for a zero or unreadable rate.
 */
export function percentFromRate(rate: number | string | null | undefined): string | null {
  if (rate === null || rate === undefined) return null;
  const fraction = parseDecimal(rateText(rate));
  if (!fraction || fraction.value <= 0n) return null;
  // percent × 10^3 = fraction × 10^5
  const thousandths =
    fraction.scale <= PERCENT_DECIMALS + 2
      ? fraction.value * pow10(PERCENT_DECIMALS + 2 - fraction.scale)
      : divideHalfUp(fraction.value, pow10(fraction.scale - PERCENT_DECIMALS - 2));
  if (thousandths === 0n) return null;
  return formatMinor(thousandths, PERCENT_DECIMALS).replace(/\.?0+$/, "");
}

/**
 * The taxes FreshBooks should apply to a line: those Shopify actually charged (rate and amount
 * above zero — an exempt line can still carry a rate with a 0.00 amount) — and the sum of the
 * line's Shopify tax amounts.
 */
export function lineTaxes(taxLines: readonly ShopifyTaxLine[], reader: MoneyReader): { taxes: LineTax[]; amountMinor: bigint } {
  const taxes: LineTax[] = [];
  let amountMinor = 0n;
  for (const tax of taxLines) {
    const amount = taxAmountMinor(tax, reader);
    const percent = percentFromRate(tax.rate);
    amountMinor += amount;
    if (amount === 0n || percent === null) continue;
    const title = tax.title?.trim() || "Tax";
    // FreshBooks refuses the same tax name twice on a line (errno 1019).
    const name = taxes.some((other) => other.name === title) ? `${title} ${percent}%` : title;
    taxes.push({ name, percent });
  }
  return { taxes, amountMinor };
}
