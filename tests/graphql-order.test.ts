/**
 * One order shape: for every orders/create fixture, the same order read through the Admin
 * GraphQL API (the sandbox holds it as GraphQL `Order` fields; the app reads it with the real
 * client and converts it) gives the same FreshBooks client, invoice and payment.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mapOrder } from "../app/sync/mapping";
import { shopifyOrderSchema } from "../app/shopify/order-schema";
import { assembleBulkOrder, bulkOrdersQuery, inShopTime, webhookShapeFromGraphql } from "../app/shopify/graphql-order";
import { readOrderAsWebhook, shopTimeZone } from "../app/shopify/order-reader.server";
import { adminGraphql } from "../app/shopify/admin-api.server";
import { until } from "./helpers/freshbooks";
import { manyItemsOrder } from "./fixtures/orders/many-items";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { ensureInstalled } from "./helpers/sync";

const sandbox = await useShopifyAdminSandbox();
const dir = path.resolve(import.meta.dirname, "fixtures/orders");
const fixtures = readdirSync(dir).filter((file) => file.endsWith(".json"));

/** A time zone whose offset on the fixture's date is the one the fixture is written in. */
const ZONES: Record<string, string> = {
  "-05:00": "America/New_York",
  "-04:00": "America/Toronto",
  "+01:00": "Europe/London",
  "+02:00": "Europe/Paris",
  "+03:00": "Asia/Kuwait",
  "+09:00": "Asia/Tokyo",
};

function load(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
}

const shops = new Map<string, string>();

beforeAll(async () => {
  for (const [offset, zone] of Object.entries(ZONES)) {
    const domain = `tz${offset.replace(/[^0-9]/g, "")}${offset.startsWith("-") ? "w" : "e"}.myshopify.com`;
    // The fixtures are from 2024: older than 60 days, so only read_all_orders shows them.
    sandbox.addShop({ domain, ianaTimezone: zone, scopes: ["read_orders", "read_all_orders"] });
    await ensureInstalled(domain);
    shops.set(offset, domain);
  }
});

const settings = (shopDomain: string) => ({ invoicePrefix: "SHOP-", dueOffsetDays: 0, shopDomain, sendDespiteFilter: true });

function invoiceOf(body: unknown, shopDomain: string) {
  return mapOrder(shopifyOrderSchema.parse(body), settings(shopDomain));
}

async function pair(body: Record<string, unknown>) {
  const offset = String(body.created_at).slice(-6);
  const shop = shops.get(offset);
  if (!shop) throw new Error(`no time zone for ${offset}`);
  sandbox.addWebhookOrders(shop, [body]);
  const fromGraphql = await readOrderAsWebhook(shop, String(body.id));
  return { shop, fromGraphql };
}

describe("a GraphQL order and its webhook give the same FreshBooks invoice", () => {
  it.each(fixtures)("%s", async (file) => {
    const body = load(file);
    const { shop, fromGraphql } = await pair(body);
    expect(fromGraphql).not.toBeNull();
    const viaWebhook = invoiceOf(body, "example.myshopify.com");
    const viaGraphql = invoiceOf(fromGraphql, "example.myshopify.com");
    expect(viaGraphql).toEqual(viaWebhook);
    // Not a vacuous agreement: the mapping produced an invoice, or the same plain-words refusal.
    if (viaWebhook.ok) expect(viaWebhook.order.invoice.lines.length).toBeGreaterThan(0);
    expect(shop).toBeTruthy();
  });

  it("an order with more line items than one request reads (45) is read page by page, every item on the invoice", async () => {
    const body = { ...manyItemsOrder(load("orders-create.us-discount-tax-shipping.json"), 45), id: 5_812_345_000_045 };
    const { fromGraphql } = await pair(body);
    expect((fromGraphql!.line_items as unknown[]).length).toBe(45);
    expect(invoiceOf(fromGraphql, "x.myshopify.com")).toEqual(invoiceOf(body, "x.myshopify.com"));
  });
});

