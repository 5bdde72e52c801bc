/**
 * The Admin client (app/shopify/admin-api.server.ts) through the Shopify library's own request
 * path against the Shopify Admin sandbox: pagination and search filters, ordersCount, cost
 * accounting and throttling (both readings of THROTTLED), faults, scopes.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApiError, adminGraphql, forgetThrottleState } from "../app/shopify/admin-api.server";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { useShopifyAdminSandbox } from "./helpers/shopify-admin";
import { ensureInstalled } from "./helpers/sync";

const sandbox = await useShopifyAdminSandbox();

const PAGE = /* GraphQL */ `
  query Page($first: Int!, $after: String, $q: String) {
    orders(first: $first, after: $after, query: $q, sortKey: CREATED_AT) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        legacyResourceId
        name
        createdAt
        test
      }
    }
  }
`;

type Page = {
  orders: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { legacyResourceId: string; name: string; createdAt: string; test: boolean }[];
  };
};

async function allIds(q: string, first: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: Page = await adminGraphql<Page>(TEST_SHOP, PAGE, { first, after, q });
    pages += 1;
    ids.push(...page.orders.nodes.map((node) => node.legacyResourceId));
    if (!page.orders.pageInfo.hasNextPage) return { ids, pages };
    after = page.orders.pageInfo.endCursor;
  }
}

const day = (n: number) => `2026-11-${String(n).padStart(2, "0")}T12:00:00-05:00`;

beforeAll(async () => {
  await ensureInstalled();
  sandbox.setClock(() => new Date("2026-12-01T00:00:00Z"));
  const orders = Array.from({ length: 7 }, (_, i) =>
    usOrder(100 + i, { created_at: day(i + 1), processed_at: day(i + 1), test: i === 3 } as never),
  );
  sandbox.addWebhookOrders(TEST_SHOP, orders);
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.configure({ maximumAvailable: 2000, restoreRate: 100, dialect: { throttledStatus: 200 } });
  forgetThrottleState();
});

describe("the library reaches the sandbox", () => {
  it("sends the offline session's token to https://<shop>/admin/api/2026-10/graphql.json, rewritten to the sandbox", async () => {
    const before = sandbox.requests.length;
    const data = await adminGraphql<{ shop: { myshopifyDomain: string; ianaTimezone: string } }>(
      TEST_SHOP,
      "query { shop { myshopifyDomain ianaTimezone } }",
    );
    expect(data.shop.myshopifyDomain).toBe(TEST_SHOP);
    expect(sandbox.requests.length).toBe(before + 1);
    expect(sandbox.requests.at(-1)!.shop).toBe(TEST_SHOP);
  });

  it("an unknown field is Shopify's validation error, in plain words, not retried", async () => {
    const error = await adminGraphql(TEST_SHOP, "query { shop { notAField } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).kind).toBe("query");
    expect((error as AdminApiError).message).toContain("notAField");
  });

  it("a shop without an offline session is 'not installed'", async () => {
    const error = await adminGraphql("never-installed.myshopify.com", "query { shop { name } }").catch((e: unknown) => e);
    expect((error as AdminApiError).kind).toBe("not_installed");
  });
});

describe("orders: filters and cursor pagination", () => {
  it("pages through every order once, in creation order, whatever the page size", async () => {
    for (const first of [1, 3, 250]) {
      const { ids, pages } = await allIds("", first);
      expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => String(5_000_000_000_000 + 100 + i)));
      expect(pages).toBe(Math.ceil(7 / first));
    }
  });

  it("created_at and test filters select the window, AND-ed", async () => {
    const { ids } = await allIds("created_at:>=2026-11-02T17:00:00Z created_at:<2026-11-06T17:00:00Z test:false", 2);
    expect(ids).toEqual(["5000000000101", "5000000000102", "5000000000104"]);
  });

  it("ordersCount counts what the same query lists, capped by its limit", async () => {
    const data = await adminGraphql<{ all: { count: number; precision: string }; capped: { count: number; precision: string } }>(
      TEST_SHOP,
      `query { all: ordersCount(query: "test:false", limit: null) { count precision } capped: ordersCount(limit: 2) { count precision } }`,
    );
    expect(data.all).toEqual({ count: 6, precision: "EXACT" });
    expect(data.capped).toEqual({ count: 2, precision: "AT_LEAST" });
  });

  it("orders older than 60 days are absent without read_all_orders, present with it", async () => {
    sandbox.setClock(() => new Date("2027-01-04T00:00:00Z"));
    try {
      expect((await allIds("", 250)).ids.length).toBe(3);
      sandbox.setScopes(TEST_SHOP, ["read_orders", "read_all_orders"]);
      expect((await allIds("", 250)).ids.length).toBe(7);
    } finally {
      sandbox.setScopes(TEST_SHOP, ["read_orders"]);
      sandbox.setClock(() => new Date("2026-12-01T00:00:00Z"));
    }
  });
});

