/**
 * Shopify's webhook bodies, read without losing digits. Shopify's ids are 64-bit integers written
 * as JSON numbers; `JSON.parse` turns any above 2^53 into the nearest double (its own docs sample
 * 820982911946154508 becomes 820982911946154500), which would key the wrong order. Here every
 * integer beyond the safe range is kept as the exact digits of the raw body, as a string; every
 * other value is what `JSON.parse` gives. The schemas accept an id as a number or a string of
 * digits and hand it on as a string (`shopifyId`).
 */
import { z } from "zod";

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

function exact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || !Number.isInteger(value) || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  // Node ≥ 22 passes the literal's source text to the reviver (the engines field requires it).
  if (source === undefined)
    throw new Error("JSON.parse does not give the source of numbers on this Node version; Node 22 or newer is required");
  return /^-?\d+$/.test(source) ? source : value;
}

/** JSON.parse, except that integers beyond 2^53 come back as their exact digits (a string). Throws SyntaxError like JSON.parse. */
export function parseExactJson(text: string): unknown {
  return JSON.parse(text, exact as Reviver as Parameters<typeof JSON.parse>[1]);
}

/**
 * Whether the text may hold an integer beyond 2^53 (9007199254740991, 16 digits): a JSON number
 * of 16 or more digits, which can only follow `:`, `,` or `[` (and whitespace). Digits inside a
 * string (a hex token, a gid) do not count, so a typical body takes JSON.parse's fast path; a
 * string that happens to contain such a run only costs the exact (slower) parse.
 */
export function mayHoldBigIntegers(text: string): boolean {
  return /[:,[]\s*-?\d{16}/.test(text);
}

/** A Shopify id (REST number or digits), always handed on as its exact digits. */
export const shopifyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be a number")]).transform(String);

/** The digits of a `gid://shopify/<type>/<digits>` (an `admin_graphql_api_id`), or null. */
export function gidDigits(gid: unknown, type: string): string | null {
  if (typeof gid !== "string") return null;
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(gid);
  return match && match[1] === type ? (match[2] ?? null) : null;
}

/**
 * An order body whose `id` is missing gets it from `admin_graphql_api_id` (a string, which no JSON
 * reader can have rounded). The raw body's own digits come first: they are exact (parseExactJson),
 * and a test fixture or an older sample may carry a gid that is not the order's. Both the intake's
 * and the sync's order schemas read the id this way, so they agree.
 */
export function withOrderId(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const body = value as { id?: unknown; admin_graphql_api_id?: unknown };
  if (body.id !== undefined && body.id !== null) return value;
  const digits = gidDigits(body.admin_graphql_api_id, "Order");
  return digits === null ? value : { ...value, id: digits };
}
