import type { ShopifyOrder } from "../shopify/order-schema";

/**
 * The order the invoice preview uses for a store with no order yet: a typical web order with a
 * 10 % discount code across two products, a state tax per line, untaxed shipping, paid by card.
 * Shopify's numbers add up (45.00 − 4.50 + 3.60 + 5.00 = 49.10) so the preview ties out.
 */
export const SAMPLE_ORDER: ShopifyOrder = {
  id: "1001",
  name: "#1001",
  order_number: 1001,
  test: false,
  source_name: "web",
  email: "jane.doe@example.com",
  contact_email: "jane.doe@example.com",
  phone: null,
  created_at: "2024-01-15T10:00:00-05:00",
  processed_at: "2024-01-15T10:00:00-05:00",
  financial_status: "paid",
  payment_gateway_names: ["shopify_payments"],
  currency: "USD",
  taxes_included: false,
  total_price: "49.10",
  total_price_set: { shop_money: { amount: "49.10", currency_code: "USD" } },
  tax_lines: [{ title: "NY State Tax", rate: 0.08875, price: "3.60" }],
  discount_applications: [
    {
      type: "discount_code",
      code: "SAVE10",
      value: "10.0",
      value_type: "percentage",
      allocation_method: "across",
      target_type: "line_item",
    },
  ],
  customer: { id: "7123456789012", email: "jane.doe@example.com", first_name: "Jane", last_name: "Doe" },
  billing_address: {
    first_name: "Jane",
    last_name: "Doe",
    address1: "1 Main St",
    city: "New York",
    province_code: "NY",
    zip: "10001",
    country: "United States",
  },
  line_items: [
    {
      title: "Product A",
      quantity: 2,
      price: "10.00",
      taxable: true,
      tax_lines: [{ title: "NY State Tax", rate: 0.08875, price: "1.60" }],
      discount_allocations: [{ amount: "2.00", discount_application_index: 0 }],
    },
    {
      title: "Product B",
      quantity: 1,
      price: "25.00",
      taxable: true,
      tax_lines: [{ title: "NY State Tax", rate: 0.08875, price: "2.00" }],
      discount_allocations: [{ amount: "2.50", discount_application_index: 0 }],
    },
  ],
  shipping_lines: [{ title: "Standard", price: "5.00", discounted_price: "5.00", tax_lines: [], discount_allocations: [] }],
};
