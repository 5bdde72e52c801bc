/**
 * A fake Shopify Admin GraphQL API at the HTTP boundary (docs/shopify-admin-api.md): POST
 * /admin/api/<version>/graphql.json for any number of shops, the shop named by the Host the app
 * meant (the app's dev fetch rewrites https://<shop>/ to this server and sends the shop in
 * X-Forwarded-Host). Orders with search filters and cursor pagination, ordersCount, shop,
 * currentAppInstallation, the write-back mutations, cost accounting with a leaky bucket per
 * shop (THROTTLED when the requested cost does not fit) and injected faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { execute, MAX_QUERY_COST, operationCost, parse, type SandboxShop } from "./execute";
import { GraphqlSyntaxError } from "./graphql";
import { graphqlOrderFromWebhook, type SandboxOrder } from "./orders";

export type { SandboxShop } from "./execute";

/**
 * Where Shopify's behaviour is not documented, each plausible reading (docs/shopify-admin-api.md §6):
 * `throttledStatus`: the HTTP status of a THROTTLED answer (community reports say 200, others 429).
 */
export interface AdminDialect {
  throttledStatus: 200 | 429;
  /**
   * `bulkLineOrder`: in a bulk query's JSONL file without groupObjects, whether a nested
   * connection's lines follow their parent ("after-parent") or come after every parent
   * ("children-last"); the docs only promise each carries its __parentId.
   */
  bulkLineOrder: "after-parent" | "children-last";
}

export type AdminFault =
  /** An HTTP error answer (429 with Retry-After seconds, 5xx). */
  | { kind: "status"; status: number; retryAfter?: number }
  /** A THROTTLED answer even though the bucket has room. */
  | { kind: "throttled" }
  /** 200 with `errors: [{extensions: {code: INTERNAL_SERVER_ERROR}}]` and no data. */
  | { kind: "internal-error" }
  /** The socket is destroyed before any answer. */
  | { kind: "reset" }
  /** The bulk operation this request starts ends FAILED (INTERNAL_SERVER_ERROR) instead of completing. */
  | { kind: "bulk-failed" }
  /** The next bulk file asked for is refused with 403, as an expired signed URL is (not a GraphQL request). */
  | { kind: "bulk-file-expired" };

export interface AdminRequestLogEntry {
  shop: string;
  operation: string | null;
  type: "query" | "mutation" | null;
  status: number;
  requestedCost: number | null;
  actualCost: number | null;
  throttled: boolean;
  fault: string | null;
  /** The `query:` argument of an orders / ordersCount field, when literal or a variable named q/query. */
  variables: Record<string, unknown>;
}

export interface ShopifyAdminSandboxOptions {
  /** The bucket size (maximumAvailable); Shopify does not document it per plan. Default 2000. */
  maximumAvailable?: number;
  /** Points restored per second: Standard 100, Advanced 200, Plus 1000. Default 100. */
  restoreRate?: number;
  dialect?: Partial<AdminDialect>;
  /** How long a bulk operation runs before it completes. Default 300 ms. */
  bulkRunMs?: number;
  now?: () => Date;
  /** A fixed port (the e2e server's); default: any free one. */
  port?: number;
  /** Every *.myshopify.com asked for exists (an empty store with the default settings), as every installed shop does. */
  anyShop?: boolean;
}

export interface AddShop {
  domain: string;
  name?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  scopes?: string[];
  accessToken?: string | null;
}

export interface ShopifyAdminSandbox {
  url: string;
  close(): Promise<void>;
  addShop(shop: AddShop): SandboxShop;
  shop(domain: string): SandboxShop;
  /** Adds orders/create bodies as GraphQL orders (kept sorted by creation). */
  addWebhookOrders(domain: string, orders: Record<string, unknown>[]): SandboxOrder[];
  /** Removes every order and request (the shops stay). */
  clearOrders(domain: string): void;
  setScopes(domain: string, scopes: string[]): void;
  configure(change: { maximumAvailable?: number; restoreRate?: number; dialect?: Partial<AdminDialect>; bulkRunMs?: number }): void;
  /** The next `times` GraphQL requests (optionally only those whose operation name matches) get the fault. */
  injectFault(fault: AdminFault, options?: { times?: number; operation?: RegExp }): void;
  clearFaults(): void;
  requests: AdminRequestLogEntry[];
  setClock(now: () => Date): void;
}

interface StoredFault {
  fault: AdminFault;
  remaining: number;
  operation: RegExp | null;
}