describe("cost-based throttling", () => {
  it("waits for the bucket instead of failing: every page arrives, and Shopify throttles at most the first blind request", async () => {
    // A 40-point bucket refilling 40 points a second; one page of 10 orders asks 2 + 10 × 1 = 12 (7 exist: 9 used).
    sandbox.configure({ maximumAvailable: 40, restoreRate: 40 });
    const before = sandbox.requests.length;
    for (let i = 0; i < 6; i++) await adminGraphql(TEST_SHOP, PAGE, { first: 10, q: "" });
    const made = sandbox.requests.slice(before);
    expect(made.filter((r) => !r.throttled)).toHaveLength(6);
    // After the first answer the client knows the bucket and the cost, and waits for the restore.
    expect(made.slice(1).filter((r) => r.throttled).length).toBeLessThanOrEqual(1);
  });

  it.each([200, 429] as const)("a THROTTLED answer with HTTP %i is waited out and asked again", async (status) => {
    sandbox.configure({ dialect: { throttledStatus: status } });
    sandbox.injectFault({ kind: "throttled" }, { times: 2 });
    const before = sandbox.requests.length;
    const slept: number[] = [];
    const data = await adminGraphql<{ shop: { name: string } }>(
      TEST_SHOP,
      "query { shop { name } }",
      {},
      { sleep: async (ms) => void slept.push(ms) },
    );
    expect(data.shop.name).toBe("freshbooks-sync-test");
    expect(sandbox.requests.slice(before).map((r) => r.throttled)).toEqual([true, true, false]);
    expect(slept).toHaveLength(2);
  });

  it("a query over 1,000 points is refused by Shopify and reported, not retried", async () => {
    const error = await adminGraphql(
      TEST_SHOP,
      PAGE.replace("$first: Int!", "$first: Int!").replace("nodes {", "nodes { lineItems(first: 250) { nodes { title } } "),
      { first: 10 },
    ).catch((e: unknown) => e);
    expect((error as AdminApiError).kind).toBe("query");
    expect((error as AdminApiError).message).toMatch(/exceeds the single query max cost/);
  });
});

describe("faults", () => {
  const noWait = { sleep: async () => undefined };

  it.each([
    ["HTTP 503", { kind: "status", status: 503 }],
    ["HTTP 502", { kind: "status", status: 502 }],
    ["HTTP 500", { kind: "status", status: 500 }],
    ["INTERNAL_SERVER_ERROR in a 200", { kind: "internal-error" }],
    ["a reset connection", { kind: "reset" }],
    ["HTTP 429 with Retry-After", { kind: "status", status: 429, retryAfter: 1 }],
  ] as const)("%s twice, then an answer: the caller gets the answer", async (_name, fault) => {
    sandbox.injectFault(fault, { times: 2 });
    const data = await adminGraphql<{ shop: { name: string } }>(TEST_SHOP, "query { shop { name } }", {}, noWait);
    expect(data.shop.name).toBe("freshbooks-sync-test");
  });

  it("a Shopify that keeps failing is a retryable error after a few tries, in plain words", async () => {
    sandbox.injectFault({ kind: "status", status: 503 }, { times: 50 });
    const before = sandbox.requests.length;
    const error = await adminGraphql(TEST_SHOP, "query { shop { name } }", {}, noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as AdminApiError).retryable).toBe(true);
    expect(sandbox.requests.length - before).toBe(5);
  });

  it("write-back without write_orders is access denied, never retried", async () => {
    const error = await adminGraphql(
      TEST_SHOP,
      `mutation { tagsAdd(id: "gid://shopify/Order/5000000000100", tags: ["x"]) { userErrors { message } } }`,
      {},
      noWait,
    ).catch((e: unknown) => e);
    expect((error as AdminApiError).kind).toBe("access_denied");
  });
});

