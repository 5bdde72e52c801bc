/**
 * One order shape: an order read through the Admin GraphQL API is converted into the
 * orders/create webhook body (app/shopify/order-schema.ts) that the mapping reads, so an order
 * imported or recovered by the sweep becomes the same invoice as one delivered by webhook
 * (docs/shopify-admin-api.md §3 lists the field correspondences). tests/graphql-order.test.ts
 * proves it fixture by fixture.
 *
 * Two differences need care: GraphQL writes DateTimes in UTC while the webhook writes the shop's
 * local time with its offset (the invoice date is the shop's calendar date), so the shop's time
 * zone is applied; and GraphQL has no `order_number`, which is `number + 1000` in REST's terms.
 */

type Json = Record<string, unknown>;

const MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }";
const TAX = `title rate ratePercentage channelLiable priceSet { ${MONEY} }`;
const ADDRESS = "firstName lastName name company address1 address2 city province provinceCode zip country countryCodeV2 phone";
const DISCOUNT_APPLICATION = `index allocationMethod targetType targetSelection
  ... on DiscountCodeApplication { code }
  ... on ManualDiscountApplication { title description }
  ... on AutomaticDiscountApplication { title }
  ... on ScriptDiscountApplication { title }`;

/** Line items per request; more are read page by page (the cost of a query grows with it). */
export const LINE_ITEMS_PAGE = 20;

export const LINE_ITEM_FIELDS = `id title name variantTitle sku quantity taxable isGiftCard
  customAttributes { key value }
  originalUnitPriceSet { ${MONEY} }
  discountAllocations { allocatedAmountSet { ${MONEY} } discountApplication { ${DISCOUNT_APPLICATION} } }
  taxLines(first: 3) { ${TAX} }`;

const SHIPPING_LINE_FIELDS = `id title code isRemoved originalPriceSet { ${MONEY} } discountedPriceSet { ${MONEY} }
  discountAllocations { allocatedAmountSet { ${MONEY} } discountApplication { ${DISCOUNT_APPLICATION} } } taxLines { ${TAX} }`;

/** The Order's own fields (its nested connections aside). */
const ORDER_OWN_FIELDS = `id legacyResourceId name number createdAt processedAt updatedAt cancelledAt test
  currencyCode presentmentCurrencyCode taxesIncluded email phone sourceName tags
  displayFinancialStatus paymentGatewayNames
  customer { id legacyResourceId firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } }
  billingAddress { ${ADDRESS} }
  shippingAddress { ${ADDRESS} }
  subtotalPriceSet { ${MONEY} } totalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } totalDiscountsSet { ${MONEY} }
  totalShippingPriceSet { ${MONEY} } totalTipReceivedSet { ${MONEY} } totalOutstandingSet { ${MONEY} }
  originalTotalDutiesSet { ${MONEY} } originalTotalAdditionalFeesSet { ${MONEY} }
  transactions(first: 20) { id kind status gateway test processedAt amountSet { ${MONEY} } }`;

/** Every Order field the invoice needs (the documented GraphQL `Order` fields). */
export const ORDER_FIELDS = `${ORDER_OWN_FIELDS}
  lineItems(first: ${LINE_ITEMS_PAGE}) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
  shippingLines(first: 5) { nodes { ${SHIPPING_LINE_FIELDS} } }`;

/**
 * The same fields as a bulk query over a range of orders (docs/shopify-admin-api.md §8a): no
 * cost limit and no pagination; line items and shipping lines come as lines of their own in the
 * JSONL file, each with its __typename and its order's id as __parentId (assembleBulkOrder).
 */
export function bulkOrdersQuery(search: string): string {
  return `{ orders(query: ${JSON.stringify(search)}, sortKey: CREATED_AT) { edges { node { ${ORDER_OWN_FIELDS}
  lineItems { edges { node { __typename ${LINE_ITEM_FIELDS} } } }
  shippingLines { edges { node { __typename ${SHIPPING_LINE_FIELDS} } } } } } } }`;
}

