/** Decimal strings compared and subtracted exactly (scaled BigInt), never as floats. */
const SCALE = 3;

function scaled(value: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal amount: ${value}`);
  const [, minus, whole, fraction = ""] = match;
  if (fraction.length > SCALE && /[1-9]/.test(fraction.slice(SCALE))) throw new Error(`too many decimals: ${value}`);
  const units = BigInt(whole!) * 10n ** BigInt(SCALE) + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, "0") || "0");
  return minus ? -units : units;
}

export function sameAmount(a: string, b: string): boolean {
  return scaled(a) === scaled(b);
}

/** a − b, written with `decimals` decimals (e.g. "0.01", "-0.02"). */
export function difference(a: string, b: string, decimals = 2): string {
  const diff = scaled(a) - scaled(b);
  const negative = diff < 0n;
  const abs = negative ? -diff : diff;
  const divisor = 10n ** BigInt(SCALE - decimals);
  const units = abs / divisor;
  const text = decimals === 0 ? units.toString() : `${units / 10n ** BigInt(decimals)}.${(units % 10n ** BigInt(decimals)).toString().padStart(decimals, "0")}`;
  return negative ? `-${text}` : text;
}
