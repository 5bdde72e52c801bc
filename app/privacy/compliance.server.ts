import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { recordReceivedOrders } from "../models/order-sync.server";
import { redactOrderlessDeliveries, wholeAddressPattern } from "./orderless-deliveries.server";

/**
 * The mandatory privacy webhooks. What we hold about a customer: order snapshots (payload),
 * the name/email shown in the sync log, the webhook deliveries, and the customer→FreshBooks
 * client mapping. Data already sent to the merchant's FreshBooks is the merchant's own record
 * and stays there (docs/decisions/0007-privacy.md).
 */
const customerSchema = z.looseObject({ id: z.union([z.number(), z.string()]).nullish(), email: z.string().nullish() });
export const dataRequestSchema = z.looseObject({
  customer: customerSchema,
  orders_requested: z.array(z.union([z.number(), z.string()])).default([]),
});
export const customerRedactSchema = z.looseObject({
  customer: customerSchema,
  orders_to_redact: z.array(z.union([z.number(), z.string()])).default([]),
});

/** An email as we compare it: trimmed and lower-case (null when empty). */
export function normalisedEmail(email: string | null | undefined): string | null {
  return email?.trim().toLowerCase() || null;
}

/**
 * The shop's orders named in the request, or whose customer email is exactly the request's
 * (after trimming and lower-casing both sides). Never a pattern: `j_doe@…` does not reach
 * `j.doe@…` (Prisma's case-insensitive equals is ILIKE, where `_` and `%` are wildcards).
 * Index-backed: order_sync (shop, lower(btrim(customer_email))).
 */
async function customerOrders(
  db: PrismaClient,
  shop: string,
  orderIds: string[],
  email: string | null | undefined,
): Promise<Prisma.OrderSyncWhereInput> {
  const normalised = normalisedEmail(email);
  const byEmail = normalised
    ? await db.$queryRaw<{ id: bigint }[]>`
        select id from order_sync where shop = ${shop} and lower(btrim(customer_email)) = ${normalised}`
    : [];
  const or: Prisma.OrderSyncWhereInput[] = [];
  if (orderIds.length > 0) or.push({ orderId: { in: orderIds } });
  if (byEmail.length > 0) or.push({ id: { in: byEmail.map((row) => row.id) } });
  return { shop, OR: or.length > 0 ? or : [{ id: -1n }] };
}

export interface DataRequestSummary {
  id: string;
  receivedAt: string;
  customerEmail: string | null;
  orders: number;
  /** The customer was redacted since: the export is gone with their data. */
  erased: boolean;
}

/** The shop's latest customer data requests, for the merchant to download (Settings). */
export async function listDataRequests(db: PrismaClient, shop: string): Promise<DataRequestSummary[]> {
  const rows = await db.complianceRequest.findMany({
    where: { shop, topic: "customers/data_request" },
    orderBy: { receivedAt: "desc" },
    take: 20,
    // The summary columns, generated from the export: the exports themselves are not read.
    select: { id: true, receivedAt: true, customerEmail: true, orderCount: true },
  });
  return rows.map((row) => ({
    id: String(row.id),
    receivedAt: row.receivedAt.toISOString(),
    customerEmail: row.customerEmail,
    orders: row.orderCount ?? 0,
    erased: row.orderCount === null,
  }));
}

/** One data request's export, only for its own shop (another shop's id: null, a 404). */
export async function dataRequestExport(db: PrismaClient, shop: string, id: bigint): Promise<Prisma.JsonValue | null> {
  const row = await db.complianceRequest.findFirst({ where: { id, shop, topic: "customers/data_request" }, select: { exportData: true } });
  return row?.exportData ?? null;
}

/**
 * The shop's orders received in the last moments, recorded before a privacy request reads the
 * shop's orders (the deferred intake, docs/decisions/0019): nothing the request covers is left in
 * `order_intake`, where it would be missed now and recorded after.
 */
async function recordShopIntake(db: PrismaClient, shop: string): Promise<void> {
  const batch = 1_000;
  while ((await recordReceivedOrders(db, batch, shop)).taken === batch);
}