describe("bulk queries (the import's way to read a range)", () => {
  const RUN = `mutation Run($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status } userErrors { field message code } } }`;
  type Run = { bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: { message: string }[] } };
  const run = (query: string) => adminGraphql<Run>(TEST_SHOP, RUN, { query });

  it("run, poll, read the file: one line per order, each line item a line of its own with its order's id; no cost but the mutation's", async () => {
    sandbox.configure({ bulkRunMs: 60_000 });
    const started = await run(
      `{ orders(query: "test:false") { edges { node { id name lineItems { edges { node { id quantity } } } } } } }`,
    );
    expect(started.bulkOperationRunQuery).toMatchObject({ bulkOperation: { status: "CREATED" }, userErrors: [] });
    const id = started.bulkOperationRunQuery.bulkOperation!.id;
    const statusOf = () =>
      adminGraphql<{ bulkOperation: { status: string; url: string | null; rootObjectCount: string } }>(
        TEST_SHOP,
        "query S($id: ID!) { bulkOperation(id: $id) { status url rootObjectCount } }",
        { id },
      );
    expect((await statusOf()).bulkOperation).toMatchObject({ status: "RUNNING", url: null });
    // Shopify has finished writing the file.
    sandbox.shop(TEST_SHOP).bulkOperations.at(-1)!.readyAtMs = 0;
    const done = (await statusOf()).bulkOperation;
    expect(done).toMatchObject({ status: "COMPLETED", rootObjectCount: "6" });
    const lines = (await (await fetch(done.url!)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; name?: string; __parentId?: string });
    const orders = lines.filter((line) => !line.__parentId);
    expect(orders.map((order) => order.name)).toEqual(["#100", "#101", "#102", "#104", "#105", "#106"]);
    const items = lines.filter((line) => line.__parentId);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => orders.some((order) => order.id === item.__parentId))).toBe(true);
    expect(sandbox.requests.filter((entry) => entry.operation === "Run").map((entry) => entry.actualCost)).toEqual([10]);
    sandbox.configure({ bulkRunMs: 300 });
  });

  it("Shopify's limits on a bulk query are userErrors: no connection, more than 5 connections", async () => {
    expect((await run(`{ shop { name } }`)).bulkOperationRunQuery.userErrors[0]?.message).toBe(
      "Bulk queries must contain at least one connection.",
    );
    const six = `{ orders { edges { node { id
      a: lineItems { edges { node { id } } } b: lineItems { edges { node { id } } } c: lineItems { edges { node { id } } }
      d: shippingLines { edges { node { id } } } e: shippingLines { edges { node { id } } } } } } }`;
    expect((await run(six)).bulkOperationRunQuery.userErrors[0]?.message).toBe("Bulk queries cannot contain more than 5 connections.");
  });

  it("a running bulk query can be cancelled; a finished one cannot", async () => {
    sandbox.configure({ bulkRunMs: 60_000 });
    const started = await run(`{ orders { edges { node { id } } } }`);
    const id = started.bulkOperationRunQuery.bulkOperation!.id;
    const cancel = `mutation C($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`;
    expect((await adminGraphql<{ bulkOperationCancel: unknown }>(TEST_SHOP, cancel, { id })).bulkOperationCancel).toEqual({
      bulkOperation: { status: "CANCELED" },
      userErrors: [],
    });
    const again = await adminGraphql<{ bulkOperationCancel: { userErrors: { message: string }[] } }>(TEST_SHOP, cancel, { id });
    expect(again.bulkOperationCancel.userErrors[0]?.message).toBe("A bulk operation cannot be canceled when it is canceled");
    sandbox.configure({ bulkRunMs: 300 });
  });
});
