/**
 * The app backend as the order-page extensions call it (app/routes/api.extension.*). Shared by
 * the block and the actions; not an extension itself (no shopify.extension.toml here).
 *
 * `fetch` to the app's own URL: a relative path resolves against the app's `application_url`.
 * The session token is added explicitly (`shopify.auth.idToken()`), which works for the app's
 * domain and any other; the backend checks it with authenticate.admin.
 */

export type Tone = "success" | "warning" | "critical" | "info" | "caution" | "neutral";

/** The order's FreshBooks state, as app/models/extension-order.server.ts answers it. */
export interface OrderState {
  orderId: string;
  orderName: string;
  status: "queued" | "syncing" | "synced" | "synced_with_difference" | "failed" | "needs_reconnect" | "skipped";
  label: string;
  tone: Tone;
  reason: string | null;
  invoice: { number: string; url: string | null } | null;
  tieOut: { currency: string; shopifyTotal: string; freshbooksTotal: string | null; difference: string | null };
  payment: { recorded: boolean; recordingOn: boolean };
  skippedBy: string | null;
  lastAttemptAt: string | null;
  canRetry: boolean;
  canSend: boolean;
  syncLogUrl: string;
}

export type SyncOutcome = "queued" | "sent" | "unchanged" | "not_found";
export interface SyncResult {
  orderId: string;
  outcome: SyncOutcome;
  state: OrderState | null;
}

export class BackendError extends Error {
  constructor(readonly status: number) {
    super(`The app answered ${status}`);
  }
}

type Auth = { idToken(): Promise<string | null> };

/** A request to the backend with the session token; one retry on 401 (an expired token is renewed). */
async function call(auth: Auth, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await auth.idToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (response.status === 401 && attempt === 0) continue;
    return response;
  }
}

/** The order's state; null when the order is not in the sync log (404). */
export async function fetchOrderState(auth: Auth, orderGid: string): Promise<OrderState | null> {
  const response = await call(auth, `/api/extension/orders/${encodeURIComponent(orderGid)}`);
  if (response.status === 404) return null;
  if (!response.ok) throw new BackendError(response.status);
  return ((await response.json()) as { order: OrderState }).order;
}

/** Retry / Send to FreshBooks for the selected orders (gids); one outcome per order. */
export async function syncAgain(auth: Auth, orderGids: string[]): Promise<SyncResult[]> {
  const response = await call(auth, "/api/extension/sync", { method: "POST", body: { orderIds: orderGids } });
  if (!response.ok) throw new BackendError(response.status);
  return ((await response.json()) as { results: SyncResult[] }).results;
}

/** An amount as the backend sends it (a decimal string) with its currency: never via a float. */
export function money(amount: string, currency: string): string {
  return `${amount} ${currency}`;
}