/** customers/data_request: gather what we store about the customer for the merchant. */
export async function recordDataRequest(db: PrismaClient, shop: string, payload: unknown): Promise<void> {
  const request = dataRequestSchema.parse(payload);
  await recordShopIntake(db, shop);
  const orders = await db.orderSync.findMany({
    where: await customerOrders(db, shop, request.orders_requested.map(String), request.customer.email),
    select: {
      orderId: true,
      orderName: true,
      customerName: true,
      customerEmail: true,
      totalPrice: true,
      currency: true,
      status: true,
      invoiceNumber: true,
      createdAt: true,
      payload: true,
    },
  });
  await db.complianceRequest.create({
    data: {
      shop,
      topic: "customers/data_request",
      payload: payload as Prisma.InputJsonValue,
      exportData: JSON.parse(JSON.stringify({ customer: request.customer, orders })) as Prisma.InputJsonValue,
      completedAt: new Date(),
    },
  });
}

/**
 * Keys that carry a person's data wherever they appear in an order (the customer, addresses,
 * contact details, notes, and line items' custom properties such as an engraving).
 */
const PERSONAL_KEYS = new Set([
  "customer",
  "email",
  "contact_email",
  "phone",
  "billing_address",
  "shipping_address",
  "browser_ip",
  "client_details",
  "note",
  "note_attributes",
  "properties",
]);

function withoutPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalData);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !PERSONAL_KEYS.has(key))
      .map(([key, inner]) => [key, withoutPersonalData(inner)]),
  );
}

/** An order snapshot without the customer's personal data, at any depth. */
export function redactOrderPayload(payload: unknown): Prisma.InputJsonValue {
  if (!payload || typeof payload !== "object") return {};
  return withoutPersonalData(payload) as Prisma.InputJsonValue;
}

/**
 * customers/redact: erase the customer's personal data from everything we store: the orders'
 * snapshots, names and emails, the invoice as sent (its lines may carry the custom properties),
 * FreshBooks' messages that quote the email, the deliveries, the client mapping, and earlier
 * data-request exports about this customer. Each step is idempotent and none loads more than
 * the customer's own rows, so a shop with a million orders is redacted within Shopify's timeout;
 * if a step fails, the 5xx makes Shopify send the request again and the steps run again.
 */
export async function redactCustomer(db: PrismaClient, shop: string, payload: unknown): Promise<void> {
  const request = customerRedactSchema.parse(payload);
  const email = request.customer.email?.trim() || null;
  await recordShopIntake(db, shop);
  const orders = await db.orderSync.findMany({
    where: await customerOrders(db, shop, request.orders_to_redact.map(String), email),
    select: { id: true, orderId: true, payload: true },
  });
  for (const order of orders) {
    await db.orderSync.update({
      where: { id: order.id },
      // redactedAt: an attempt running on this order now writes nothing more (app/models/order-claim.server.ts).
      data: {
        customerName: null,
        customerEmail: null,
        payload: redactOrderPayload(order.payload),
        mappedInvoice: Prisma.DbNull,
        redactedAt: new Date(),
      },
    });
  }
  const orderIds = orders.map((order) => order.orderId);
  const rowIds = orders.map((order) => order.id);
  if (email && rowIds.length > 0) {
    await db.$executeRaw`update order_sync set status_reason = replace(status_reason, ${email}, '[redacted]') where id = any(${rowIds}::bigint[]) and status_reason ilike ${`%${email}%`}`;
    await db.$executeRaw`update order_sync set status_detail = replace(status_detail, ${email}, '[redacted]') where id = any(${rowIds}::bigint[]) and status_detail ilike ${`%${email}%`}`;
    await db.$executeRaw`update sync_attempt set message = replace(message, ${email}, '[redacted]') where order_sync_id = any(${rowIds}::bigint[]) and message ilike ${`%${email}%`}`;
  }
  if (orderIds.length > 0) {
    // Only this customer's deliveries are read (by their order, indexed), never the shop's whole history.
    const deliveries = await db.webhookDelivery.findMany({
      where: { shop, orderId: { in: orderIds } },
      select: { id: true, payload: true },
    });
    for (const delivery of deliveries) {
      await db.webhookDelivery.update({ where: { id: delivery.id }, data: { payload: redactOrderPayload(delivery.payload) } });
    }
  }
  const customerId = request.customer.id != null ? String(request.customer.id) : null;
  const normalised = normalisedEmail(email);
  await redactOrderlessDeliveries(db, shop, {
    email: normalised,
    id: customerId,
    orderIds: [...new Set([...orderIds, ...request.orders_to_redact.map(String)])],
  });
  await deleteRejectedDeliveries(db, shop, normalised, [...new Set([...orderIds, ...request.orders_to_redact.map(String)])]);
  const keys = [customerId ? `customer:${customerId}` : null, normalised ? `email:${normalised}` : null].filter(
    (key): key is string => key !== null,
  );
  if (keys.length > 0) await db.clientMapping.deleteMany({ where: { shop, customerKey: { in: keys } } });
  // An import under way holds the customer's orders as Shopify's bulk file gave them: they are not imported.
  const redactedGids = [...new Set([...orderIds, ...request.orders_to_redact.map(String)])].map((id) => `gid://shopify/Order/${id}`);
  await db.$executeRaw`
    with redacted as (
      select import_id, gid from order_import_line where shop = ${shop} and parent_gid is null and (
        gid = any(${redactedGids}::text[])
        or (${customerId}::text is not null and body->'customer'->>'legacyResourceId' = ${customerId}::text)
        or (${normalised}::text is not null and lower(btrim(body->>'email')) = ${normalised}::text))
    )
    delete from order_import_line l using redacted r
    where l.shop = ${shop} and l.import_id = r.import_id and (l.gid = r.gid or l.parent_gid = r.gid)`;
  // The directory of the business's FreshBooks clients holds the address too (docs/decisions/0015).
  if (normalised) {
    await db.freshbooksClientDirectory.deleteMany({ where: { shop, email: normalised } });
    await db.freshbooksClientIntent.deleteMany({ where: { shop, email: normalised } });
  }
  // Exports made for earlier data requests about this customer hold the same data.
  await db.$executeRaw`
    update compliance_request set export_data = null, payload = jsonb_build_object('redacted', true)
    where shop = ${shop} and topic = 'customers/data_request' and (
      (${customerId}::text is not null and payload->'customer'->>'id' = ${customerId}::text)
      or (${normalised}::text is not null and lower(btrim(payload->'customer'->>'email')) = ${normalised}::text))`;
  await db.complianceRequest.create({
    data: {
      shop,
      topic: "customers/redact",
      payload: { customer_id: request.customer.id ?? null, orders: request.orders_to_redact.map(String) },
      completedAt: new Date(),
    },
  });
}

