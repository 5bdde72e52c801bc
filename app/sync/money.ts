import { parseDecimal, pow10 } from "./mapping/money";

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
