/**
 * Our prediction of what FreshBooks computes for an invoice (the `line-half-up` reading of
 * docs/freshbooks-api.md §14.1, equal to `discount-first` for our invoices, which carry no
 * invoice-level discount): each line's amount is qty × unit_cost; each line tax is amount ×
 * percent, rounded half-up to the currency's minor unit per line. Only a first guess, used to pick
 * lines that should come out right: the truth is the amount FreshBooks returns, which tie-out
 * checks and corrects (app/sync/tie-out.server.ts, §15).
 */
import type { InvoiceInput, InvoiceLineInput, Money } from "../../freshbooks/types";
import { divideHalfUp, MoneyReader, parseDecimal, pow10, type Decimal } from "./money";

function percentOf(amountMinor: bigint, percent: Decimal): bigint {
  return divideHalfUp(amountMinor * percent.value, 100n * pow10(percent.scale));
}

function parsePercent(text: string | undefined): Decimal | null {
  if (text === undefined || text === "") return null;
  const percent = parseDecimal(text);
  if (!percent) throw new RangeError(`tax percent "${text}" is not a decimal`);
  return percent;
}

export function lineTotalsMinor(line: InvoiceLineInput, reader: MoneyReader): { amount: bigint; tax: bigint } {
  if (!Number.isSafeInteger(line.qty) || line.qty < 0) throw new RangeError(`line "${line.name}" has a non-integral quantity`);
  const amount = BigInt(line.qty) * reader.minor(line.unit_cost.amount);
  const rate1 = parsePercent(line.taxAmount1);
  const rate2 = parsePercent(line.taxAmount2);
  return { amount, tax: (rate1 ? percentOf(amount, rate1) : 0n) + (rate2 ? percentOf(amount, rate2) : 0n) };
}

export function invoiceTotalMinor(invoice: Pick<InvoiceInput, "lines" | "discount_value">, reader: MoneyReader): bigint {
  let subtotal = 0n;
  let tax = 0n;
  for (const line of invoice.lines) {
    const totals = lineTotalsMinor(line, reader);
    subtotal += totals.amount;
    tax += totals.tax;
  }
  const discount = parsePercent(invoice.discount_value);
  return subtotal + tax - (discount ? percentOf(subtotal, discount) : 0n);
}

export function freshbooksInvoiceTotal(invoice: Omit<InvoiceInput, "customerid">, currency: string): Money {
  const reader = new MoneyReader(currency);
  return reader.money(invoiceTotalMinor(invoice, reader));
}
