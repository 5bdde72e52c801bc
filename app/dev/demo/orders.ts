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
const LIFECYCLE_DIR = path.resolve(import.meta.dirname, "../../../tests/fixtures/lifecycle");

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

/** The orders the demo's later events happen to (the lifecycle fixtures are the US order's life). */
const STORY_TEMPLATES = {
  paid: { file: path.join(FIXTURES_DIR, "orders-create.us-discount-tax-shipping.json"), label: "discount code, sales tax, shipping" },
  cod: { file: path.join(LIFECYCLE_DIR, "orders-create.unpaid-cod.json"), label: "cash on delivery, not paid yet" },
} as const;

export type StoryTemplate = keyof typeof STORY_TEMPLATES;

const cache = new Map<string, Json>();
function readJson(file: string): Json {
  let body = cache.get(file);
  if (!body) {
    body = JSON.parse(readFileSync(file, "utf8")) as Json;
    cache.set(file, body);
  }
  return structuredClone(body);
}

function fixture(name: string): Json {
  return readJson(path.join(FIXTURES_DIR, `orders-create.${name}.json`));
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
export function demoOrder(
  number: number,
  known: readonly DemoCustomer[],
  options: { forceNew?: boolean; now?: Date; story?: StoryTemplate } = {},
): DemoOrder {
  const next = seededRandom(number);
  const template = options.story
    ? STORY_TEMPLATES[options.story]
    : options.forceNew
      ? TEMPLATES[0]
      : (TEMPLATES[number % TEMPLATES.length] ?? TEMPLATES[0]);
  const body = "file" in template ? readJson(template.file) : fixture(template.fixture);
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

/** The id every lifecycle fixture gives its order (the US fixture's). */
const FIXTURE_ORDER_ID = 5_812_345_678_901;
/** Fixture ids of transactions (71…, 72…), refunds (82…), refund lines (83…) and refunded shipping (84…). */
const EVENT_ID_BLOCKS = new Set([7_100_000_000, 7_200_000_000, 8_200_000_000, 8_300_000_000, 8_400_000_000]);

/**
 * The fixture's ids made this order's: its order id, and each transaction, refund and refund line
 * an id of its own (the same fixture id gives the same new id, so a refund still names its sale).
 * Line item and shipping line ids stay: the order was made from the same fixture.
 */
function remapIds(value: unknown, orderId: number, number: number): unknown {
  const remap = (id: number): number =>
    id === FIXTURE_ORDER_ID ? orderId : EVENT_ID_BLOCKS.has(Math.floor(id / 1000)) ? id + number * 1000 : id;
  if (typeof value === "number" && Number.isSafeInteger(value)) return remap(value);
  if (typeof value === "string") {
    const gid = /^(gid:\/\/shopify\/\w+\/)(\d+)$/.exec(value);
    return gid ? `${gid[1]}${remap(Number(gid[2]))}` : value;
  }
  if (Array.isArray(value)) return value.map((item) => remapIds(item, orderId, number));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, remapIds(item, orderId, number)]));
  return value;
}

const TIME_FIELDS = ["created_at", "processed_at", "updated_at", "cancelled_at", "closed_at"];

/**
 * A later webhook of `order` (from tests/fixtures/lifecycle, `fixture` without `.json`): its ids
 * made the order's, its times `now` (an order's own times stay), and an order payload carries
 * the order's name, number and customer.
 */
export function demoLaterEvent(order: DemoOrder, fixtureName: string, now: Date): Json {
  const orderId = order.body.id as number;
  const body = remapIds(readJson(path.join(LIFECYCLE_DIR, `${fixtureName}.json`)), orderId, order.number) as Json;
  const at = now.toISOString();
  const stamp = (item: Json) => {
    for (const field of TIME_FIELDS) if (typeof item[field] === "string") item[field] = at;
  };
  if (body.id === orderId) {
    // An order payload (orders/paid, orders/cancelled, orders/updated): the order as the demo made it.
    for (const field of ["name", "number", "order_number", "confirmation_number", "token", "created_at", "processed_at"])
      body[field] = order.body[field];
    if (typeof body.cancelled_at === "string") body.cancelled_at = at;
    body.updated_at = at;
    if (order.customer) withCustomer(body, order.customer);
    else {
      body.customer = null;
      body.email = order.body.email;
      body.contact_email = order.body.contact_email;
    }
  } else {
    // A refund or a transaction, and the transactions inside a refund.
    stamp(body);
    for (const transaction of (body.transactions as Json[] | undefined) ?? []) stamp(transaction);
  }
  return body;
}
