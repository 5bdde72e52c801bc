/**
 * The fields of the REST `Order` resource (the orders/create webhook body) that the sync reads
 * (Shopify REST Admin API, `Order`). Objects are loose: unknown fields are kept, so a
 * newer API version adding fields never breaks parsing. Money is always a decimal string; we
 * validate its shape here so the mapping can parse it exactly, never through a float. Ids are
 * 64-bit: read from the raw body's digits (app/shopify/json.ts) and handed on as strings.
 */
import { z } from "zod";
import { withOrderId, shopifyId } from "./json";

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number written as a string");
const nullableText = z.string().nullable().optional();

export const moneySchema = z.looseObject({ amount: decimalString, currency_code: z.string() });

/** `{ shop_money, presentment_money }`: the same amount in the shop's and in the buyer's currency. */
export const moneySetSchema = z.looseObject({ shop_money: moneySchema, presentment_money: moneySchema.optional() });

export const taxLineSchema = z.looseObject({
  title: z.string().nullable().optional(),
  /** A fraction (0.08875 = 8.875 %); the Shopify library types it as a number. */
  rate: z.union([z.number(), decimalString]).nullable().optional(),
  price: decimalString,
  price_set: moneySetSchema.optional(),
  channel_liable: z.boolean().nullable().optional(),
});

export const discountAllocationSchema = z.looseObject({
  amount: decimalString,
  amount_set: moneySetSchema.optional(),
  discount_application_index: z.number().int().optional(),
});

export const discountApplicationSchema = z.looseObject({
  type: z.string().optional(),
  code: nullableText,
  title: nullableText,
  description: nullableText,
  value: z.string().optional(),
  value_type: z.string().optional(),
  allocation_method: z.string().optional(),
  target_type: z.string().optional(),
});

export const lineItemSchema = z.looseObject({
  id: shopifyId.optional(),
  title: z.string(),
  name: nullableText,
  variant_title: nullableText,
  sku: nullableText,
  quantity: z.number().int().nonnegative(),
  price: decimalString,
  price_set: moneySetSchema.optional(),
  taxable: z.boolean().optional(),
  gift_card: z.boolean().optional(),
  properties: z
    .array(z.looseObject({ name: z.string(), value: z.unknown() }))
    .nullable()
    .optional(),
  tax_lines: z.array(taxLineSchema).optional().default([]),
  discount_allocations: z.array(discountAllocationSchema).optional().default([]),
});

export const shippingLineSchema = z.looseObject({
  id: shopifyId.optional(),
  title: z.string().nullable().optional(),
  code: nullableText,
  price: decimalString,
  price_set: moneySetSchema.optional(),
  discounted_price: decimalString.optional(),
  discounted_price_set: moneySetSchema.optional(),
  is_removed: z.boolean().nullable().optional(),
  tax_lines: z.array(taxLineSchema).optional().default([]),
  discount_allocations: z.array(discountAllocationSchema).optional().default([]),
});

export const addressSchema = z.looseObject({
  first_name: nullableText,
  last_name: nullableText,
  company: nullableText,
  address1: nullableText,
  address2: nullableText,
  city: nullableText,
  province: nullableText,
  province_code: nullableText,
  zip: nullableText,
  country: nullableText,
  country_code: nullableText,
  phone: nullableText,
});

export const customerSchema = z.looseObject({
  id: shopifyId.nullable().optional(),
  email: nullableText,
  first_name: nullableText,
  last_name: nullableText,
  phone: nullableText,
});

/** The order; its `id` is its exact digits as a string (from `admin_graphql_api_id` when the body has no `id`). */
export const shopifyOrderSchema = z.preprocess(
  withOrderId,
  z.looseObject({
    id: shopifyId,
    name: z.string(),
    order_number: z.number().int(),
    number: z.number().int().optional(),
    test: z.boolean().optional().default(false),
    source_name: nullableText,
    email: nullableText,
    contact_email: nullableText,
    phone: nullableText,
    created_at: z.string(),
    processed_at: nullableText,
    financial_status: nullableText,
    payment_gateway_names: z.array(z.string()).nullable().optional(),
    currency: z.string(),
    presentment_currency: z.string().optional(),
    taxes_included: z.boolean().optional().default(false),
    total_price: decimalString,
    total_price_set: moneySetSchema.optional(),
    total_outstanding: decimalString.nullable().optional(),
    total_tip_received: decimalString.nullable().optional(),
    tax_lines: z.array(taxLineSchema).optional().default([]),
    discount_applications: z.array(discountApplicationSchema).optional().default([]),
    customer: customerSchema.nullable().optional(),
    billing_address: addressSchema.nullable().optional(),
    shipping_address: addressSchema.nullable().optional(),
    line_items: z.array(lineItemSchema),
    shipping_lines: z.array(shippingLineSchema).optional().default([]),
  }),
);

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
export type ShopifyLineItem = ShopifyOrder["line_items"][number];
export type ShopifyShippingLine = ShopifyOrder["shipping_lines"][number];
export type ShopifyTaxLine = z.infer<typeof taxLineSchema>;
export type ShopifyDiscountAllocation = z.infer<typeof discountAllocationSchema>;
export type ShopifyAddress = z.infer<typeof addressSchema>;
export type ShopifyMoneySet = z.infer<typeof moneySetSchema>;
