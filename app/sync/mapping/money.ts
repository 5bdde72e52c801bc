/**
 * Exact money for the mapping: amounts are bigint minor units of the FreshBooks currency scale,
 * parsed straight from Shopify's decimal strings. No JavaScript number ever holds money.
 */

/** ISO 4217 exponents that are not 2 (the default). */
const ISO_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * Currencies FreshBooks keeps without decimals. Every other currency is stored at 2 decimals
 * (docs/freshbooks-api.md §13; UNCONFIRMED for 0- and 3-decimal currencies). This list is the one our
 * FreshBooks sandbox uses, so `expectedFreshBooksTotal` matches what it computes.
 */
const FRESHBOOKS_ZERO_DECIMAL = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "XAF", "XOF", "PYG", "UGX"]);

export function isoExponent(currency: string): number {
  return ISO_EXPONENTS[currency.toUpperCase()] ?? 2;
}

export function freshbooksDigits(currency: string): number {
  return FRESHBOOKS_ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export interface Decimal {
  value: bigint;
  scale: number;
}

export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign, whole = "0", fraction = ""] = match;
  const digits = BigInt(`${whole}${fraction}`);
  return { value: sign ? -digits : digits, scale: fraction.length };
}

export function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Integer division rounding half away from zero. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** `decimal` in units of 10^-digits, or null when it has non-zero digits beyond that. */
export function toMinor(decimal: Decimal, digits: number): bigint | null {
  if (decimal.scale <= digits) return decimal.value * pow10(digits - decimal.scale);
  const excess = pow10(decimal.scale - digits);
  return decimal.value % excess === 0n ? decimal.value / excess : null;
}

export function formatMinor(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const magnitude = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = magnitude.slice(magnitude.length - digits);
  return `${negative ? "-" : ""}${whole}${digits > 0 ? `.${fraction}` : ""}`;
}

/** Thrown while mapping when an amount cannot be represented exactly in FreshBooks. */
export class UnrepresentableAmount extends Error {
  constructor(
    readonly currency: string,
    readonly amount: string,
  ) {
    super(`${amount} ${currency} cannot be represented at ${freshbooksDigits(currency)} decimals`);
    this.name = "UnrepresentableAmount";
  }
}

/** Reads Shopify amounts in one currency as FreshBooks minor units, exactly or not at all. */
export class MoneyReader {
  readonly digits: number;
  constructor(readonly currency: string) {
    this.digits = freshbooksDigits(currency);
  }

  minor(amount: string): bigint {
    const decimal = parseDecimal(amount);
    const minor = decimal ? toMinor(decimal, this.digits) : null;
    if (minor === null) throw new UnrepresentableAmount(this.currency, amount);
    return minor;
  }

  format(minor: bigint): string {
    return formatMinor(minor, this.digits);
  }

  money(minor: bigint): { amount: string; code: string } {
    return { amount: this.format(minor), code: this.currency };
  }
}