/**
 * Signed deliveries we could not read (rejected_delivery, docs/decisions/0010) are kept only for
 * inspection: once their customer is erased they go. Matched on what intake could read of them
 * (order id, email), or, where it could read nothing, on the customer's address anywhere in the raw
 * bytes (case-insensitive, as a whole address); they are few, and only the shop's own are read.
 */
async function deleteRejectedDeliveries(db: PrismaClient, shop: string, email: string | null, orderIds: string[]): Promise<number> {
  const pattern = wholeAddressPattern(email);
  return db.$executeRaw`
    delete from rejected_delivery where shop = ${shop} and (
      order_id = any(${orderIds}::text[])
      or (${email}::text is not null and customer_email = ${email}::text)
      or (${pattern}::text is not null and lower(encode(body, 'escape')) ~ ${pattern}::text))`;
}

/** shop/redact (48 h after uninstall): everything of the shop goes. */
export async function redactShop(db: PrismaClient, shop: string): Promise<void> {
  await db.$transaction([
    // Received orders first: the intake recorder locks them before the orders (docs/decisions/0019).
    db.orderIntake.deleteMany({ where: { shop } }),
    db.syncAttempt.deleteMany({ where: { shop } }),
    db.orderSync.deleteMany({ where: { shop } }),
    db.orderImportLine.deleteMany({ where: { shop } }),
    db.orderImport.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.rejectedDelivery.deleteMany({ where: { shop } }),
    db.clientMapping.deleteMany({ where: { shop } }),
    db.freshbooksClientDirectory.deleteMany({ where: { shop } }),
    db.freshbooksClientDirectoryState.deleteMany({ where: { shop } }),
    db.freshbooksClientIntent.deleteMany({ where: { shop } }),
    db.orderSyncDay.deleteMany({ where: { shop } }),
    db.freshbooksRateLimit.deleteMany({ where: { shop } }),
    db.complianceRequest.deleteMany({ where: { shop } }),
    db.freshbooksConnection.deleteMany({ where: { shop } }),
    db.oauthState.deleteMany({ where: { shop } }),
    db.shopSettings.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
  ]);
}
