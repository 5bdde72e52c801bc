/**
 * What the order lifecycle topics carry (docs/shopify-order-lifecycle.md), as far as we read it.
 * Loose objects (a newer API version may add fields); money as decimal strings, except the two
 * fields Shopify writes as JSON numbers (a refund line's `subtotal` and `total_tax`), which we
 * read from their `*_set` twins when present. Ids are exact digit strings (app/shopify/json.ts).
 */
import { z } from "zod";
import { gidDigits, shopifyId, withOrderId } from "../../shopify/json";
import { moneySetSchema } from "../../shopify/order-schema";

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number written as a string");
/** A number Shopify writes as JSON number (refund line subtotal/total_tax): its text, never a float computation. */
const decimalNumber = z.union([decimalString, z.number().transform((value) => String(value))]);

/** A transaction; `id` from `admin_graphql_api_id` when the body has none. */
export const transactionSchema = z.preprocess(
  (value) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return value;
    const body = value as Record<string, unknown>;
    if (body.id !== undefined && body.id !== null) return body;
    const id = gidDigits(body.admin_graphql_api_id, "OrderTransaction");
    return id ? { ...body, id } : body;
  },
  z.looseObject({
    id: shopifyId,
    order_id: shopifyId,
    kind: z.string(),
    status: z.string(),
    amount: decimalString,
    currency: z.string().nullish(),
    gateway: z.string().nullish(),
    parent_id: shopifyId.nullish(),
    test: z.boolean().nullish(),
    processed_at: z.string().nullish(),
    created_at: z.string().nullish(),
  }),
);
export type ShopifyTransaction = z.infer<typeof transactionSchema>;

export const refundLineItemSchema = z.looseObject({
  id: shopifyId.nullish(),
  line_item_id: shopifyId,
  quantity: z.number().int().nonnegative(),
  subtotal: decimalNumber.nullish(),
  total_tax: decimalNumber.nullish(),
  subtotal_set: moneySetSchema.nullish(),
  total_tax_set: moneySetSchema.nullish(),
  line_item: z
    .looseObject({
      title: z.string().nullish(),
      name: z.string().nullish(),
      tax_lines: z
        .array(z.looseObject({ title: z.string().nullish(), rate: z.union([z.number(), decimalString]).nullish(), price: decimalString }))
        .nullish(),
    })
    .nullish(),
});

export const refundShippingLineSchema = z.looseObject({
  id: shopifyId.nullish(),
  shipping_line_id: shopifyId.nullish(),
  subtotal_amount_set: moneySetSchema.nullish(),
  tax_amount_set: moneySetSchema.nullish(),
  shipping_line: z.looseObject({ title: z.string().nullish(), price: decimalString.nullish() }).nullish(),
});

export const orderAdjustmentSchema = z.looseObject({
  id: shopifyId.nullish(),
  kind: z.string().nullish(),
  reason: z.string().nullish(),
  amount: decimalString,
  tax_amount: decimalString.nullish(),
  amount_set: moneySetSchema.nullish(),
  tax_amount_set: moneySetSchema.nullish(),
});

export const refundSchema = z.preprocess(
  (value) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return value;
    const body = value as Record<string, unknown>;
    if (body.id !== undefined && body.id !== null) return body;
    const id = gidDigits(body.admin_graphql_api_id, "Refund");
    return id ? { ...body, id } : body;
  },
  z.looseObject({
    id: shopifyId,
    order_id: shopifyId,
    created_at: z.string().nullish(),
    processed_at: z.string().nullish(),
    note: z.string().nullish(),
    refund_line_items: z.array(refundLineItemSchema).optional().default([]),
    refund_shipping_lines: z
      .array(refundShippingLineSchema)
      .nullish()
      .transform((value) => value ?? []),
    order_adjustments: z.array(orderAdjustmentSchema).optional().default([]),
    transactions: z.array(z.unknown()).optional().default([]),
    duties: z
      .array(z.looseObject({ duty_id: shopifyId.nullish(), amount_set: moneySetSchema.nullish() }))
      .nullish()
      .transform((value) => value ?? []),
  }),
);
export type ShopifyRefund = z.infer<typeof refundSchema>;

/** orders/paid, orders/cancelled, orders/updated: the full order, plus what these topics add. */
export const lifecycleOrderSchema = z.preprocess(
  withOrderId,
  z.looseObject({
    id: shopifyId,
    updated_at: z.string().nullish(),
    cancelled_at: z.string().nullish(),
    cancel_reason: z.string().nullish(),
    financial_status: z.string().nullish(),
    total_price: decimalString,
    total_price_set: moneySetSchema.nullish(),
    total_outstanding: decimalString.nullish(),
    current_total_price: decimalString.nullish(),
    current_total_price_set: moneySetSchema.nullish(),
    refunds: z.array(z.unknown()).nullish(),
  }),
);

/** The topics this module handles, in the library's form, and their route topics. */
export const LIFECYCLE_TOPICS = {
  ORDERS_PAID: "orders/paid",
  ORDER_TRANSACTIONS_CREATE: "order_transactions/create",
  REFUNDS_CREATE: "refunds/create",
  ORDERS_CANCELLED: "orders/cancelled",
  ORDERS_UPDATED: "orders/updated",
} as const;
export type LifecycleTopic = keyof typeof LIFECYCLE_TOPICS;
