/**
 * Fitting text into FreshBooks' field limits without losing it. Limits are counted the way our
 * sandbox counts them (UTF-16 code units, i.e. JavaScript `length`) while cuts always fall on a
 * code-point boundary, so an emoji or a CJK character is never split in half.
 */

/** Line `name` and `description` limits of our sandbox; FreshBooks' real ones are UNCONFIRMED. */
export const LINE_NAME_MAX = 255;
export const LINE_DESCRIPTION_MAX = 2000;
/** Client text fields (sandbox: 255; `note` 4000). UNCONFIRMED in FreshBooks. */
export const CLIENT_FIELD_MAX = 255;
export const CLIENT_NOTE_MAX = 4000;

const ELLIPSIS = "…";

/** The longest prefix of `text` (whole code points) whose UTF-16 length is at most `max`. */
export function prefixWithin(text: string, max: number): string {
  let length = 0;
  let prefix = "";
  for (const codePoint of Array.from(text)) {
    if (length + codePoint.length > max) break;
    length += codePoint.length;
    prefix += codePoint;
  }
  return prefix;
}

/**
 * Splits `text` into a head that fits `max` and the overflow. When it overflows, the head ends
 * with "…" and the overflow starts with "…", so a reader sees that one continues the other.
 */
export function splitToFit(text: string, max: number): { head: string; overflow: string | null } {
  if (text.length <= max) return { head: text, overflow: null };
  const head = prefixWithin(text, max - ELLIPSIS.length);
  return { head: `${head}${ELLIPSIS}`, overflow: `${ELLIPSIS}${text.slice(head.length)}` };
}

/** Trims and turns "" into null. */
export function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

export function firstPresent(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const text = present(value);
    if (text !== null) return text;
  }
  return null;
}
