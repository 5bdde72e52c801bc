/**
 * The sandbox's dialects (docs/freshbooks-api.md §14): each switch changes what FreshBooks' answer
 * looks like, as set over the control plane, and only that switch.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_DIALECT, startFreshBooksSandbox, type Dialect, type FreshBooksSandbox } from "../app/dev/freshbooks-sandbox/server";

const CLIENT_ID = "dialect-client";
const CLIENT_SECRET = "dialect-secret";
const REDIRECT_URI = "https://app.example.test/freshbooks/callback";
const SCOPES = ["profile", "clients", "invoices", "payments"].flatMap((object) => [`user:${object}:read`, `user:${object}:write`]);

let sandbox: FreshBooksSandbox;
afterEach(async () => {
  await sandbox?.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function connect(options: { scopes?: string[]; clientLimit?: number } = {}) {
  sandbox = await startFreshBooksSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    clientLimit: options.clientLimit,
  });
  const authorize = new URL("/oauth/authorize", sandbox.url);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: (options.scopes ?? SCOPES).join(" "),
  }).toString();
  const code = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!).searchParams.get("code")!;
  const tokens = (await (
    await fetch(`${sandbox.url}/auth/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "authorization_code",
        code,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: REDIRECT_URI,
      }),
    })
  ).json()) as { access_token: string };
  const base = `${sandbox.url}/accounting/account/${sandbox.state.accountIds()[0]!}`;
  const call = async (method: string, path: string, body?: unknown, token = tokens.access_token) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const dialect = async (switches: Partial<Dialect>) => {
    const response = await fetch(`${sandbox.url}/__sandbox/dialect`, { method: "POST", body: JSON.stringify(switches) });
    expect(response.status).toBe(200);
    return (await response.json()) as Dialect;
  };
  return { call, dialect };
}

const taxed = (qty: number, amount: string, rate: string) => ({
  type: 0,
  name: "Item",
  qty,
  unit_cost: { amount, code: "USD" },
  taxName1: "HST",
  taxAmount1: rate,
});
const untaxed = (qty: number, amount: string) => ({ type: 0, name: "Item", qty, unit_cost: { amount, code: "USD" } });

// [case, lines, discount, amount per rounding dialect]
const ROUNDING_CASES = [
  // The recorded invoice (Java/PHP SDK fixture): FreshBooks answered 41.94.
  [
    "recorded: 10 % discount, 13 % tax",
    [taxed(4, "5.00", "13"), untaxed(6, "4.00")],
    "10",
    { "discount-first": "41.94", "line-half-up": "42.20", subtotal: "41.94", bankers: "41.94" },
  ],
  // Three lines each taxed 0.0065: per line 0.01 each, once on the subtotal 0.02.
  [
    "three nickels at 13 %",
    [taxed(1, "0.05", "13"), taxed(1, "0.05", "13"), taxed(1, "0.05", "13")],
    "0",
    { "discount-first": "0.18", "line-half-up": "0.18", subtotal: "0.17", bankers: "0.18" },
  ],
  // A tax of exactly half a cent: half-up 0.01, half to even 0.00.
  [
    "half a cent of tax",
    [taxed(1, "0.50", "1")],
    "0",
    { "discount-first": "0.51", "line-half-up": "0.51", subtotal: "0.51", bankers: "0.50" },
  ],
] as const;

describe("sandbox dialects", () => {
  it("answers the dialect over the control plane, refuses unknown switches, and starts from the defaults", async () => {
    const { dialect } = await connect();
    expect(await dialect({})).toEqual(DEFAULT_DIALECT);
    expect(await dialect({ rounding: "bankers" })).toEqual({ ...DEFAULT_DIALECT, rounding: "bankers" });
    const bad = await fetch(`${sandbox.url}/__sandbox/dialect`, { method: "POST", body: JSON.stringify({ rounding: "nearest" }) });
    expect(bad.status).toBe(400);
    sandbox.state.reset();
    expect(sandbox.dialect()).toEqual(DEFAULT_DIALECT);
  });

  it.each(ROUNDING_CASES)("rounding: %s", async (_name, lines, discount, amounts) => {
    const { call, dialect } = await connect();
    const client = (await call("POST", "/users/clients", { client: { fname: "Ada" } })).json.response.result.client;
    for (const [rounding, amount] of Object.entries(amounts)) {
      await dialect({ rounding: rounding as Dialect["rounding"] });
      const created = await call("POST", "/invoices/invoices", {
        invoice: { customerid: client.id, create_date: "2024-05-01", discount_value: discount, lines },
      });
      expect({ rounding, amount: created.json.response.result.invoice.amount.amount }).toEqual({ rounding, amount });
    }
  });

  it("clientLimit: refuse with errno 1003, or create and flag exceeds_client_limit", async () => {
    const { call, dialect } = await connect({ clientLimit: 1 });
    expect((await call("POST", "/users/clients", { client: { fname: "One" } })).json.response.result.client.exceeds_client_limit).toBe(0);
    expect(await call("POST", "/users/clients", { client: { fname: "Two" } })).toMatchObject({
      status: 403,
      json: { response: { errors: [{ errno: 1003 }] } },
    });
    await dialect({ clientLimit: "flag" });
    const flagged = await call("POST", "/users/clients", { client: { fname: "Two" } });
    expect(flagged).toMatchObject({ status: 200, json: { response: { result: { client: { fname: "Two", exceeds_client_limit: 1 } } } } });
  });

  it("invoiceNumbers: unique, duplicates allowed, or refused in other words", async () => {
    const { call, dialect } = await connect();
    const client = (await call("POST", "/users/clients", { client: { fname: "Ada" } })).json.response.result.client;
    const post = () =>
      call("POST", "/invoices/invoices", {
        invoice: { customerid: client.id, create_date: "2024-05-01", invoice_number: "SHOP-1", lines: [] },
      });
    expect((await post()).status).toBe(200);
    expect(await post()).toMatchObject({
      status: 422,
      json: { response: { errors: [{ field: "invoice_number", message: expect.stringMatching(/already exists/) }] } },
    });
    await dialect({ invoiceNumbers: "unique-other-wording" });
    const reworded = await post();
    expect(reworded).toMatchObject({ status: 422, json: { response: { errors: [{ field: "invoice_number" }] } } });
    expect(reworded.json.response.errors[0].message).not.toMatch(/already|exist|unique|duplicate|in use|taken/i);
    await dialect({ invoiceNumbers: "duplicates" });
    expect((await post()).status).toBe(200);
    expect((await call("GET", "/invoices/invoices?search[invoice_number]=SHOP-1")).json.response.result.invoices).toHaveLength(2);
  });

  it("zeroDecimal: JPY amounts as '3000' or '3000.00'", async () => {
    const { call, dialect } = await connect();
    const client = (await call("POST", "/users/clients", { client: { fname: "Ada", currency_code: "JPY" } })).json.response.result.client;
    const invoice = {
      customerid: client.id,
      create_date: "2024-05-01",
      currency_code: "JPY",
      lines: [{ type: 0, name: "Tea", qty: 1, unit_cost: { amount: "3000", code: "JPY" } }],
    };
    expect((await call("POST", "/invoices/invoices", { invoice })).json.response.result.invoice.amount).toEqual({
      amount: "3000",
      code: "JPY",
    });
    await dialect({ zeroDecimal: "two-decimals" });
    const created = (await call("POST", "/invoices/invoices", { invoice })).json.response.result.invoice;
    expect([created.amount.amount, created.outstanding.amount, created.paid.amount]).toEqual(["3000.00", "3000.00", "0.00"]);
  });

  it("authErrors: a bad token and a missing scope, in OAuth's words or the accounting format", async () => {
    const { call, dialect } = await connect({ scopes: ["user:profile:read", "user:clients:read"] });
    expect(await call("GET", "/users/clients", undefined, "not-a-token")).toMatchObject({
      status: 401,
      json: { error: "unauthenticated" },
    });
    expect(await call("GET", "/invoices/invoices")).toMatchObject({ status: 403, json: { error: "insufficient_scope" } });
    await dialect({ authErrors: "accounting" });
    expect(await call("GET", "/users/clients", undefined, "not-a-token")).toMatchObject({
      status: 401,
      json: { response: { errors: [{ errno: 1003 }] } },
    });
    expect(await call("GET", "/invoices/invoices")).toMatchObject({
      status: 403,
      json: { response: { errors: [{ errno: 1003, message: "You do not have access to perform the action requested." }] } },
    });
  });

  it("a granted scope withheld over the control plane (a lost permission) is refused like a missing one", async () => {
    const { call, dialect } = await connect();
    expect((await call("GET", "/invoices/invoices")).status).toBe(200);
    await fetch(`${sandbox.url}/__sandbox/config`, { method: "POST", body: JSON.stringify({ withheldScopes: ["user:invoices:read"] }) });
    expect(await call("GET", "/invoices/invoices")).toMatchObject({ status: 403, json: { error: "insufficient_scope" } });
    await dialect({ authErrors: "accounting" });
    expect(await call("GET", "/invoices/invoices")).toMatchObject({ status: 403, json: { response: { errors: [{ errno: 1003 }] } } });
    expect((await call("GET", "/users/clients")).status).toBe(200);
  });

  it("taxAmounts: numeric rates refused with errno 1018, or accepted and answered as numbers", async () => {
    const { call, dialect } = await connect();
    const client = (await call("POST", "/users/clients", { client: { fname: "Ada" } })).json.response.result.client;
    const invoice = {
      customerid: client.id,
      create_date: "2024-05-01",
      lines: [{ ...untaxed(1, "10.00"), taxName1: "HST", taxAmount1: 13 }],
    };
    expect(await call("POST", "/invoices/invoices", { invoice })).toMatchObject({
      status: 422,
      json: { response: { errors: [{ errno: 1018 }] } },
    });
    await dialect({ taxAmounts: "numbers" });
    const created = await call("POST", "/invoices/invoices?include[]=lines", { invoice });
    expect(created.json.response.result.invoice).toMatchObject({ amount: { amount: "11.30" }, lines: [{ taxAmount1: 13 }] });
  });

  it("emptyLists: pages 0 or 1 on an empty list", async () => {
    const { call, dialect } = await connect();
    expect((await call("GET", "/users/clients")).json.response.result).toMatchObject({ clients: [], page: 1, pages: 0, total: 0 });
    await dialect({ emptyLists: "pages-1" });
    expect((await call("GET", "/users/clients")).json.response.result).toMatchObject({ clients: [], page: 1, pages: 1, total: 0 });
  });
});
