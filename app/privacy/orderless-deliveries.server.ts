import type { PrismaClient } from "@prisma/client";

/**
 * Deliveries that carry no order id (signed bodies intake could not read as an order: kept for
 * inspection) are invisible to customers/redact's lookup by order. They are few, so redact scans
 * the shop's own (a partial index on shop where order_id is null) for the customer's email as a
 * whole address, their order ids or their customer id, and empties the matching bodies: a body we
 * could not read is worth nothing once its customer is erased.
 */
export async function redactOrderlessDeliveries(
  db: PrismaClient,
  shop: string,
  customer: { email: string | null; id: string | null; orderIds: string[] },
): Promise<number> {
  const emailPattern = wholeAddressPattern(customer.email);
  return db.$executeRaw`
    update webhook_delivery set payload = jsonb_build_object('redacted', true)
    where shop = ${shop} and order_id is null and payload <> jsonb_build_object('redacted', true) and (
      (${emailPattern}::text is not null and lower(payload::text) ~ ${emailPattern}::text)
      or (${customer.id}::text is not null and payload->'customer'->>'id' = ${customer.id}::text)
      or payload->>'id' = any(${customer.orderIds}::text[]))`;
}

/**
 * A PostgreSQL regular expression that finds the address as a whole in lower-cased text:
 * `a@x.com` must not match inside `ba@x.com` (nor `j_doe` match `j.doe`).
 */
export function wholeAddressPattern(email: string | null): string | null {
  return email ? `(^|[^a-z0-9._%+-])${escapeRegExp(email.toLowerCase())}($|[^a-z0-9.-])` : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
