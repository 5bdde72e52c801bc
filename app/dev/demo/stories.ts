/**
 * Later in some orders' lives (issue #13): the demo sends, a few orders after each of these, the
 * webhooks Shopify sends when the order is refunded, paid on delivery or cancelled, so the sync
 * log and the order page show what then reaches FreshBooks. Payloads: tests/fixtures/lifecycle
 * (the lives of the US fixture order), made the demo order's by demoLaterEvent.
 */
import type { StoryTemplate } from "./orders";

export interface Story {
  /** The order's index in the stream (0 = the first order of the run). */
  order: number;
  template: StoryTemplate;
  /** After which order of the stream the events are sent. */
  at: number;
  /** What the demo says when it sends them. */
  what: string;
  events: { topic: string; fixture: string }[];
}

export const STORIES: readonly Story[] = [
  {
    order: 4,
    template: "paid",
    at: 6,
    what: "one item returned: a credit note for it, and the payment reduced by the refund",
    events: [{ topic: "refunds/create", fixture: "refunds-create.line-item" }],
  },
  {
    order: 5,
    template: "cod",
    at: 7,
    what: "paid in cash on delivery: Shopify sends orders/paid and the transaction, one payment is recorded",
    events: [
      { topic: "orders/paid", fixture: "orders-paid.cod-marked-paid" },
      { topic: "order_transactions/create", fixture: "order_transactions-create.cod-marked-paid" },
    ],
  },
  {
    order: 7,
    template: "paid",
    at: 9,
    what: "cancelled and refunded in full: a credit note for the whole invoice",
    events: [
      { topic: "refunds/create", fixture: "refunds-create.full" },
      { topic: "orders/cancelled", fixture: "orders-cancelled.paid-refunded" },
    ],
  },
  {
    order: 8,
    template: "cod",
    at: 10,
    what: "cancelled before it was paid: its invoice is deleted in FreshBooks",
    events: [{ topic: "orders/cancelled", fixture: "orders-cancelled.unpaid" }],
  },
];

/** The stories a run of `orders` orders (0 = until stopped) has room for. */
export function storiesFor(orders: number): readonly Story[] {
  return STORIES.filter((story) => orders === 0 || story.at < orders);
}
