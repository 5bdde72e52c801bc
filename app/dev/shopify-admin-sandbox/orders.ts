/**
 * The sandbox's orders, held as the GraphQL Admin API's `Order` objects (docs/shopify-admin-api.md
 * §3): camelCase fields, `MoneyBag`s with Decimal strings as Shopify writes them (no padding:
 * "199.0"), ids as gids with `legacyResourceId` a string, enums in upper case, DateTimes in UTC
 * ("…Z"). They are built from orders/create bodies (the fixtures the webhook tests use), so the
 * same order exists in both shapes and the app's reader of one can be checked against the other.
 */

type Json = Record<string, unknown>;

export interface SandboxOrder extends Json {
  id: string;
  legacyResourceId: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  test: boolean;
  tags: string[];
  displayFinancialStatus: string | null;
  sourceName: string | null;
}

/** "49.10" → "49.1", "0.00" → "0.0", "300" → "300.0": how GraphQL's Decimal scalar is written. */
export function graphqlDecimal(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  const trimmed = fraction.replace(/0+$/, "");
  return `${whole}.${trimmed === "" ? "0" : trimmed}`;
}

/** An ISO time with any offset → the same instant in UTC, written as GraphQL DateTime ("2024-01-15T15:00:00Z"). */
export function utcDateTime(stamp: string | null | undefined): string | null {
  if (!stamp) return null;
  return new Date(stamp).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function moneyV2(money: unknown): Json | null {
  if (!money || typeof money !== "object") return null;
  const { amount, currency_code } = money as { amount: string; currency_code: string };
  return { amount: graphqlDecimal(String(amount)), currencyCode: currency_code };
}

/** `{shop_money, presentment_money}` → `MoneyBag {shopMoney, presentmentMoney}`; a bare amount gets the shop currency. */
function moneyBag(set: unknown, fallbackAmount?: unknown, currency?: string): Json | null {
  if (set && typeof set === "object" && "shop_money" in set) {
    const { shop_money, presentment_money } = set as { shop_money: unknown; presentment_money?: unknown };
    const shopMoney = moneyV2(shop_money);
    return { shopMoney, presentmentMoney: moneyV2(presentment_money) ?? shopMoney };
  }
  if (fallbackAmount === undefined || fallbackAmount === null || !currency) return null;
  const money = { amount: graphqlDecimal(String(fallbackAmount)), currencyCode: currency };
  return { shopMoney: money, presentmentMoney: money };
}

function gid(type: string, id: unknown): string | null {
  return id === null || id === undefined ? null : `gid://shopify/${type}/${String(id)}`;
}

function taxLine(line: Json, currency: string): Json {
  const rate = typeof line.rate === "string" ? Number(line.rate) : ((line.rate as number | null | undefined) ?? null);
  return {
    title: line.title ?? null,
    rate,
    // ratePercentage is the same rate ×100, rounded to what Shopify shows (Float).
    ratePercentage: rate === null ? null : Math.round(rate * 100 * 1e6) / 1e6,
    priceSet: moneyBag(line.price_set, line.price, currency),
    source: line.source ?? null,
    channelLiable: line.channel_liable ?? null,
  };
}

const DISCOUNT_TYPENAMES: Record<string, string> = {
  discount_code: "DiscountCodeApplication",
  manual: "ManualDiscountApplication",
  script: "ScriptDiscountApplication",
  automatic: "AutomaticDiscountApplication",
};

function discountApplication(application: Json, index: number): Json {
  const typename = DISCOUNT_TYPENAMES[String(application.type)] ?? "AutomaticDiscountApplication";
  const upper = (value: unknown) => (typeof value === "string" ? value.toUpperCase() : null);
  return {
    __typename: typename,
    index,
    allocationMethod: upper(application.allocation_method),
    targetSelection: upper(application.target_selection),
    targetType: upper(application.target_type),
    ...(typename === "DiscountCodeApplication" ? { code: application.code ?? null } : { title: application.title ?? null }),
    ...(typename === "ManualDiscountApplication" ? { description: application.description ?? null } : {}),
  };
}

function allocations(list: unknown, applications: Json[], currency: string): Json[] {
  return ((list as Json[] | undefined) ?? []).map((allocation) => {
    const index = allocation.discount_application_index as number | undefined;
    const application = index === undefined ? undefined : applications[index];
    return {
      allocatedAmountSet: moneyBag(allocation.amount_set, allocation.amount, currency),
      discountApplication: application ? discountApplication(application, index!) : null,
    };
  });
}

function mailingAddress(address: unknown): Json | null {
  if (!address || typeof address !== "object") return null;
  const a = address as Json;
  const name = a.name ?? ([a.first_name, a.last_name].filter(Boolean).join(" ") || null);
  return {
    firstName: a.first_name ?? null,
    lastName: a.last_name ?? null,
    name,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    provinceCode: a.province_code ?? null,
    zip: a.zip ?? null,
    country: a.country ?? null,
    countryCodeV2: a.country_code ?? null,
    phone: a.phone ?? null,
  };
}

function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String);
  if (typeof tags !== "string") return [];
  return tags
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** What the order's transactions are, given its financial status (the orders/create body carries none). */
function transactions(order: Json, total: Json | null, outstanding: Json | null, currency: string): Json[] {
  const status = String(order.financial_status ?? "");
  const gateway = ((order.payment_gateway_names as string[] | undefined) ?? [])[0] ?? "manual";
  const processedAt = utcDateTime((order.processed_at ?? order.created_at) as string);
  const base = { gateway, formattedGateway: gateway, test: Boolean(order.test), processedAt, parentTransaction: null };
  const id = (n: number) => gid("OrderTransaction", `${String(order.id)}${n}`);
  if (status === "paid") return [{ id: id(1), kind: "SALE", status: "SUCCESS", amountSet: total, ...base }];
  if (status === "partially_paid" && total && outstanding) {
    const shopMoney = total.shopMoney as { amount: string };
    const owed = outstanding.shopMoney as { amount: string };
    const paid = graphqlDecimal(subtract(shopMoney.amount, owed.amount));
    const money = { amount: paid, currencyCode: currency };
    return [{ id: id(1), kind: "SALE", status: "SUCCESS", amountSet: { shopMoney: money, presentmentMoney: money }, ...base }];
  }
  if (status === "authorized") return [{ id: id(1), kind: "AUTHORIZATION", status: "SUCCESS", amountSet: total, ...base }];
  return [];
}

