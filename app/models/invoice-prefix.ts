import { z } from "zod";

/**
 * The invoice number prefix rule, shared by the Settings form (a live message on the field)
 * and the server (which refuses what breaks it): FreshBooks invoice numbers keep to these.
 */
export const invoicePrefixSchema = z
  .string()
  .trim()
  .max(12, "Use at most 12 characters.")
  .regex(/^[A-Za-z0-9_./-]*$/, "Use letters, digits and - _ . / only (no spaces).");

/** What is wrong with a prefix as typed, or null: the preview shows an example only when it is valid. */
export function prefixProblem(prefix: string): string | null {
  const parsed = invoicePrefixSchema.safeParse(prefix);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? "This prefix cannot be used.");
}