export async function startShopifyAdminSandbox(options: ShopifyAdminSandboxOptions = {}): Promise<ShopifyAdminSandbox> {
  const config = {
    maximumAvailable: options.maximumAvailable ?? 2000,
    restoreRate: options.restoreRate ?? 100,
    dialect: { throttledStatus: 200, bulkLineOrder: "after-parent", ...options.dialect } as AdminDialect,
    bulkRunMs: options.bulkRunMs ?? 300,
  };
  let now = options.now ?? (() => new Date());
  const shops = new Map<string, SandboxShop>();
  let faults: StoredFault[] = [];
  let expiredFiles = 0;
  const requests: AdminRequestLogEntry[] = [];

  const addShop = (input: AddShop): SandboxShop => {
    const shop: SandboxShop = {
      domain: input.domain,
      name: input.name ?? input.domain.replace(/\.myshopify\.com$/, ""),
      currencyCode: input.currencyCode ?? "USD",
      ianaTimezone: input.ianaTimezone ?? "America/New_York",
      scopes: new Set(input.scopes ?? ["read_orders"]),
      accessToken: input.accessToken ?? null,
      orders: [],
      bucket: { available: config.maximumAvailable, atMs: performance.now() },
      writes: { metafields: 0, tags: 0 },
      bulkOperations: [],
    };
    shops.set(input.domain, shop);
    return shop;
  };
  const shopOf = (domain: string): SandboxShop => {
    const shop = shops.get(domain);
    if (!shop) throw new Error(`no sandbox shop ${domain}`);
    return shop;
  };

  /** The leaky bucket: refilled at restoreRate since it was last read, never above the maximum. */
  const refill = (shop: SandboxShop): void => {
    const at = performance.now();
    shop.bucket.available = Math.min(
      config.maximumAvailable,
      shop.bucket.available + ((at - shop.bucket.atMs) / 1000) * config.restoreRate,
    );
    shop.bucket.atMs = at;
  };
  const throttleStatus = (shop: SandboxShop) => ({
    maximumAvailable: config.maximumAvailable,
    currentlyAvailable: Math.floor(shop.bucket.available),
    restoreRate: config.restoreRate,
  });

  const takeFault = (operation: string | null): AdminFault | null => {
    const index = faults.findIndex((stored) => stored.remaining > 0 && (!stored.operation || stored.operation.test(operation ?? "")));
    if (index < 0) return null;
    const stored = faults[index]!;
    stored.remaining -= 1;
    if (stored.remaining <= 0) faults.splice(index, 1);
    return stored.fault;
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  /** The shop asked for; with `anyShop`, a store that was never added is created empty on first use. */
  const knownShop = (domain: string): SandboxShop | undefined =>
    shops.get(domain) ?? (options.anyShop && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain) ? addShop({ domain }) : undefined);

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, domain: string): Promise<void> {
    const shop = knownShop(domain);
    if (!shop) return send(res, 404, { errors: "Not Found" });
    const token = req.headers["x-shopify-access-token"];
    if (!token || (shop.accessToken !== null && token !== shop.accessToken)) {
      return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return send(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const entry: AdminRequestLogEntry = {
      shop: domain,
      operation: body.operationName ?? null,
      type: null,
      status: 200,
      requestedCost: null,
      actualCost: null,
      throttled: false,
      fault: null,
      variables: body.variables ?? {},
    };
    requests.push(entry);
    let document;
    let cost;
    try {
      document = parse(String(body.query ?? ""));
      entry.operation = entry.operation ?? document.operations[0]?.name ?? null;
      cost = operationCost(document, body.operationName ?? null, body.variables ?? {});
    } catch (error) {
      if (!(error instanceof GraphqlSyntaxError) && !(error instanceof Error)) throw error;
      return send(res, 200, { errors: [{ message: error.message, extensions: { code: "parseError" } }] });
    }
    entry.type = cost.type;
    entry.requestedCost = cost.cost;

    const fault = takeFault(entry.operation);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      entry.status = fault.status;
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) };
      return send(
        res,
        fault.status,
        {
          errors:
            fault.status === 429
              ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
              : "Internal Server Error",
        },
        headers,
      );
    }
    if (fault?.kind === "internal-error") {
      return send(res, 200, {
        errors: [{ message: "Internal error. Looks like something went wrong on our end.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      });
    }

    refill(shop);
    if (cost.cost > MAX_QUERY_COST) {
      return send(res, 200, {
        errors: [
          {
            message: `Query cost is ${cost.cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: cost.cost, maxCost: MAX_QUERY_COST },
          },
        ],
        extensions: { cost: { requestedQueryCost: cost.cost, actualQueryCost: null, throttleStatus: throttleStatus(shop) } },
      });
    }
    if (fault?.kind === "throttled" || cost.cost > shop.bucket.available) {
      entry.throttled = true;
      entry.status = config.dialect.throttledStatus;
      return send(res, config.dialect.throttledStatus, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: cost.cost, actualQueryCost: null, throttleStatus: throttleStatus(shop) } },
      });
    }
    shop.bucket.available -= cost.cost;
    const result = execute(document, body.operationName ?? null, body.variables ?? {}, shop, now(), {
      baseUrl: sandbox.url,
      runMs: config.bulkRunMs,
      lineOrder: config.dialect.bulkLineOrder,
      failNext: fault?.kind === "bulk-failed",
    });
    // What was asked for but not used is given back.
    const actual = result.data === null ? 0 : Math.min(cost.cost, result.actualCost);
    shop.bucket.available += cost.cost - actual;
    entry.actualCost = actual;
    const extensions = { cost: { requestedQueryCost: cost.cost, actualQueryCost: actual, throttleStatus: throttleStatus(shop) } };
    send(
      res,
      200,
      result.errors.length > 0
        ? { ...(result.data ? { data: result.data } : {}), errors: result.errors, extensions }
        : { data: result.data, extensions },
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const domain = String(req.headers["x-forwarded-host"] ?? req.headers.host ?? "").split(":")[0] ?? "";
    if (req.method === "POST" && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(url.pathname)) return handleGraphql(req, res, domain);
    if (req.method === "POST" && url.pathname === "/admin/oauth/access_token") {
      const shop = knownShop(domain);
      if (!shop) return send(res, 404, { errors: "Not Found" });
      await readBody(req);
      return send(res, 200, { access_token: shop.accessToken ?? `shpat_sandbox_${shop.name}`, scope: [...shop.scopes].join(",") });
    }
    // The merchant's answer to App Bridge's permission request (the stand-in's scopes.request, from
    // the page: another origin, so CORS; a text/plain body needs no preflight).
    if (url.pathname === "/__sandbox/scopes") {
      const cors = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "content-type",
      };
      if (req.method === "OPTIONS") return send(res, 204, "", cors);
      if (req.method !== "POST") return send(res, 405, { errors: "POST only" }, cors);
      const input = JSON.parse(await readBody(req)) as { shop: string; grant?: string[]; revoke?: string[] };
      const shop = knownShop(input.shop);
      if (!shop) return send(res, 404, { errors: `no sandbox shop ${input.shop}` }, cors);
      for (const scope of input.grant ?? []) shop.scopes.add(scope);
      for (const scope of input.revoke ?? []) shop.scopes.delete(scope);
      return send(res, 200, { scopes: [...shop.scopes] }, cors);
    }
    // A bulk operation's JSONL file (Shopify serves it from signed storage: no token).
    const file = /^\/__sandbox\/bulk\/([^/]+)\/(\d+)\.jsonl$/.exec(url.pathname);
    if (req.method === "GET" && file) {
      const op = shops.get(decodeURIComponent(file[1]!))?.bulkOperations[Number(file[2])];
      if (!op || op.ended || performance.now() < op.readyAtMs) return send(res, 404, { errors: "Not Found" });
      if (expiredFiles > 0) {
        expiredFiles -= 1;
        res.writeHead(403, { "content-type": "application/xml" });
        res.end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
        return;
      }
      res.writeHead(200, { "content-type": "application/jsonl" });
      res.end(op.lines.map((line) => `${line}\n`).join(""));
      return;
    }
    // Driven from another process (the e2e tests drive the e2e server's sandbox): the store's past orders.
    if (req.method === "POST" && url.pathname === "/__sandbox/orders") {
      const input = JSON.parse(await readBody(req)) as { shop: string; orders?: Record<string, unknown>[]; clear?: boolean };
      const shop = knownShop(input.shop);
      if (!shop) return send(res, 404, { errors: `no sandbox shop ${input.shop}` });
      if (input.clear) shop.orders = [];
      const added = input.orders ? sandbox.addWebhookOrders(input.shop, input.orders) : [];
      return send(res, 200, { added: added.length, orders: shop.orders.length });
    }
    send(res, 404, { errors: "Not Found" });
  }

  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: error instanceof Error ? error.message : String(error) });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const sandbox: ShopifyAdminSandbox = {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await delay(0);
    },
    addShop,
    shop: shopOf,
    addWebhookOrders(domain, orders) {
      const shop = shopOf(domain);
      const added = orders.map((order) => graphqlOrderFromWebhook(order));
      shop.orders.push(...added);
      shop.orders.sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0));
      return added;
    },
    clearOrders(domain) {
      shopOf(domain).orders = [];
      shopOf(domain).bulkOperations = [];
    },
    setScopes(domain, scopes) {
      shopOf(domain).scopes = new Set(scopes);
    },
    configure(change) {
      if (change.maximumAvailable !== undefined) config.maximumAvailable = change.maximumAvailable;
      if (change.restoreRate !== undefined) config.restoreRate = change.restoreRate;
      if (change.dialect) config.dialect = { ...config.dialect, ...change.dialect };
      if (change.bulkRunMs !== undefined) config.bulkRunMs = change.bulkRunMs;
      for (const shop of shops.values())
        shop.bucket = { available: Math.min(shop.bucket.available, config.maximumAvailable), atMs: performance.now() };
    },
    injectFault(fault, faultOptions = {}) {
      if (fault.kind === "bulk-file-expired") {
        expiredFiles += faultOptions.times ?? 1;
        return;
      }
      faults.push({ fault, remaining: faultOptions.times ?? 1, operation: faultOptions.operation ?? null });
    },
    clearFaults() {
      faults = [];
      expiredFiles = 0;
    },
    requests,
    setClock(clock) {
      now = clock;
    },
  };
  return sandbox;
}
