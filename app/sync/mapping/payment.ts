/** The FreshBooks payment recording what Shopify already captured for the order. */
import type { PaymentInput } from "../../freshbooks/types";
import type { ShopifyOrder } from "../../shopify/order-schema";
import type { MoneyReader } from "./money";

/** FreshBooks payment types (docs/freshbooks-api.md §6): Check, Credit, Cash, Bank Transfer, Credit Card, … Other. */
export type FreshBooksPaymentType = "Credit Card" | "PayPal" | "Cash" | "Bank Transfer" | "Other";

export function paymentTypeForGateway(gateway: string): FreshBooksPaymentType {
  const name = gateway.trim().toLowerCase();
  if (name.includes("gift_card") || name.includes("gift card")) return "Other";
  if (name.includes("paypal")) return "PayPal";
  if (name === "shopify_payments" || name.includes("stripe") || name.includes("credit card") || name.includes("credit_card"))
    return "Credit Card";
  if (name === "cash" || name.includes("cash on delivery") || name === "cod") return "Cash";
  if (name.includes("bank") || name === "manual") return "Bank Transfer";
  return "Other";
}

/** One type for the payment: the gateways' common type, or "Other" when they disagree. */
export function paymentType(gateways: readonly string[]): FreshBooksPaymentType {
  const types = new Set(gateways.map(paymentTypeForGateway));
  const [only] = types;
  return types.size === 1 && only !== undefined ? only : "Other";
}

export function mapPayment(
  order: ShopifyOrder,
  totalMinor: bigint,
  date: string,
  reader: MoneyReader,
): Omit<PaymentInput, "invoiceid"> | null {
  let amount: bigint;
  if (order.financial_status === "paid") amount = totalMinor;
  else if (order.financial_status === "partially_paid") amount = totalMinor - reader.minor(order.total_outstanding ?? "0");
  else return null;
  // Nothing captured (a free order): there is no payment to record.
  if (amount <= 0n) return null;
  const gateways = (order.payment_gateway_names ?? []).filter((gateway) => gateway.trim() !== "");
  const via = gateways.length > 0 ? ` via ${gateways.join(", ")}` : "";
  return {
    amount: reader.money(amount),
    date,
    type: paymentType(gateways),
    note: `Shopify order ${order.name}${via}`,
    send_client_notification: false,
  };
}
