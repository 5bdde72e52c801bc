/**
 * Exact decimal arithmetic for the sandbox: amounts live in integer minor units (bigint), rates
 * as scaled bigints. No JavaScript number ever holds money.
 */
import zeroDecimalCurrencies from "../../data/freshbooks-zero-decimal-currencies.json";

/** A decimal number as `value / 10^scale`. */
export interface Decimal {
  value: bigint;
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses "12.34", "-3", "0.125". Rejects exponents, spaces, "+", "" and "1.". */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  const digits = BigInt(`${whole}${fraction}`);
  return { value: sign ? -digits : digits, scale: fraction.length };
}

export function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Integer division rounding half away from zero ("half-up" on magnitudes). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** Converts a decimal to minor units when it has at most `digits` fraction digits; null otherwise. */
export function toMinorUnits(decimal: Decimal, digits: number): bigint | null {
  if (decimal.scale > digits) {
    const excess = pow10(decimal.scale - digits);
    if (decimal.value % excess !== 0n) return null;
    return decimal.value / excess;
  }
  return decimal.value * pow10(digits - decimal.scale);
}

/** `amountMinor × percent / 100`, rounded half-up to the same minor unit. */
export function percentOf(amountMinor: bigint, percent: Decimal): bigint {
  return divideHalfUp(amountMinor * percent.value, 100n * pow10(percent.scale));
}

/** Formats minor units as a decimal string with exactly `digits` fraction digits: 1234n, 2 → "12.34". */
export function formatMinor(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const magnitude = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}

/** Formats a decimal without trailing zeros: {1300, 2} → "13". */
export function formatDecimal(decimal: Decimal): string {
  let { value, scale } = decimal;
  while (scale > 0 && value % 10n === 0n) {
    value /= 10n;
    scale -= 1;
  }
  return formatMinor(value, scale);
}

/** The one list of zero-decimal currencies, a data file the app reads too (the sandbox shares no code with it). */
const ZERO_DECIMAL_CURRENCIES = new Set<string>(zeroDecimalCurrencies);

/**
 * Minor-unit digits the sandbox uses for a currency. FreshBooks shows two decimals for amounts;
 * zero-decimal currencies get 0. Three-decimal currencies (KWD, BHD, OMR) are held at 2 —
 * UNCONFIRMED how FreshBooks stores them; docs/freshbooks-api.md §13 says to flag those, so the sandbox is
 * strict and refuses a third decimal.
 */
export function currencyDigits(code: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(code.toUpperCase()) ? 0 : 2;
}

export function money(minor: bigint, code: string): { amount: string; code: string } {
  return { amount: formatMinor(minor, currencyDigits(code)), code };
}
