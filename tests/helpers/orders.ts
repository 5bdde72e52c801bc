import { readFileSync } from "node:fs";
import path from "node:path";

type Order = Record<string, unknown> & { id: number; name: string; order_number: number };

/** A realistic orders/create body (tests/fixtures/orders), with the id and number changed when given. */
export function orderFixture(name: "us-discount-tax-shipping" | "fr-tax-included" | "jp-pos-guest", overrides: Partial<Order> = {}): Order {
  const file = path.resolve(import.meta.dirname, `../fixtures/orders/orders-create.${name}.json`);
  const order = JSON.parse(readFileSync(file, "utf8")) as Order;
  return { ...order, ...overrides };
}

/** The US fixture as order number `n` (distinct id, name and number). */
export function usOrder(n: number, overrides: Partial<Order> = {}): Order {
  return orderFixture("us-discount-tax-shipping", { id: 5_000_000_000_000 + n, name: `#${n}`, order_number: n, ...overrides });
}
