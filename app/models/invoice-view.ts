import type { InvoiceInput } from "../freshbooks/types";
import { divideHalfUp, MoneyReader, parseDecimal, pow10 } from "../sync/mapping/money";

/**
 * An invoice as FreshBooks shows it, from what we sent: each line with its discount (our line
 * description names it; the unit price is already net of it) and its taxes, the subtotal, each
 * tax, an invoice discount, and the total, computed as FreshBooks does (docs/freshbooks-api.md:
 * amount = qty × unit cost; each line tax = amount × percent, half-up per line; a percent
 * discount comes off the pre-tax subtotal). Exact decimal strings, never floats.
 */
export interface InvoiceView {
  currency: string;
  lines: {
    name: string;
    /** Discount text, engraving, … as sent (one entry per line of the description). */
    notes: string[];
    qty: number;
    unitCost: string;
    amount: string;
    taxes: { name: string; percent: string; amount: string }[];
  }[];
  subtotal: string;
  /** An invoice-level percent discount, when there is one. */
  discount: { percent: string; amount: string } | null;
  /** Each tax (by name and rate) summed over the lines. */
  taxes: { name: string; percent: string; amount: string }[];
  total: string;
}

function percentOf(amountMinor: bigint, percent: string): bigint {
  const rate = parseDecimal(percent);
  if (!rate) return 0n;
  return divideHalfUp(amountMinor * rate.value, 100n * pow10(rate.scale));
}

export function invoiceView(invoice: Pick<InvoiceInput, "lines" | "discount_value" | "currency_code">): InvoiceView | null {
  if (!Array.isArray(invoice.lines)) return null;
  let reader: MoneyReader;
  try {
    reader = new MoneyReader(invoice.currency_code);
    let subtotal = 0n;
    const byTax = new Map<string, { name: string; percent: string; minor: bigint }>();
    const lines = invoice.lines.map((line) => {
      const amount = BigInt(Number.isSafeInteger(line.qty) ? line.qty : 0) * reader.minor(line.unit_cost.amount);
      subtotal += amount;
      const taxes = [
        [line.taxName1, line.taxAmount1],
        [line.taxName2, line.taxAmount2],
      ].flatMap(([name, percent]) => {
        if (!name || !percent) return [];
        const minor = percentOf(amount, percent);
        const key = `${name}|${percent}`;
        const sum = byTax.get(key) ?? { name, percent, minor: 0n };
        sum.minor += minor;
        byTax.set(key, sum);
        return [{ name, percent, amount: reader.format(minor) }];
      });
      return {
        name: line.name,
        notes: (line.description ?? "").split("\n").filter((text) => text.trim() !== ""),
        qty: line.qty,
        unitCost: line.unit_cost.amount,
        amount: reader.format(amount),
        taxes,
      };
    });
    const discountMinor = invoice.discount_value ? percentOf(subtotal, invoice.discount_value) : 0n;
    const taxMinor = [...byTax.values()].reduce((sum, tax) => sum + tax.minor, 0n);
    return {
      currency: invoice.currency_code,
      lines,
      subtotal: reader.format(subtotal),
      discount:
        discountMinor > 0n && invoice.discount_value ? { percent: invoice.discount_value, amount: reader.format(discountMinor) } : null,
      taxes: [...byTax.values()].map((tax) => ({ name: tax.name, percent: tax.percent, amount: reader.format(tax.minor) })),
      total: reader.format(subtotal - discountMinor + taxMinor),
    };
  } catch {
    // An amount we cannot read exactly: show nothing rather than a wrong invoice.
    return null;
  }
}
