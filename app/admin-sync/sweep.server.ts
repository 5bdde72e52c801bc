/**
 * The completeness sweep (docs/shopify-admin-api.md §7): Shopify does not guarantee webhook
 * delivery, so every ADMIN_SWEEP_INTERVAL_MINUTES each installed shop's orders created since the
 * last sweep (less an overlap, up to a short lag for webhooks still on their way) are listed
 * through the Admin API — ids only, one small query per page of 250 — and any order we never
 * received is read in full and queued, marked "recovered by the sweep". With nothing missing a
 * sweep costs one query per shop.
 */
import type { PrismaClient } from "@prisma/client";
import type { Logger } from "../logger.server";
import { adminGraphql, AdminApiError, type AdminCallOptions } from "../shopify/admin-api.server";
import { readOrderAsWebhook } from "../shopify/order-reader.server";
import { recordAdminOrder } from "./record.server";

/** Orders created in the last OVERLAP before the previous sweep's end are compared again (clock skew, late indexing). */
export const SWEEP_OVERLAP_MS = 30 * 60 * 1000;
/** Orders younger than this are left to their webhook (Shopify sends it within seconds; retries take longer). */
export const SWEEP_LAG_MS = 5 * 60 * 1000;
/** A shop's first sweep looks back this far. */
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** The silence alert: this many orders missing in one sweep, or missing orders for this long. */
export const SILENCE_HANDFUL = 5;
export const SILENCE_HOURS = 2;

const IDS_QUERY = `query SweepOrderIds($q: String!, $after: String) {
  orders(first: 250, after: $after, query: $q, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { legacyResourceId }
  }
}`;

type IdsPage = { orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { legacyResourceId: string }[] } };

export interface SweepResult {
  shop: string;
  listed: number;
  recovered: string[];
  from: Date;
  until: Date;
}

export interface SweepDeps {
  db: PrismaClient;
  logger: Logger;
  now?: () => Date;
  admin?: AdminCallOptions;
}

/** Shops with an offline session that are not uninstalled: the ones the sweep visits. */
export async function sweepableShops(db: PrismaClient): Promise<string[]> {
  const rows = await db.$queryRaw<{ shop: string }[]>`
    select distinct s.shop from "Session" s
    where s."isOnline" = false and not exists (
      select 1 from shop_settings x where x.shop = s.shop and x.uninstalled_at is not null)
    order by s.shop`;
  return rows.map((row) => row.shop);
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Ids in `ids` that have no order_sync row for the shop. */
async function unknownIds(db: PrismaClient, shop: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = await db.$queryRaw<{ order_id: string }[]>`
    select order_id from order_sync where shop = ${shop} and order_id = any(${ids}::text[])`;
  const have = new Set(known.map((row) => row.order_id));
  return ids.filter((id) => !have.has(id));
}

export async function sweepShop(shop: string, deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now?.() ?? new Date();
  const state = await deps.db.shopSweep.findUnique({ where: { shop } });
  const from = new Date((state?.sweptUntil.getTime() ?? now.getTime() - FIRST_SWEEP_LOOKBACK_MS + SWEEP_OVERLAP_MS) - SWEEP_OVERLAP_MS);
  const until = new Date(Math.max(from.getTime(), now.getTime() - SWEEP_LAG_MS));
  const q = `created_at:>=${iso(from)} created_at:<${iso(until)}`;
  const recovered: string[] = [];
  let listed = 0;
  try {
    let after: string | null = null;
    for (;;) {
      const page: IdsPage = await adminGraphql<IdsPage>(shop, IDS_QUERY, { q, after }, deps.admin);
      const ids = page.orders.nodes.map((node) => node.legacyResourceId);
      listed += ids.length;
      for (const orderId of await unknownIds(deps.db, shop, ids)) {
        const payload = await readOrderAsWebhook(shop, orderId, deps.admin);
        if (payload && (await recordAdminOrder(deps.db, shop, payload, "sweep"))) recovered.push(orderId);
      }
      if (!page.orders.pageInfo.hasNextPage) break;
      after = page.orders.pageInfo.endCursor;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Nothing advances: the next sweep covers the same window again.
    await deps.db.shopSweep.upsert({
      where: { shop },
      create: { shop, sweptUntil: new Date(from.getTime() + SWEEP_OVERLAP_MS), lastRunAt: now, lastError: message },
      update: { lastRunAt: now, lastError: message, updatedAt: now },
    });
    deps.logger.warn({ shop, error: message, recovered: recovered.length }, "completeness sweep stopped");
    if (error instanceof AdminApiError && !error.retryable) return { shop, listed, recovered, from, until };
    throw error;
  }
  const streak = recovered.length > 0;
  await deps.db.shopSweep.upsert({
    where: { shop },
    create: {
      shop,
      sweptUntil: until,
      lastRunAt: now,
      lastFound: recovered.length,
      foundTotal: recovered.length,
      missingSince: streak ? now : null,
      missingInStreak: recovered.length,
    },
    update: {
      sweptUntil: until,
      lastRunAt: now,
      lastFound: recovered.length,
      foundTotal: { increment: recovered.length },
      missingSince: streak ? (state?.missingSince ?? now) : null,
      missingInStreak: streak ? { increment: recovered.length } : 0,
      lastError: null,
      updatedAt: now,
    },
  });
  if (streak) deps.logger.warn({ shop, recovered: recovered.length }, "completeness sweep recovered orders no webhook delivered");
  return { shop, listed, recovered, from, until };
}

export interface WebhookSilence {
  /** Orders no webhook delivered, in the current streak of sweeps that found some. */
  missing: number;
  since: Date;
}

/** The silence alert of one shop: a handful of orders missing at once, or missing orders for hours; null when all is well. */
export async function webhookSilence(db: PrismaClient, shop: string, now = new Date()): Promise<WebhookSilence | null> {
  const state = await db.shopSweep.findUnique({ where: { shop } });
  return silenceOf(state, now);
}

function silenceOf(
  state: { missingSince: Date | null; missingInStreak: number; lastFound: number } | null,
  now: Date,
): WebhookSilence | null {
  if (!state?.missingSince) return null;
  const hours = (now.getTime() - state.missingSince.getTime()) / 3_600_000;
  if (state.lastFound >= SILENCE_HANDFUL || state.missingInStreak >= SILENCE_HANDFUL || hours >= SILENCE_HOURS) {
    return { missing: state.missingInStreak, since: state.missingSince };
  }
  return null;
}

/** For /healthz: how many shops are in the silence alert now (no shop names). */
export async function shopsWithWebhookSilence(db: PrismaClient, now = new Date()): Promise<number> {
  const rows = await db.shopSweep.findMany({ where: { missingSince: { not: null } } });
  return rows.filter((row) => silenceOf(row, now) !== null).length;
}
