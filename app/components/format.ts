/**
 * Money and dates for the merchant, in their locale. Amounts are decimal strings and stay
 * strings: Intl.NumberFormat formats a numeric string exactly (ES2023), so no amount ever goes
 * through a float.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

function isDecimal(value: string): value is `${number}` {
  return DECIMAL.test(value);
}

/** A locale Intl accepts, else English (a malformed `locale` parameter must not break the page). */
export function safeLocale(candidate: string | null | undefined): string {
  if (!candidate) return "en";
  try {
    return Intl.getCanonicalLocales(candidate)[0] ?? "en";
  } catch {
    return "en";
  }
}

/**
 * "$1,234.50", "¥1,500", "KWD 1.235": the currency's own number of decimals (JPY 0, KWD 3),
 * more only when the amount carries non-zero digits beyond them (never rounded away).
 */
export function formatMoney(amount: string, currency: string, locale = "en"): string {
  const trimmed = amount.trim();
  if (!isDecimal(trimmed) || !/^[A-Z]{3}$/.test(currency)) return `${amount} ${currency}`.trim();
  const base = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = base.resolvedOptions().maximumFractionDigits ?? 2;
  const significant = (trimmed.split(".")[1] ?? "").replace(/0+$/, "").length;
  if (significant <= digits) return base.format(trimmed);
  return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: significant }).format(trimmed);
}

/** "25 Nov 2026, 14:03" in the locale; in UTC until the browser has hydrated (see useHydrated). */
export function formatDateTime(iso: string, locale = "en", timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** "Dec 2, 10:39": a moment of this year, short, for a table cell (the year only when it is not this one). */
export function formatShortDateTime(iso: string, locale = "en", timeZone?: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameYear = date.getUTCFullYear() === now.getUTCFullYear();
  return new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    year: sameYear ? undefined : "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
  }).format(date);
}

/** A calendar day ("2026-11-25", UTC) as "25 Nov 2026" in the locale. */
export function formatDay(day: string, locale = "en", options: Intl.DateTimeFormatOptions = { dateStyle: "medium" }): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(date);
}

/** "1 order", "2 orders". */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A wait in words: "45 seconds", "1 minute", "3 hours". */
export function duration(seconds: number): string {
  if (seconds < 90) return plural(Math.round(seconds), "second", "seconds");
  if (seconds < 90 * 60) return plural(Math.round(seconds / 60), "minute", "minutes");
  return plural(Math.round(seconds / 3600), "hour", "hours");
}