/** Exact decimal a − b (strings), for the sandbox's own figures. */
function subtract(a: string, b: string): string {
  const scale = Math.max(a.split(".")[1]?.length ?? 0, b.split(".")[1]?.length ?? 0);
  const toMinor = (value: string) => {
    const [whole, fraction = ""] = value.split(".");
    return BigInt(`${whole}${fraction.padEnd(scale, "0")}`);
  };
  const minor = toMinor(a) - toMinor(b);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`;
}

/** An orders/create body → the same order as the GraphQL Admin API's `Order`. */
export function graphqlOrderFromWebhook(order: Json): SandboxOrder {
  const currency = String(order.currency);
  const applications = (order.discount_applications as Json[] | undefined) ?? [];
  const bag = (field: string, fallback?: string) => moneyBag(order[field], fallback === undefined ? undefined : order[fallback], currency);
  const totalPriceSet = bag("total_price_set", "total_price");
  const totalOutstandingSet = moneyBag(undefined, order.total_outstanding ?? "0", currency);
  const customer = order.customer as Json | null | undefined;
  const lineItems = ((order.line_items as Json[] | undefined) ?? []).map((item) => ({
    id: gid("LineItem", item.id),
    title: item.title,
    name: item.name ?? item.title,
    variantTitle: item.variant_title ?? null,
    sku: item.sku ?? null,
    quantity: item.quantity,
    currentQuantity: item.current_quantity ?? item.quantity,
    taxable: item.taxable ?? true,
    isGiftCard: Boolean(item.gift_card),
    requiresShipping: item.requires_shipping ?? true,
    variant: item.variant_id ? { id: gid("ProductVariant", item.variant_id) } : null,
    product: item.product_id ? { id: gid("Product", item.product_id) } : null,
    customAttributes: ((item.properties as Json[] | null | undefined) ?? []).map((property) => ({
      key: property.name,
      value: property.value === null ? null : String(property.value),
    })),
    originalUnitPriceSet: moneyBag(item.price_set, item.price, currency),
    discountAllocations: allocations(item.discount_allocations, applications, currency),
    taxLines: ((item.tax_lines as Json[] | undefined) ?? []).map((line) => taxLine(line, currency)),
    duties: ((item.duties as Json[] | undefined) ?? []).map((duty) => ({
      harmonizedSystemCode: duty.harmonized_system_code ?? null,
      price: moneyBag(duty.price_set, undefined, currency),
      taxLines: ((duty.tax_lines as Json[] | undefined) ?? []).map((line) => taxLine(line, currency)),
    })),
  }));
  const shippingLines = ((order.shipping_lines as Json[] | undefined) ?? []).map((line) => ({
    id: gid("ShippingLine", line.id),
    title: line.title ?? null,
    code: line.code ?? null,
    source: line.source ?? null,
    carrierIdentifier: line.carrier_identifier ?? null,
    isRemoved: Boolean(line.is_removed),
    originalPriceSet: moneyBag(line.price_set, line.price, currency),
    discountedPriceSet: moneyBag(line.discounted_price_set, line.discounted_price ?? line.price, currency),
    currentDiscountedPriceSet: moneyBag(line.discounted_price_set, line.discounted_price ?? line.price, currency),
    discountAllocations: allocations(line.discount_allocations, applications, currency),
    taxLines: ((line.tax_lines as Json[] | undefined) ?? []).map((tax) => taxLine(tax, currency)),
  }));
  const createdAt = utcDateTime(order.created_at as string)!;
  return {
    __typename: "Order",
    id: gid("Order", order.id)!,
    legacyResourceId: String(order.id),
    name: order.name,
    number: order.number ?? Number(order.order_number) - 1000,
    createdAt,
    processedAt: utcDateTime((order.processed_at ?? order.created_at) as string)!,
    updatedAt: utcDateTime((order.updated_at ?? order.created_at) as string)!,
    cancelledAt: utcDateTime(order.cancelled_at as string | null),
    closedAt: utcDateTime(order.closed_at as string | null),
    test: Boolean(order.test),
    currencyCode: currency,
    presentmentCurrencyCode: order.presentment_currency ?? currency,
    taxesIncluded: Boolean(order.taxes_included),
    taxExempt: Boolean(order.tax_exempt),
    dutiesIncluded: Boolean(order.duties_included),
    email: order.email ?? order.contact_email ?? null,
    phone: order.phone ?? null,
    sourceName: (order.source_name as string | null) ?? null,
    tags: tagList(order.tags),
    displayFinancialStatus: typeof order.financial_status === "string" ? order.financial_status.toUpperCase() : null,
    paymentGatewayNames: order.payment_gateway_names ?? [],
    customer: customer
      ? {
          id: gid("Customer", customer.id),
          legacyResourceId: String(customer.id),
          firstName: customer.first_name ?? null,
          lastName: customer.last_name ?? null,
          displayName: [customer.first_name, customer.last_name].filter(Boolean).join(" ") || (customer.email ?? ""),
          defaultEmailAddress: customer.email ? { emailAddress: customer.email } : null,
          defaultPhoneNumber: customer.phone ? { phoneNumber: customer.phone } : null,
        }
      : null,
    billingAddress: mailingAddress(order.billing_address),
    shippingAddress: mailingAddress(order.shipping_address),
    lineItems,
    shippingLines,
    subtotalPriceSet: bag("subtotal_price_set", "subtotal_price"),
    totalShippingPriceSet: bag("total_shipping_price_set"),
    totalPriceSet,
    currentTotalPriceSet: bag("current_total_price_set", "total_price"),
    totalTaxSet: bag("total_tax_set", "total_tax"),
    currentTotalTaxSet: bag("current_total_tax_set", "total_tax"),
    totalDiscountsSet: bag("total_discounts_set", "total_discounts"),
    totalTipReceivedSet: moneyBag(undefined, order.total_tip_received ?? "0", currency),
    totalOutstandingSet,
    totalRefundedSet: moneyBag(undefined, "0", currency),
    originalTotalDutiesSet: bag("original_total_duties_set"),
    currentTotalDutiesSet: bag("current_total_duties_set"),
    originalTotalAdditionalFeesSet: bag("original_total_additional_fees_set"),
    currentTotalAdditionalFeesSet: bag("current_total_additional_fees_set"),
    additionalFees: [],
    discountApplications: applications.map((application, index) => discountApplication(application, index)),
    transactions: transactions(order, totalPriceSet, totalOutstandingSet, currency),
    refunds: [],
    metafields: [],
  };
}
