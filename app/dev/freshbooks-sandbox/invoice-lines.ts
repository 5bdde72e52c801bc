/** Invoice line validation and exact totals (docs/freshbooks-api.md §5). */
import type { ClassicErrorItem } from "./http";
import { isObject } from "./http";
import type { Dialect } from "./dialect";
import { currencyDigits, divideHalfUp, parseDecimal, percentOf, toMinorUnits, type Decimal } from "./money";
import type { LineRecord } from "./state";

/**
 * Limits FreshBooks does not document (UNCONFIRMED, docs/freshbooks-api.md §5); the sandbox enforces these with
 * errno 1017 MaxLengthExceeded so a client learns to truncate: line `name` 255 characters,
 * `description` 2000, at most 100 lines per invoice.
 */
export const LINE_NAME_MAX = 255;
export const LINE_DESCRIPTION_MAX = 2000;
export const MAX_LINES = 100;

export const PERCENT_MESSAGE = "Percent values should be strings formatted as decimals";
const TOO_LONG = "The request, or a line in the request, was too long.";
/** Tax rates are percentages "up to 3 decimal places" (docs/freshbooks-api.md §5). */
const PERCENT = /^\d{1,3}(\.\d{1,3})?$/;

export type ParsedLine = Omit<LineRecord, "lineid" | "updated">;

function lineError(index: number, errno: number, field: string, message: string, value: unknown): ClassicErrorItem {
  return { errno, field: `lines[${index}].${field}`, object: "line", message, value: value === undefined ? "" : String(value) };
}

/**
 * Parses a percent written as a decimal string; "" / null / absent mean no tax. With
 * `numbers` (the taxAmounts dialect, docs/freshbooks-api.md §14.6) a JSON number is taken too.
 */
export function parsePercent(value: unknown, numbers = false): Decimal | null | "invalid" {
  if (value === undefined || value === null || value === "") return null;
  if (numbers && typeof value === "number" && Number.isFinite(value) && value >= 0) return parsePercent(String(value));
  if (typeof value !== "string" || !PERCENT.test(value)) return "invalid";
  const parsed = parseDecimal(value);
  return parsed ?? "invalid";
}

