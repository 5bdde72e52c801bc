/**
 * The demo's orders: realistic `orders/create` bodies in the documented payload shape, taken
 * from the test fixtures (tests/fixtures/orders, one USD shop's worth: discounts, taxes,
 * shipping, a tip, a partly paid draft order, a buyer paying in EUR, a guest) with a new id,
 * number, date and customer each time. Amounts stay as in the fixture, so every total ties out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../seeded-random";

type Json = Record<string, unknown>;

export interface DemoCustomer {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface DemoOrder {
  number: number;
  name: string;
  /** What the progress output says about it. */
  label: string;
  customer: DemoCustomer | null;
  returning: boolean;
  body: Json;
}

const FIXTURES_DIR = path.resolve(import.meta.dirname, "../../../tests/fixtures/orders");

/** Fixture, and what it shows. The guest order has no customer. */
const TEMPLATES = [
  { fixture: "us-discount-tax-shipping", label: "discount code, sales tax, shipping" },
  { fixture: "discounts-mixed", label: "three discounts, shipping" },
  { fixture: "multi-currency", label: "buyer paid in EUR" },
  { fixture: "guest-email", label: "guest checkout" },
  { fixture: "order-level-tax-rounding", label: "tax rounding across lines" },
  { fixture: "tip", label: "point of sale, with a tip" },
  { fixture: "uneven-discount-split", label: "discount split unevenly" },
  { fixture: "partially-paid", label: "draft order, partly paid" },
  { fixture: "gift-card-free-sample", label: "gift card and a free sample" },
] as const;

const FIRST_NAMES = [
  "Ana",
  "Ben",
  "Chloé",
  "Dev",
  "Emma",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kemi",
  "Liam",
  "Mei",
  "Noah",
  "Olga",
  "Priya",
];
const LAST_NAMES = [
  "Lima",
  "Okafor",
  "Martin",
  "Patel",
  "Schmidt",
  "Haddad",
  "Kim",
  "Tanaka",
  "García",
  "Berg",
  "Adeyemi",
  "Walsh",
  "Chen",
  "Novak",
  "Rossi",
  "Singh",
];

const cache = new Map<string, Json>();
function fixture(name: string): Json {
  let body = cache.get(name);
  if (!body) {
    body = JSON.parse(readFileSync(path.join(FIXTURES_DIR, `orders-create.${name}.json`), "utf8")) as Json;
    cache.set(name, body);
  }
  return structuredClone(body);
}

export function newCustomer(number: number): DemoCustomer {
  const next = seededRandom(number * 7919);
  const firstName = FIRST_NAMES[Math.floor(next() * FIRST_NAMES.length)] ?? "Ana";
  const lastName = LAST_NAMES[Math.floor(next() * LAST_NAMES.length)] ?? "Lima";
  const ascii = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[^A-Za-z.]/g, "")
    .toLowerCase();
  return { id: 8_100_000_000_000 + number, firstName, lastName, email: `${ascii}.${number}@example.com` };
}

function renameAddress(address: unknown, customer: DemoCustomer): void {
  if (address === null || typeof address !== "object") return;
  const fields = address as Json;
  fields.first_name = customer.firstName;
  fields.last_name = customer.lastName;
  fields.name = `${customer.firstName} ${customer.lastName}`;
}

function withCustomer(body: Json, customer: DemoCustomer): void {
  const existing = body.customer as Json;
  existing.id = customer.id;
  existing.admin_graphql_api_id = `gid://shopify/Customer/${customer.id}`;
  existing.email = customer.email;
  existing.first_name = customer.firstName;
  existing.last_name = customer.lastName;
  renameAddress(existing.default_address, customer);
  if (existing.default_address && typeof existing.default_address === "object") {
    (existing.default_address as Json).customer_id = customer.id;
  }
  body.email = customer.email;
  body.contact_email = customer.email;
  renameAddress(body.billing_address, customer);
  renameAddress(body.shipping_address, customer);
}

/**
 * Order `number` of the stream. `known` holds the customers seen so far (this run and earlier):
 * about one order in three comes from one of them (a returning customer, the same FreshBooks
 * client), the others from a new customer. `forceNew` makes it a new customer (the order the
 * demo lets FreshBooks refuse).
 */
export function demoOrder(number: number, known: readonly DemoCustomer[], options: { forceNew?: boolean; now?: Date } = {}): DemoOrder {
  const next = seededRandom(number);
  const template = options.forceNew ? TEMPLATES[0] : (TEMPLATES[number % TEMPLATES.length] ?? TEMPLATES[0]);
  const body = fixture(template.fixture);
  const id = 5_900_000_000_000 + number;
  const name = `#${number}`;
  const at = (options.now ?? new Date()).toISOString();
  Object.assign(body, {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name,
    number: number - 1000,
    order_number: number,
    confirmation_number: `DEMO${number}`,
    token: `demo-${number}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    order_status_url: null,
  });

  let customer: DemoCustomer | null = null;
  let returning = false;
  if (body.customer) {
    const pick = known.length > 0 && !options.forceNew && next() < 0.35 ? known[Math.floor(next() * known.length)] : undefined;
    customer = pick ?? newCustomer(number);
    returning = pick !== undefined;
    withCustomer(body, customer);
  } else {
    const guestEmail = `guest.${number}@example.net`;
    body.email = guestEmail;
    body.contact_email = guestEmail;
  }
  return { number, name, label: template.label, customer, returning, body };
}

/** How many orders the demo store had before the app was installed (in its Shopify Admin sandbox). */
export const HISTORY_ORDERS = 240;
const HISTORY_DAYS = 90;

/**
 * The demo store's past orders, #1001 onwards, spread over the last 90 days (the oldest first),
 * with returning customers among them: what "Import past orders" finds. Deterministic but for
 * the dates, which follow `now`.
 */
export function storeHistory(now: Date, count = HISTORY_ORDERS): Json[] {
  const known: DemoCustomer[] = [];
  const orders: Json[] = [];
  for (let index = 0; index < count; index++) {
    const number = 1001 + index;
    const daysAgo = ((count - index) / count) * HISTORY_DAYS;
    const order = demoOrder(number, known, { now: new Date(now.getTime() - Math.round(daysAgo * 86_400_000)) });
    if (order.customer && !order.returning) known.push(order.customer);
    orders.push(order.body);
  }
  return orders;
}
