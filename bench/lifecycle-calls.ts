import { readFileSync } from "node:fs";
import path from "node:path";
import { callCounts } from "./lib/audit";
import { BENCH_SHOP, ROOT, SHOPIFY_SECRET } from "./lib/config";
import { orderId, signedHeaders } from "./lib/orders";
import type { BenchStack } from "./lib/stack";

type Body = Record<string, unknown>;

function lifecycleFixture(name: string): Body {
  return JSON.parse(readFileSync(path.join(ROOT, `tests/fixtures/lifecycle/${name}.json`), "utf8")) as Body;
}

/** Each event kind: its topic and its payload for bench order n (the US fixture's lines, the order's own ids). */
const EVENTS = {
  refund: {
    topic: "refunds/create",
    body: (n: number, i: number): Body => {
      const refund = lifecycleFixture("refunds-create.line-item");
      const id = 8_200_000_000_000 + n * 10 + i;
      const transactions = (refund.transactions as Body[]).map((transaction, t) => ({
        ...transaction,
        id: 7_200_000_000_000 + n * 10 + i + t,
        order_id: orderId(n),
      }));
      return { ...refund, id, admin_graphql_api_id: `gid://shopify/Refund/${id}`, order_id: orderId(n), transactions };
    },
  },
  transaction: {
    topic: "order_transactions/create",
    body: (n: number): Body => {
      const transaction = lifecycleFixture("order_transactions-create.sale");
      // The sale the order was paid with, as Shopify sends it again after the order: nothing new to record.
      const id = 7_300_000_000_000 + n;
      return { ...transaction, id, admin_graphql_api_id: `gid://shopify/OrderTransaction/${id}`, order_id: orderId(n) };
    },
  },
  edit: {
    topic: "orders/updated",
    body: (n: number): Body => orderPayload(lifecycleFixture("orders-updated.edit-add-remove"), n),
  },
  cancel: {
    topic: "orders/cancelled",
    body: (n: number): Body => orderPayload(lifecycleFixture("orders-cancelled.paid-refunded"), n),
  },
} as const;

export type LifecycleEventKind = keyof typeof EVENTS;

function orderPayload(body: Body, n: number): Body {
  const refunds = ((body.refunds as Body[] | undefined) ?? []).map((refund, r) => ({
    ...refund,
    id: 8_400_000_000_000 + n * 10 + r,
    order_id: orderId(n),
    transactions: ((refund.transactions as Body[] | undefined) ?? []).map((t, k) => ({
      ...t,
      id: 7_400_000_000_000 + n * 10 + r + k,
      order_id: orderId(n),
    })),
  }));
  return {
    ...body,
    id: orderId(n),
    admin_graphql_api_id: `gid://shopify/Order/${orderId(n)}`,
    name: `#${n}`,
    order_number: n,
    number: n - 1000,
    ...(body.refunds ? { refunds } : {}),
  };
}

async function deliver(stack: BenchStack, topic: string, body: Body): Promise<number> {
  const raw = JSON.stringify(body);
  const headers = { ...signedHeaders(raw, BENCH_SHOP, SHOPIFY_SECRET), "x-shopify-topic": topic };
  const response = await fetch(`${stack.appUrl}/webhooks/${topic}`, { method: "POST", headers, body: raw });
  await response.arrayBuffer();
  return response.status;
}

/** Polls until `expected` events have settled; null when nothing moved for `stallMs`. */
async function waitForEvents(stack: BenchStack, expected: number, stallMs: number): Promise<Record<string, number> | null> {
  let deadline = Date.now() + stallMs;
  let last = "";
  for (;;) {
    const rows = await stack.query<{ status: string; n: string }>(
      "select status, count(*) as n from order_event where shop = $1 group by status order by status",
      [BENCH_SHOP],
    );
    const statuses = Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
    const total = rows.reduce((sum, row) => sum + Number(row.n), 0);
    const unsettled = (statuses.queued ?? 0) + (statuses.waiting ?? 0) + (statuses.processing ?? 0);
    if (total >= expected && unsettled === 0) return statuses;
    const progress = JSON.stringify(statuses);
    if (progress !== last) {
      last = progress;
      deadline = Date.now() + stallMs;
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface LifecycleCalls {
  /** FreshBooks API calls (OAuth token calls apart) per event, by kind. */
  perEvent: Record<LifecycleEventKind, { events: number; calls: number; perEvent: number; byKind: Record<string, number> }>;
  statuses: Record<string, number>;
  settled: boolean;
  creditNotes: number;
  duplicateCreditNotes: number;
}

/**
 * Later events on synced orders, one kind at a time on orders of their own (`perKind` each, from
 * order `first` on): what each costs in FreshBooks calls.
 */
export async function lifecycleCalls(stack: BenchStack, first: number, perKind: number, stallMs: number): Promise<LifecycleCalls> {
  const perEvent = {} as LifecycleCalls["perEvent"];
  let sent = 0;
  let settled = true;
  let statuses: Record<string, number> = {};
  let order = first;
  for (const kind of Object.keys(EVENTS) as LifecycleEventKind[]) {
    const before = callCounts(stack);
    for (let i = 0; i < perKind; i++, order++) {
      const status = await deliver(stack, EVENTS[kind].topic, EVENTS[kind].body(order, 0));
      if (status !== 200) throw new Error(`${EVENTS[kind].topic} for order ${order} answered ${status}`);
      sent++;
    }
    const result = await waitForEvents(stack, sent, stallMs);
    if (!result) settled = false;
    statuses = result ?? statuses;
    const after = callCounts(stack);
    const byKind = Object.fromEntries(
      Object.entries(after)
        .map(([call, n]) => [call, n - (before[call] ?? 0)] as const)
        .filter(([call, n]) => n > 0 && call !== "token"),
    );
    const calls = Object.values(byKind).reduce((sum, n) => sum + n, 0);
    perEvent[kind] = { events: perKind, calls, perEvent: Math.round((calls / perKind) * 100) / 100, byKind };
  }
  const notes = stack.sandbox.state.creditNotes() as unknown as { credit_number: string; vis_state: number }[];
  const numbers = notes.filter((note) => note.vis_state !== 1).map((note) => note.credit_number);
  return { perEvent, statuses, settled, creditNotes: numbers.length, duplicateCreditNotes: numbers.length - new Set(numbers).size };
}