/** The import's way: one bulk query over the shop's orders, its JSONL file read back into orders by __parentId. */
async function bulkRead(shop: string): Promise<Map<string, Record<string, unknown>>> {
  const started = await adminGraphql<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: unknown[] } }>(
    shop,
    "mutation Bulk($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: false) { bulkOperation { id } userErrors { message } } }",
    { query: bulkOrdersQuery("created_at:>=2020-01-01T00:00:00Z") },
  );
  expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
  const id = started.bulkOperationRunQuery.bulkOperation!.id;
  let url: string | null = null;
  await until(async () => {
    const status = await adminGraphql<{ bulkOperation: { status: string; url: string | null } }>(
      shop,
      "query Status($id: ID!) { bulkOperation(id: $id) { status url } }",
      { id },
    );
    url = status.bulkOperation.url;
    return status.bulkOperation.status === "COMPLETED";
  });
  const lines = (await (await fetch(url!)).text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const timeZone = await shopTimeZone(shop);
  const orders = new Map<string, Record<string, unknown>>();
  for (const root of lines.filter((line) => !("__parentId" in line))) {
    const children = lines.filter((line) => line.__parentId === root.id);
    orders.set(String(root.legacyResourceId), webhookShapeFromGraphql(assembleBulkOrder(root, children), timeZone));
  }
  return orders;
}

describe.each(["after-parent", "children-last"] as const)(
  "read by a bulk query (JSONL lines %s), every fixture order gives the webhook's invoice",
  (lineOrder) => {
    it("each fixture, and an order of 45 line items", async () => {
      sandbox.configure({ dialect: { bulkLineOrder: lineOrder } });
      const bodies = fixtures.map(load);
      const many: Record<string, unknown> = {
        ...manyItemsOrder(load("orders-create.us-discount-tax-shipping.json"), 45),
        id: 5_812_345_000_045,
      };
      for (const body of [...bodies, many]) {
        const shop = shops.get(String(body.created_at).slice(-6))!;
        if (!sandbox.shop(shop).orders.some((order) => order.legacyResourceId === String(body.id))) sandbox.addWebhookOrders(shop, [body]);
      }
      let compared = 0;
      for (const shop of new Set(shops.values())) {
        const read = await bulkRead(shop);
        for (const body of [...bodies, many].filter((candidate) => read.has(String(candidate.id)))) {
          expect(invoiceOf(read.get(String(body.id)), "x.myshopify.com"), String(body.id)).toEqual(invoiceOf(body, "x.myshopify.com"));
          compared += 1;
        }
      }
      expect(compared).toBe(bodies.length + 1);
      if (lineOrder === "children-last") {
        // Not a vacuous reading: in this file the line items really do come after every order.
        const shop = shops.get(String(many.created_at).slice(-6))!;
        const last = sandbox.shop(shop).bulkOperations.at(-1)!;
        expect(JSON.parse(last.lines[last.rootObjectCount]!)).toHaveProperty("__parentId");
      }
    });
  },
);

describe("the differences that matter", () => {
  it("a late-evening order keeps the shop's calendar date (GraphQL writes UTC, the next day)", () => {
    expect(inShopTime("2024-03-31T21:30:00Z", "Europe/Paris")).toBe("2024-03-31T23:30:00+02:00");
    expect(inShopTime("2024-01-16T03:00:00Z", "America/New_York")).toBe("2024-01-15T22:00:00-05:00");
  });

  it("read without the shop's time zone (as UTC), the Paris order would be dated a day late: the conversion is what keeps it", async () => {
    const body = load("orders-create.fr-tax-included.json");
    const utc = webhookShapeFromGraphql(
      {
        ...(await import("../app/dev/shopify-admin-sandbox/orders")).graphqlOrderFromWebhook(body),
        lineItems: { nodes: [] },
        shippingLines: { nodes: [] },
      },
      "UTC",
    );
    expect(String(utc.processed_at).slice(0, 10)).toBe("2024-03-31");
    const wrong = { ...body, processed_at: "2024-03-31T21:30:00Z".replace("2024-03-31T21", "2024-04-01T01") };
    const mapped = invoiceOf(wrong, "x.myshopify.com");
    expect(mapped.ok && mapped.order.invoice.create_date).toBe("2024-04-01");
  });
});

describe("amounts as the webhook writes them", () => {
  it("GraphQL's Decimal gets the currency's decimals back; a real digit is never dropped", async () => {
    const { restAmount } = await import("../app/shopify/graphql-order");
    expect(restAmount("65.0", "EUR")).toBe("65.00");
    expect(restAmount("1.5", "KWD")).toBe("1.500");
    expect(restAmount("300.0", "JPY")).toBe("300");
    expect(restAmount("10.125", "USD")).toBe("10.125");
  });
});
