/**
 * The app's one money module. Exact money for the mapping: amounts are bigint minor units of
 * the FreshBooks currency scale, parsed straight from Shopify's decimal strings; and decimal
 * strings compared and subtracted exactly (sameAmount, difference). No JavaScript number ever
 * holds money. (The FreshBooks sandbox keeps its own on purpose: it must not share code with the
 * app it checks; both read the zero-decimal list from app/data/.)
 */
import zeroDecimalCurrencies from "../../data/freshbooks-zero-decimal-currencies.json";

/** ISO 4217 exponents that are not 2 (the default). */
const ISO_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * Currencies FreshBooks keeps without decimals. Every other currency is stored at 2 decimals
 * (docs/freshbooks-api.md §13; UNCONFIRMED for 0- and 3-decimal currencies). Our FreshBooks
 * sandbox reads the same data file, so `expectedFreshBooksTotal` matches what it computes.
 */
const FRESHBOOKS_ZERO_DECIMAL = new Set<string>(zeroDecimalCurrencies);

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

/** Decimal strings compared and subtracted exactly (BigInt), never as floats. */
function parse(value: string) {
  const decimal = parseDecimal(value.trim());
  if (!decimal) throw new Error(`not a decimal amount: ${value}`);
  return decimal;
}

function atScale(decimal: { value: bigint; scale: number }, scale: number): bigint {
  return decimal.value * pow10(scale - decimal.scale);
}

export function sameAmount(a: string, b: string): boolean {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(x.scale, y.scale);
  return atScale(x, scale) === atScale(y, scale);
}

/** a − b, written with at least `decimals` decimals (e.g. "0.01", "-0.02"). */
export function difference(a: string, b: string, decimals = 2): string {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(decimals, x.scale, y.scale);
  const diff = atScale(x, scale) - atScale(y, scale);
  const abs = diff < 0n ? -diff : diff;
  const whole = abs / pow10(scale);
  const fraction = (abs % pow10(scale)).toString().padStart(scale, "0");
  return `${diff < 0n ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}
