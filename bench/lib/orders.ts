import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { API_VERSION, ROOT } from "./config";
import { seeded } from "./stats";

/** Realistic orders/create bodies (the US fixture), each with its own id, number and customer. */
type Order = Record<string, unknown> & { customer: Record<string, unknown> };

const fixture = JSON.parse(
  readFileSync(path.join(ROOT, "tests/fixtures/orders/orders-create.us-discount-tax-shipping.json"), "utf8"),
) as Order;

export interface CustomerMix {
  /** Share of orders placed by a customer never seen before (0..1); the rest reuse one. */
  newShare: number;
  seed: number;
}

export interface OrderSource {
  /** First order number; order n has id 7_000_000_000_000 + n. */
  start: number;
  mix?: CustomerMix;
  /** Added to every customer number the mix picks (a separate set of customers, e.g. for a warm-up). */
  customerBase?: number;
  /** Every order from this one (new) customer. */
  fixedCustomer?: number;
}

export const orderId = (n: number) => 7_000_000_000_000 + n;

/** Decides the customer of each order in sequence (deterministic for a given seed). */
export function customerPicker(source: OrderSource): (n: number) => number {
  if (source.fixedCustomer !== undefined) {
    const fixed = source.fixedCustomer;
    return () => fixed;
  }
  const mix = source.mix;
  if (!mix) return (n) => n;
  const random = seeded(mix.seed);
  const base = source.customerBase ?? 0;
  let customers = 0;
  return () => {
    if (customers === 0 || random() < mix.newShare) {
      customers += 1;
      return base + customers;
    }
    return base + 1 + Math.floor(random() * customers);
  };
}

export function orderBody(n: number, customer: number): string {
  const email = `buyer-${customer}@bench.example`;
  return JSON.stringify({
    ...fixture,
    id: orderId(n),
    name: `#${n}`,
    order_number: n,
    email,
    contact_email: email,
    customer: { ...fixture.customer, id: 8_000_000_000_000 + customer, email },
  });
}

export function signedHeaders(body: string, shop: string, secret: string, webhookId: string = randomUUID()): Record<string, string> {
  return {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": shop,
    "x-shopify-api-version": API_VERSION,
    "x-shopify-webhook-id": webhookId,
    "x-shopify-triggered-at": new Date().toISOString(),
    "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
  };
}
