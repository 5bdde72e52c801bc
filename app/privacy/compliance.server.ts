import type { Prisma, PrismaClient } from "@prisma/client";
import { z } from "zod";

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

function customerOrders(shop: string, orderIds: string[], email: string | null | undefined): Prisma.OrderSyncWhereInput {
  const or: Prisma.OrderSyncWhereInput[] = [];
  if (orderIds.length > 0) or.push({ orderId: { in: orderIds } });
  if (email) or.push({ customerEmail: { equals: email, mode: "insensitive" } });
  return { shop, OR: or.length > 0 ? or : [{ id: -1n }] };
}

/** customers/data_request: gather what we store about the customer for the merchant. */
export async function recordDataRequest(db: PrismaClient, shop: string, payload: unknown): Promise<void> {
  const request = dataRequestSchema.parse(payload);
  const orders = await db.orderSync.findMany({
    where: customerOrders(shop, request.orders_requested.map(String), request.customer.email),
    select: { orderId: true, orderName: true, customerName: true, customerEmail: true, totalPrice: true, currency: true, status: true, invoiceNumber: true, createdAt: true, payload: true },
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

const PERSONAL_KEYS = new Set(["customer", "email", "contact_email", "phone", "billing_address", "shipping_address", "browser_ip", "client_details", "note", "note_attributes"]);

/** An order snapshot without the customer's personal data. */
export function redactOrderPayload(payload: unknown): Prisma.InputJsonValue {
  if (!payload || typeof payload !== "object") return {};
  return Object.fromEntries(Object.entries(payload as Record<string, unknown>).filter(([key]) => !PERSONAL_KEYS.has(key))) as Prisma.InputJsonValue;
}

/** customers/redact: erase the customer's personal data from everything we store. */
export async function redactCustomer(db: PrismaClient, shop: string, payload: unknown): Promise<void> {
  const request = customerRedactSchema.parse(payload);
  const orderIds = request.orders_to_redact.map(String);
  const email = request.customer.email ?? null;
  await db.$transaction(async (tx) => {
    const orders = await tx.orderSync.findMany({ where: customerOrders(shop, orderIds, email), select: { id: true, orderId: true, payload: true } });
    for (const order of orders) {
      await tx.orderSync.update({
        where: { id: order.id },
        data: { customerName: null, customerEmail: null, payload: redactOrderPayload(order.payload), mappedInvoice: undefined },
      });
    }
    const redactedIds = orders.map((order) => order.orderId);
    const deliveries = await tx.webhookDelivery.findMany({ where: { shop, topic: { in: ["ORDERS_CREATE", "orders/create"] } }, select: { id: true, payload: true } });
    for (const delivery of deliveries) {
      const id = (delivery.payload as { id?: unknown } | null)?.id;
      if (id !== undefined && redactedIds.includes(String(id))) {
        await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { payload: redactOrderPayload(delivery.payload) } });
      }
    }
    const keys = [request.customer.id != null ? `customer:${request.customer.id}` : null, email ? `email:${email.toLowerCase()}` : null].filter(
      (key): key is string => key !== null,
    );
    if (keys.length > 0) await tx.clientMapping.deleteMany({ where: { shop, customerKey: { in: keys } } });
    await tx.complianceRequest.create({
      data: { shop, topic: "customers/redact", payload: { customer_id: request.customer.id ?? null, orders: orderIds }, completedAt: new Date() },
    });
  });
}

/** shop/redact (48 h after uninstall): everything of the shop goes. */
export async function redactShop(db: PrismaClient, shop: string): Promise<void> {
  await db.$transaction([
    db.syncAttempt.deleteMany({ where: { shop } }),
    db.orderSync.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.clientMapping.deleteMany({ where: { shop } }),
    db.complianceRequest.deleteMany({ where: { shop } }),
    db.freshbooksConnection.deleteMany({ where: { shop } }),
    db.oauthState.deleteMany({ where: { shop } }),
    db.shopSettings.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
  ]);
}