/** The type of a bulk file's line: its __typename, else the type named in its gid. */
export function bulkLineType(line: Json): string | null {
  if (typeof line.__typename === "string") return line.__typename;
  return typeof line.id === "string" ? (/^gid:\/\/shopify\/(\w+)\//.exec(line.id)?.[1] ?? null) : null;
}

/** An order of a bulk file with its child lines put back as the connections the mapping reads. */
export function assembleBulkOrder(root: Json, children: Json[]): Json {
  const of = (type: string) =>
    children.filter((child) => bulkLineType(child) === type).map(({ __parentId: _parent, __typename: _type, ...rest }) => rest);
  return { ...root, lineItems: { nodes: of("LineItem") }, shippingLines: { nodes: of("ShippingLine") } };
}

export const ORDER_QUERY = `query OrderForInvoice($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export const ORDER_LINE_ITEMS_QUERY = `query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: ${LINE_ITEMS_PAGE}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } } }
}`;

export interface MoneyBag {
  shopMoney: { amount: string; currencyCode: string };
  presentmentMoney?: { amount: string; currencyCode: string } | null;
}

/** "2024-01-15T15:00:00Z" in "America/New_York" → "2024-01-15T10:00:00-05:00": the webhook's way of writing it. */
export function inShopTime(utc: string | null | undefined, timeZone: string): string | null {
  if (!utc) return null;
  const date = new Date(utc);
  if (Number.isNaN(date.getTime())) return utc;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * GraphQL's Decimal drops trailing zeros ("65.0"); the webhook writes the currency's decimals
 * ("65.00", "1.500" KWD, "300" JPY), and the amount is shown as written (the invoice notes quote
 * it). Zeros are added or removed to the currency's decimals; a real digit is never removed.
 */
export function restAmount(amount: string, currency: string): string {
  const digits = currencyDigits(currency);
  const [whole = "0", fraction = ""] = amount.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  if (trimmed.length > digits) return `${whole}.${trimmed}`;
  return digits === 0 ? whole : `${whole}.${trimmed.padEnd(digits, "0")}`;
}

function moneyOf(money: { amount: string; currencyCode: string }) {
  return { amount: restAmount(money.amount, money.currencyCode), currency_code: money.currencyCode };
}

function moneySet(bag: MoneyBag | null | undefined): Json | undefined {
  if (!bag?.shopMoney) return undefined;
  const shop = moneyOf(bag.shopMoney);
  const presentment = bag.presentmentMoney ? moneyOf(bag.presentmentMoney) : shop;
  return { shop_money: shop, presentment_money: presentment };
}

function amount(bag: MoneyBag | null | undefined): string | undefined {
  return bag?.shopMoney ? moneyOf(bag.shopMoney).amount : undefined;
}

function digits(gid: unknown): string | null {
  if (typeof gid !== "string") return null;
  const match = /(\d+)$/.exec(gid);
  return match?.[1] ?? null;
}

function taxLine(line: Json): Json {
  return {
    title: line.title ?? null,
    rate: line.rate ?? null,
    price: amount(line.priceSet as MoneyBag) ?? "0",
    price_set: moneySet(line.priceSet as MoneyBag),
    channel_liable: line.channelLiable ?? null,
  };
}

function address(value: unknown): Json | null {
  if (!value || typeof value !== "object") return null;
  const a = value as Json;
  return {
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    name: a.name ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    province_code: a.provinceCode ?? null,
    zip: a.zip ?? null,
    country: a.country ?? null,
    country_code: a.countryCodeV2 ?? null,
    phone: a.phone ?? null,
  };
}

const APPLICATION_TYPES: Record<string, string> = {
  DiscountCodeApplication: "discount_code",
  ManualDiscountApplication: "manual",
  ScriptDiscountApplication: "script",
  AutomaticDiscountApplication: "automatic",
};

/** Discount applications, at their `index` (what the webhook's allocations point at). */
class Applications {
  readonly list: Json[] = [];
  add(application: unknown): number | undefined {
    if (!application || typeof application !== "object") return undefined;
    const a = application as Json;
    const index = typeof a.index === "number" ? a.index : this.list.length;
    const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : undefined);
    const code = typeof a.code === "string" ? a.code : undefined;
    this.list[index] = {
      type: APPLICATION_TYPES[String(a.__typename)] ?? (code ? "discount_code" : "automatic"),
      ...(code !== undefined ? { code } : {}),
      title: a.title ?? code ?? null,
      description: a.description ?? null,
      allocation_method: lower(a.allocationMethod),
      target_selection: lower(a.targetSelection),
      target_type: lower(a.targetType),
    };
    return index;
  }
}

function allocations(list: unknown, applications: Applications): Json[] {
  return ((list as Json[] | undefined) ?? []).map((allocation) => ({
    amount: amount(allocation.allocatedAmountSet as MoneyBag) ?? "0",
    amount_set: moneySet(allocation.allocatedAmountSet as MoneyBag),
    discount_application_index: applications.add(allocation.discountApplication),
  }));
}

function nodesOf(connection: unknown): Json[] {
  if (!connection || typeof connection !== "object") return [];
  const c = connection as { nodes?: Json[]; edges?: { node: Json }[] };
  return c.nodes ?? c.edges?.map((edge) => edge.node) ?? [];
}

/**
 * A GraphQL `Order` (selected with ORDER_FIELDS, every line item read) → the orders/create body
 * for the same order. `timeZone`: the shop's IANA time zone (`shop { ianaTimezone }`).
 */
export function webhookShapeFromGraphql(order: Json, timeZone: string): Json {
  const applications = new Applications();
  const currency = String(order.currencyCode);
  const lineItems = nodesOf(order.lineItems).map((item) => ({
    id: digits(item.id),
    title: item.title,
    name: item.name ?? item.title,
    variant_title: item.variantTitle ?? null,
    sku: item.sku ?? null,
    quantity: item.quantity,
    price: amount(item.originalUnitPriceSet as MoneyBag) ?? "0",
    price_set: moneySet(item.originalUnitPriceSet as MoneyBag),
    taxable: item.taxable ?? true,
    gift_card: Boolean(item.isGiftCard),
    properties: ((item.customAttributes as Json[] | undefined) ?? []).map((attribute) => ({ name: attribute.key, value: attribute.value })),
    tax_lines: ((item.taxLines as Json[] | undefined) ?? []).map(taxLine),
    discount_allocations: allocations(item.discountAllocations, applications),
  }));
  const shippingLines = nodesOf(order.shippingLines).map((line) => ({
    id: digits(line.id),
    title: line.title ?? null,
    code: line.code ?? null,
    price: amount(line.originalPriceSet as MoneyBag) ?? "0",
    price_set: moneySet(line.originalPriceSet as MoneyBag),
    discounted_price: amount(line.discountedPriceSet as MoneyBag),
    discounted_price_set: moneySet(line.discountedPriceSet as MoneyBag),
    is_removed: line.isRemoved ?? false,
    tax_lines: ((line.taxLines as Json[] | undefined) ?? []).map(taxLine),
    discount_allocations: allocations(line.discountAllocations, applications),
  }));
  const customer = order.customer as Json | null | undefined;
  const number = typeof order.number === "number" ? order.number : null;
  const financial = typeof order.displayFinancialStatus === "string" ? order.displayFinancialStatus.toLowerCase() : null;
  const email = (order.email as string | null | undefined) ?? null;
  const processedAt = inShopTime(order.processedAt as string, timeZone);
  const createdAt = inShopTime(order.createdAt as string, timeZone)!;
  const totalPriceSet = order.totalPriceSet as MoneyBag;
  return {
    id: digits(order.id) ?? order.legacyResourceId,
    admin_graphql_api_id: order.id,
    name: order.name,
    number,
    order_number: number === null ? null : number + 1000,
    test: Boolean(order.test),
    source_name: order.sourceName ?? null,
    email,
    contact_email: email,
    phone: order.phone ?? null,
    created_at: createdAt,
    processed_at: processedAt ?? createdAt,
    updated_at: inShopTime(order.updatedAt as string, timeZone),
    cancelled_at: inShopTime(order.cancelledAt as string | null, timeZone),
    financial_status: financial,
    payment_gateway_names: order.paymentGatewayNames ?? [],
    currency,
    presentment_currency: order.presentmentCurrencyCode ?? currency,
    taxes_included: Boolean(order.taxesIncluded),
    tags: ((order.tags as string[] | undefined) ?? []).join(", "),
    subtotal_price: amount(order.subtotalPriceSet as MoneyBag),
    subtotal_price_set: moneySet(order.subtotalPriceSet as MoneyBag),
    total_price: amount(totalPriceSet) ?? "0",
    total_price_set: moneySet(totalPriceSet),
    total_tax: amount(order.totalTaxSet as MoneyBag),
    total_tax_set: moneySet(order.totalTaxSet as MoneyBag),
    total_discounts: amount(order.totalDiscountsSet as MoneyBag),
    total_discounts_set: moneySet(order.totalDiscountsSet as MoneyBag),
    total_shipping_price_set: moneySet(order.totalShippingPriceSet as MoneyBag),
    total_outstanding: amount(order.totalOutstandingSet as MoneyBag) ?? null,
    total_tip_received: amount(order.totalTipReceivedSet as MoneyBag) ?? null,
    ...(order.originalTotalDutiesSet ? { original_total_duties_set: moneySet(order.originalTotalDutiesSet as MoneyBag) } : {}),
    ...(order.originalTotalAdditionalFeesSet
      ? { original_total_additional_fees_set: moneySet(order.originalTotalAdditionalFeesSet as MoneyBag) }
      : {}),
    customer: customer
      ? {
          id: digits(customer.id) ?? customer.legacyResourceId,
          email: (customer.defaultEmailAddress as Json | null | undefined)?.emailAddress ?? null,
          first_name: customer.firstName ?? null,
          last_name: customer.lastName ?? null,
          phone: (customer.defaultPhoneNumber as Json | null | undefined)?.phoneNumber ?? null,
        }
      : null,
    billing_address: address(order.billingAddress),
    shipping_address: address(order.shippingAddress),
    discount_applications: applications.list.map((application) => application ?? { type: "automatic", title: null }),
    line_items: lineItems,
    shipping_lines: shippingLines,
    // Not in an orders/create body; kept for the payment and lifecycle steps that may read them.
    transactions: ((order.transactions as Json[] | undefined) ?? []).map((transaction) => ({
      id: digits(transaction.id),
      kind: String(transaction.kind ?? "").toLowerCase(),
      status: String(transaction.status ?? "").toLowerCase(),
      gateway: transaction.gateway ?? null,
      test: Boolean(transaction.test),
      processed_at: inShopTime(transaction.processedAt as string | null, timeZone),
      amount: amount(transaction.amountSet as MoneyBag),
    })),
  };
}
