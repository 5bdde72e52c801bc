import type { PrismaClient } from "@prisma/client";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { listDataRequests } from "../app/privacy/compliance.server";
import { action as dataRequest } from "../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";
import { received } from "./helpers/intake";

const send = (act: typeof dataRequest, topic: string, body: object) =>
  received(settle(() => act(routeArgs(webhookRequest({ topic, body })))) as Promise<Response>);

/** The database as the Settings loader uses it, noting every column it asks compliance_request for. */
function watchedDb(): { db: PrismaClient; selected: string[] } {
  const selected: string[] = [];
  const complianceRequest = new Proxy(prisma.complianceRequest, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (args?: { select?: Record<string, boolean> }) => {
        selected.push(...(args?.select ? Object.keys(args.select) : ["*"]));
        return (value as (a: unknown) => unknown).call(target, args);
      };
    },
  });
  const db = new Proxy(prisma, {
    get: (target, property, receiver) => (property === "complianceRequest" ? complianceRequest : Reflect.get(target, property, receiver)),
  });
  return { db, selected };
}

describe("Settings' list of customer data requests", () => {
  beforeEach(async () => {
    await seedOfflineSession(process.env.DATABASE_URL!); // installed: orders of a shop without an installation are dropped
  });

  it("shows each request's email and order count from columns, without reading the exports", async () => {
    const first = usOrder(3001);
    const second = usOrder(3002);
    for (const order of [first, second]) expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
    const customer = first.customer as { id: number; email: string };
    const request = {
      shop_domain: TEST_SHOP,
      customer: { id: customer.id, email: customer.email },
      orders_requested: [first.id, second.id],
    };
    expect((await send(dataRequest, "customers/data_request", request)).status).toBe(200);
    expect(
      (await send(dataRequest, "customers/data_request", { ...request, customer: { id: 99, email: null }, orders_requested: [] })).status,
    ).toBe(200);

    const columns = await prisma.$queryRaw<{ customer_email: string | null; order_count: number | null }[]>`
      select customer_email, order_count from compliance_request where shop = ${TEST_SHOP} order by id`;
    expect(columns).toEqual([
      { customer_email: customer.email, order_count: 2 },
      { customer_email: null, order_count: 0 },
    ]);

    const { db, selected } = watchedDb();
    const listed = await listDataRequests(db, TEST_SHOP);
    expect(listed.map(({ customerEmail, orders, erased }) => ({ customerEmail, orders, erased }))).toEqual([
      { customerEmail: null, orders: 0, erased: false },
      { customerEmail: customer.email, orders: 2, erased: false },
    ]);
    expect(selected.length).toBeGreaterThan(0);
    expect(selected).not.toContain("exportData");
    expect(selected).not.toContain("*");
  });

  it("after customers/redact the request shows as erased, and its email column is gone with the export", async () => {
    const order = usOrder(3003);
    expect((await send(ordersCreate, "orders/create", order)).status).toBe(200);
    const customer = order.customer as { id: number; email: string };
    const body = { shop_domain: TEST_SHOP, customer: { id: customer.id, email: customer.email } };
    expect((await send(dataRequest, "customers/data_request", { ...body, orders_requested: [order.id] })).status).toBe(200);
    expect((await send(customersRedact, "customers/redact", { ...body, orders_to_redact: [order.id] })).status).toBe(200);

    const [listed] = (await listDataRequests(prisma, TEST_SHOP)).filter((row) => row.customerEmail === null && row.erased);
    expect(listed).toBeDefined();
    const leftovers = await prisma.$queryRaw<
      { n: bigint }[]
    >`select count(*) as n from compliance_request where customer_email = ${customer.email}`;
    expect(Number(leftovers[0]!.n)).toBe(0);
  });
});
