/**
 * What the demo reads and writes in the app's database directly, with plain SQL (the app's own
 * models belong to the app): the demo shop's install, and the sync log it reports from.
 */
import pg from "pg";
import { DEMO_SHOP, DEMO_SHOPIFY } from "./constants";
import type { DemoCustomer } from "./orders";

export interface SyncRow {
  orderName: string;
  orderNumber: number;
  status: string;
  statusReason: string | null;
  statusCause: string | null;
  statusDetail: string | null;
  attempts: number;
  invoiceNumber: string | null;
  customerName: string | null;
  totalPrice: string;
  currency: string;
  nextAttemptAt: Date | null;
}

/** A later event of an order (refund, payment, cancellation, edit) as the sync log records it. */
export interface EventRow {
  id: string;
  orderName: string | null;
  topic: string;
  status: string;
  statusReason: string | null;
}

export class DemoStore {
  private constructor(private readonly pool: pg.Pool) {}

  static open(url: string): DemoStore {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", () => {});
    return new DemoStore(pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /**
   * What a real install leaves behind: the offline session (token exchange cannot reach
   * Shopify offline; the demo never calls Shopify's API).
   */
  async installShop(): Promise<void> {
    await this.pool.query(
      `insert into "Session" (id, shop, state, "isOnline", scope, "accessToken")
       values ($1, $2, '', false, $3, $4)
       on conflict (id) do update set scope = excluded.scope`,
      [`offline_${DEMO_SHOP}`, DEMO_SHOP, DEMO_SHOPIFY.scopes, "shpat_demo_offline_token"],
    );
  }

  async connectionStatus(): Promise<string | null> {
    const result = await this.pool.query<{ status: string }>("select status from freshbooks_connection where shop = $1", [DEMO_SHOP]);
    return result.rows[0]?.status ?? null;
  }

  async orderCount(): Promise<number> {
    const result = await this.pool.query<{ count: string }>("select count(*) from order_sync where shop = $1", [DEMO_SHOP]);
    return Number(result.rows[0]?.count ?? 0);
  }

  async lastOrderNumber(): Promise<number | null> {
    const result = await this.pool.query<{ max: number | null }>("select max(order_number) as max from order_sync where shop = $1", [
      DEMO_SHOP,
    ]);
    return result.rows[0]?.max ?? null;
  }

  /** Customers of earlier orders, so later ones can come back. */
  async knownCustomers(): Promise<DemoCustomer[]> {
    const result = await this.pool.query<{ id: string; first: string | null; last: string | null; email: string | null }>(
      `select distinct on (payload->'customer'->>'id') payload->'customer'->>'id' as id, payload->'customer'->>'first_name' as first,
              payload->'customer'->>'last_name' as last, payload->'customer'->>'email' as email
       from order_sync where shop = $1 and jsonb_typeof(payload->'customer') = 'object'`,
      [DEMO_SHOP],
    );
    return result.rows
      .filter((row) => row.email && row.first && row.last)
      .map((row) => ({ id: Number(row.id), firstName: row.first ?? "", lastName: row.last ?? "", email: row.email ?? "" }));
  }

  async rows(fromNumber: number): Promise<SyncRow[]> {
    const result = await this.pool.query<SyncRow>(
      `select order_name as "orderName", order_number as "orderNumber", status, status_reason as "statusReason",
              status_cause as "statusCause", status_detail as "statusDetail", attempts,
              invoice_number as "invoiceNumber", customer_name as "customerName", total_price as "totalPrice", currency,
              next_attempt_at as "nextAttemptAt"
       from order_sync where shop = $1 and order_number >= $2 order by order_number`,
      [DEMO_SHOP, fromNumber],
    );
    return result.rows;
  }

  /** The later events of this run's orders, oldest first. */
  async events(fromNumber: number): Promise<EventRow[]> {
    const result = await this.pool.query<EventRow>(
      `select e.id::text as id, s.order_name as "orderName", e.topic, e.status, e.status_reason as "statusReason"
       from order_event e join order_sync s on s.shop = e.shop and s.order_id = e.order_id
       where e.shop = $1 and s.order_number >= $2 order by e.id`,
      [DEMO_SHOP, fromNumber],
    );
    return result.rows;
  }

  /** Orders still on their way (queued or being synced), of any run. */
  async inFlight(): Promise<number> {
    const result = await this.pool.query<{ count: string }>(
      "select count(*) from order_sync where shop = $1 and status in ('queued', 'syncing')",
      [DEMO_SHOP],
    );
    return Number(result.rows[0]?.count ?? 0);
  }

  async status(orderNumber: number): Promise<string | null> {
    const result = await this.pool.query<{ status: string }>("select status from order_sync where shop = $1 and order_number = $2", [
      DEMO_SHOP,
      orderNumber,
    ]);
    return result.rows[0]?.status ?? null;
  }
}