function rateText(value: unknown): string | null {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

function optionalText(value: unknown): string | null | "invalid" {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : "invalid";
}

/**
 * Validates one line and computes its amount and tax in minor units. `qty` must be a whole
 * number (number or string): FreshBooks' precision for fractional quantities is UNCONFIRMED
 * (docs/freshbooks-api.md §13), so the sandbox refuses fractions. Negative `unit_cost` is UNCONFIRMED
 * and refused; `unit_cost.amount` must be a string with at most the currency's minor digits.
 * Each tax is rounded half-up to the minor unit per line; a compounded second tax applies to
 * amount + first tax.
 */
export function parseLine(input: unknown, index: number, currency: string, numericRates = false): ParsedLine | ClassicErrorItem[] {
  if (!isObject(input)) return [lineError(index, 1004, "line", "Each line must be an object.", "")];
  const errors: ClassicErrorItem[] = [];
  const rawType = input.type ?? 0;
  const type = rawType === 1 ? 1 : 0;
  if (rawType !== 0 && rawType !== 1) errors.push(lineError(index, 1004, "type", "Invalid value for field type.", rawType));
  if (type === 1 && input.expenseid === undefined) errors.push(lineError(index, 1001, "expenseid", "Field expenseid is required.", ""));
  const name = optionalText(input.name);
  const description = optionalText(input.description);
  if (name === "invalid") errors.push(lineError(index, 1004, "name", "Invalid value for field name.", input.name));
  else if ((name ?? "").length > LINE_NAME_MAX) errors.push(lineError(index, 1017, "name", TOO_LONG, name));
  if (description === "invalid")
    errors.push(lineError(index, 1004, "description", "Invalid value for field description.", input.description));
  else if ((description ?? "").length > LINE_DESCRIPTION_MAX) errors.push(lineError(index, 1017, "description", TOO_LONG, description));

  let qty: bigint | null = null;
  const rawQty = input.qty;
  if (rawQty === undefined || rawQty === null || rawQty === "") errors.push(lineError(index, 1001, "qty", "Field qty is required.", ""));
  else if (typeof rawQty === "number" && Number.isSafeInteger(rawQty) && rawQty >= 0) qty = BigInt(rawQty);
  else if (typeof rawQty === "string" && /^\d+$/.test(rawQty)) qty = BigInt(rawQty);
  else errors.push(lineError(index, 1004, "qty", "Quantity must be a whole number.", rawQty));

  let unitCostMinor: bigint | null = null;
  const unitCost = input.unit_cost;
  if (!isObject(unitCost)) errors.push(lineError(index, 1001, "unit_cost", "Field unit_cost is required.", ""));
  else {
    const amount = typeof unitCost.amount === "string" ? parseDecimal(unitCost.amount) : null;
    const minor = amount ? toMinorUnits(amount, currencyDigits(currency)) : null;
    if (minor === null || minor < 0n) {
      errors.push(lineError(index, 1004, "unit_cost", "Invalid value for field unit_cost.amount.", unitCost.amount));
    } else unitCostMinor = minor;
    if (unitCost.code !== undefined && unitCost.code !== currency) {
      // Mixed currencies: behaviour UNCONFIRMED; the sandbox refuses them.
      errors.push(lineError(index, 1004, "unit_cost", `Currency code must match the invoice currency ${currency}.`, unitCost.code));
    }
  }

  const taxName1 = optionalText(input.taxName1);
  const taxName2 = optionalText(input.taxName2);
  const rate1 = parsePercent(input.taxAmount1, numericRates);
  const rate2 = parsePercent(input.taxAmount2, numericRates);
  if (rate1 === "invalid") errors.push(lineError(index, 1018, "taxAmount1", PERCENT_MESSAGE, input.taxAmount1));
  if (rate2 === "invalid") errors.push(lineError(index, 1018, "taxAmount2", PERCENT_MESSAGE, input.taxAmount2));
  if (taxName1 === "invalid") errors.push(lineError(index, 1004, "taxName1", "Invalid value for field taxName1.", input.taxName1));
  if (taxName2 === "invalid") errors.push(lineError(index, 1004, "taxName2", "Invalid value for field taxName2.", input.taxName2));
  if (typeof taxName1 === "string" && taxName1 !== "" && taxName1 === taxName2) {
    errors.push(lineError(index, 1019, "taxName2", "The same tax cannot be applied twice to a line.", taxName2));
  }
  const compounded = input.compounded_tax === true;
  if (errors.length > 0 || qty === null || unitCostMinor === null) return errors;
  if (rate1 === "invalid" || rate2 === "invalid" || taxName1 === "invalid" || taxName2 === "invalid") return errors;
  if (name === "invalid" || description === "invalid") return errors;

  const amountMinor = qty * unitCostMinor;
  const tax1 = rate1 ? percentOf(amountMinor, rate1) : 0n;
  const tax2 = rate2 ? percentOf(compounded ? amountMinor + tax1 : amountMinor, rate2) : 0n;
  return {
    type,
    name: name ?? "",
    description: description ?? "",
    qty,
    unitCostMinor,
    taxName1,
    taxAmount1: rateText(input.taxAmount1),
    taxName2,
    taxAmount2: rateText(input.taxAmount2),
    compoundedTax: compounded,
    amountMinor,
    taxMinor: tax1 + tax2,
  };
}

export type LinesResult = { ok: true; lines: ParsedLine[] } | { ok: false; errors: ClassicErrorItem[] };

export function parseLines(input: unknown, currency: string, numericRates = false): LinesResult {
  if (!Array.isArray(input)) {
    return { ok: false, errors: [{ errno: 1004, field: "lines", object: "invoice", message: "Field lines must be a list.", value: "" }] };
  }
  if (input.length > MAX_LINES) {
    return { ok: false, errors: [{ errno: 1017, field: "lines", object: "invoice", message: TOO_LONG, value: String(input.length) }] };
  }
  const lines: ParsedLine[] = [];
  const errors: ClassicErrorItem[] = [];
  input.forEach((raw, index) => {
    const parsed = parseLine(raw, index, currency, numericRates);
    if (Array.isArray(parsed)) errors.push(...parsed);
    else lines.push(parsed);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, lines };
}

export interface Totals {
  subtotalMinor: bigint;
  taxMinor: bigint;
  discountMinor: bigint;
  amountMinor: bigint;
}

type TaxedLine = Pick<LineRecord, "amountMinor" | "taxMinor" | "taxName1" | "taxAmount1" | "taxName2" | "taxAmount2" | "compoundedTax">;

/** A percent "up to 3 decimal places" as an integer over 10^5 (13 % → 13000). */
function per100k(percent: Decimal | null): bigint {
  if (!percent) return 0n;
  return percent.scale <= 3 ? percent.value * 10n ** BigInt(3 - percent.scale) : percent.value / 10n ** BigInt(percent.scale - 3);
}

const EXACT = 10n ** 15n;

function roundExact(numerator: bigint, mode: Dialect["rounding"]): bigint {
  if (mode !== "bankers") return divideHalfUp(numerator, EXACT);
  const quotient = numerator / EXACT;
  const twice = (numerator % EXACT) * 2n;
  if (twice > EXACT || (twice === EXACT && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

function rate(text: string | null): Decimal | null {
  const parsed = text === null ? null : parsePercent(text);
  return parsed === "invalid" ? null : parsed;
}

/** A line's two taxes, exact, in units of 10^-15 minor units, on its (discounted) amount. */
function exactTaxes(line: TaxedLine, keep100k: bigint): [bigint, bigint] {
  const base = line.amountMinor * keep100k; // over 10^5
  const tax1 = base * per100k(rate(line.taxAmount1)); // over 10^10
  const base2 = line.compoundedTax ? base * 100000n + tax1 : base * 100000n; // over 10^10
  return [tax1 * 100000n, base2 * per100k(rate(line.taxAmount2))];
}

/**
 * amount = Σ(qty × unit_cost) − discount + taxes, where the discount is `discount_value` percent
 * of the pre-tax subtotal, rounded half-up, and the taxes follow the `rounding` dialect
 * (docs/freshbooks-api.md §14.1): per line on the undiscounted amount (line-half-up); per line on
 * the discounted amount, half-up (discount-first) or half to even (bankers); or per tax over the
 * whole invoice, rounded once (subtotal). Each line's `taxMinor` is set to its own share.
 */
export function computeTotals(lines: TaxedLine[], discount: Decimal | null, mode: Dialect["rounding"] = "line-half-up"): Totals {
  const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
  const discountMinor = discount ? percentOf(subtotalMinor, discount) : 0n;
  let taxMinor = 0n;
  if (mode === "line-half-up") {
    for (const line of lines) {
      const rate1 = rate(line.taxAmount1);
      const rate2 = rate(line.taxAmount2);
      const tax1 = rate1 ? percentOf(line.amountMinor, rate1) : 0n;
      const tax2 = rate2 ? percentOf(line.compoundedTax ? line.amountMinor + tax1 : line.amountMinor, rate2) : 0n;
      line.taxMinor = tax1 + tax2;
      taxMinor += line.taxMinor;
    }
  } else {
    const keep = 100000n - per100k(discount);
    const byTax = new Map<string, bigint>();
    for (const line of lines) {
      const [tax1, tax2] = exactTaxes(line, keep);
      line.taxMinor = roundExact(tax1, mode) + roundExact(tax2, mode);
      if (mode !== "subtotal") taxMinor += line.taxMinor;
      for (const [name, amount, exact] of [
        [line.taxName1, line.taxAmount1, tax1],
        [line.taxName2, line.taxAmount2, tax2],
      ] as const) {
        if (exact === 0n) continue;
        const key = `${name ?? ""}|${amount ?? ""}`;
        byTax.set(key, (byTax.get(key) ?? 0n) + exact);
      }
    }
    if (mode === "subtotal") for (const exact of byTax.values()) taxMinor += roundExact(exact, mode);
  }
  return { subtotalMinor, taxMinor, discountMinor, amountMinor: subtotalMinor + taxMinor - discountMinor };
}
