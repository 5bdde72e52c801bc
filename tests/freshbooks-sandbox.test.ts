import { afterEach, describe, expect, it } from "vitest";
import { startFreshBooksSandbox, type FreshBooksSandbox, type SandboxOptions } from "../app/dev/freshbooks-sandbox/server";

const CLIENT_ID = "test-client";
const CLIENT_SECRET = "test-secret";
const REDIRECT_URI = "https://app.example.test/freshbooks/callback";

let sandbox: FreshBooksSandbox;

afterEach(async () => {
  await sandbox?.close();
});

async function start(options: SandboxOptions = {}): Promise<FreshBooksSandbox> {
  sandbox = await startFreshBooksSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], ...options });
  return sandbox;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
  created_at: number;
}

const ALL_SCOPES = ["profile", "clients", "invoices", "payments", "taxes"]
  .flatMap((object) => [`user:${object}:read`, `user:${object}:write`])
  .join(" ");

async function authorizeCode(state = "opaque-state", scope = ALL_SCOPES): Promise<string> {
  const url = new URL("/oauth/authorize", sandbox.url);
  url.search = new URLSearchParams({ client_id: CLIENT_ID, response_type: "code", redirect_uri: REDIRECT_URI, scope, state }).toString();
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(location.origin + location.pathname).toBe(REDIRECT_URI);
  expect(location.searchParams.get("state")).toBe(state);
  return location.searchParams.get("code")!;
}

function tokenRequest(body: Record<string, string>, form = false): Promise<Response> {
  return fetch(`${sandbox.url}/auth/oauth/token`, {
    method: "POST",
    headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json" },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

const credentials = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT_URI };

async function login(scope?: string): Promise<Tokens> {
  const code = await authorizeCode(undefined, scope);
  const response = await tokenRequest({ grant_type: "authorization_code", code, ...credentials });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

function refresh(refreshToken: string): Promise<Response> {
  return tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken, ...credentials }, true);
}

type Rest = Record<string, unknown>;

/** The parts of FreshBooks answers these tests read; `toMatchObject` checks the rest. */
interface Body {
  response: {
    result: {
      client: Rest & { id: number };
      clients: Array<Rest & { id: number }>;
      invoice: Rest & { id: number; invoice_number: string; lines?: Array<{ amount: { amount: string } }> };
      invoices: Array<Rest & { invoice_number: string }>;
      payment: Rest;
      taxes: Array<Rest & { name: string }>;
      total: number;
    } & Rest;
    errors: Rest[];
    business_memberships: Array<Rest & { business: Rest }>;
    groups: Rest[];
  } & Rest;
  error?: string;
}

async function api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Body }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : null) as Body };
}

async function setup(options: SandboxOptions = {}) {
  await start(options);
  const tokens = await login();
  const account = sandbox.state.accountIds()[0]!;
  const base = `/accounting/account/${account}`;
  const call = (method: string, path: string, body?: unknown) => api(tokens.access_token, method, `${base}${path}`, body);
  const createClient = async (client: Record<string, unknown>) => {
    const response = await call("POST", "/users/clients", { client });
    expect(response.status).toBe(200);
    return response.json.response.result.client;
  };
  return { tokens, account, call, createClient };
}

describe("FreshBooks sandbox: OAuth", () => {
  it("exchanges an authorization code once, as JSON and with the documented token shape", async () => {
    await start();
    const code = await authorizeCode();
    const first = await tokenRequest({ grant_type: "authorization_code", code, ...credentials });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Tokens;
    expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 43200, scope: ALL_SCOPES });
    expect(typeof tokens.created_at).toBe("number");
    const again = await tokenRequest({ grant_type: "authorization_code", code, ...credentials });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    expect(sandbox.state.tokenRequests.map((request) => request.status)).toEqual([200, 400]);
  });

  it("expires codes after 5 minutes and refuses a wrong client or redirect URI", async () => {
    await start();
    const code = await authorizeCode();
    sandbox.advanceClock(301);
    expect((await tokenRequest({ grant_type: "authorization_code", code, ...credentials })).status).toBe(400);
    const wrongClient = await fetch(
      `${sandbox.url}/oauth/authorize?client_id=nope&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      { redirect: "manual" },
    );
    expect(wrongClient.status).toBe(400);
    const wrongRedirect = await fetch(
      `${sandbox.url}/oauth/authorize?client_id=${CLIENT_ID}&response_type=code&redirect_uri=${encodeURIComponent("https://evil.test/cb")}`,
      { redirect: "manual" },
    );
    expect(wrongRedirect.status).toBe(400);
    const missingGrant = await tokenRequest({ client_id: CLIENT_ID });
    expect(await missingGrant.json()).toEqual({ error: "invalid_request", error_description: "Missing required parameter: grant_type." });
  });

  it("rotates refresh tokens: single use, and a new auth-code flow invalidates older ones", async () => {
    await start();
    const first = await login();
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Tokens;
    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
    // The old access token keeps working until it expires.
    expect((await api(first.access_token, "GET", "/auth/api/v1/users/me")).status).toBe(200);
    await login();
    expect((await refresh(second.refresh_token)).status).toBe(400);
    expect(sandbox.state.count({ method: "POST", pathPrefix: "/auth/oauth/token" })).toBe(5);
  });

  it("revokes a refresh token and the access tokens issued with it", async () => {
    await start();
    const tokens = await login();
    const response = await fetch(`${sandbox.url}/auth/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: tokens.refresh_token }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect((await refresh(tokens.refresh_token)).status).toBe(400);
    expect((await api(tokens.access_token, "GET", "/auth/api/v1/users/me")).status).toBe(401);
  });

  it("records which token each revocation named, and refuses unknown or dead ones", async () => {
    await start();
    const first = await login();
    const second = (await (await refresh(first.refresh_token)).json()) as Tokens;
    const revoke = (token: string) =>
      fetch(`${sandbox.url}/auth/oauth/revoke`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token }),
      });

    expect((await revoke("never-issued")).status).toBe(400);
    expect((await revoke(first.refresh_token)).status).toBe(400); // already rotated away
    expect(sandbox.state.liveRefreshTokens()).toEqual([second.refresh_token]);
    expect((await revoke(second.refresh_token)).status).toBe(200);

    expect(sandbox.state.revocations).toMatchObject([
      { token: "never-issued", kind: "unknown", wasLive: false, status: 400 },
      { token: first.refresh_token, kind: "refresh", wasLive: false, status: 400 },
      { token: second.refresh_token, kind: "refresh", wasLive: true, status: 200 },
    ]);
    expect(sandbox.state.liveRefreshTokens()).toEqual([]);
  });

  it("checks scopes per endpoint family: a read scope does not allow writing, a missing one is a 403", async () => {
    await start();
    const tokens = await login("user:clients:read");
    const account = sandbox.state.accountIds()[0]!;
    const insufficient = { error: "insufficient_scope", error_description: expect.stringMatching(/user:clients:write/) };

    expect((await api(tokens.access_token, "GET", `/accounting/account/${account}/users/clients`)).status).toBe(200);
    expect(await api(tokens.access_token, "POST", `/accounting/account/${account}/users/clients`, { client: { fname: "A" } })).toEqual({
      status: 403,
      json: insufficient,
    });
    expect((await api(tokens.access_token, "GET", `/accounting/account/${account}/invoices/invoices`)).status).toBe(403);
    expect((await api(tokens.access_token, "GET", `/accounting/account/${account}/taxes/taxes`)).status).toBe(403);
    const me = await api(tokens.access_token, "GET", "/auth/api/v1/users/me");
    expect(me).toMatchObject({ status: 403, json: { error: "insufficient_scope" } });
  });
});

describe("FreshBooks sandbox: identity", () => {
  it("answers /users/me with every business membership", async () => {
    await start({
      businesses: [
        { name: "Fruity Loops", accountId: "xZNQ1X", businessId: 2122866 },
        { name: "Other business", accountId: "3xQ74o" },
      ],
    });
    const tokens = await login();
    const { status, json } = await api(tokens.access_token, "GET", "/auth/api/v1/users/me");
    expect(status).toBe(200);
    expect(json.response).toMatchObject({ id: expect.any(Number), first_name: "Demo", last_name: "Owner", email: "owner@example.com" });
    expect(json.response.business_memberships).toHaveLength(2);
    expect(json.response.business_memberships[0]).toMatchObject({
      role: "owner",
      business: { id: 2122866, name: "Fruity Loops", account_id: "xZNQ1X", timezone: expect.any(String), business_clients: [] },
    });
    expect(json.response.business_memberships[1]!.business.account_id).toBe("3xQ74o");
    expect(json.response.groups).toHaveLength(2);
  });

  it("can list a business without an accounting account (account_id null)", async () => {
    await start({ businesses: [{ name: "Client portal", accountId: null }, { name: "Real books" }] });
    const tokens = await login();
    const { json } = await api(tokens.access_token, "GET", "/auth/api/v1/users/me");
    expect(json.response.business_memberships.map((membership) => membership.business.account_id)).toEqual([null, "SBX002"]);
    expect(Object.keys(json.response.permissions as object)).toEqual(["SBX002"]);
    expect(sandbox.state.accountIds()).toEqual(["SBX002"]);
  });

  it("answers 401 unauthenticated without a token and invalid_token once it expired", async () => {
    await start({ accessTokenTtlSeconds: 60 });
    const anonymous = await fetch(`${sandbox.url}/auth/api/v1/users/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: "unauthenticated",
      error_description: "This action requires authentication to continue.",
    });
    const tokens = await login();
    sandbox.advanceClock(61);
    const expired = await api(tokens.access_token, "GET", "/auth/api/v1/users/me");
    expect(expired).toEqual({
      status: 401,
      json: { error: "invalid_token", error_description: "The access token is invalid", state: "unauthorized" },
    });
  });

  it("forces token expiry through the control endpoint", async () => {
    const { call } = await setup();
    expect((await call("GET", "/users/clients")).status).toBe(200);
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ expireAccessTokens: true }) });
    const after = await call("GET", "/users/clients");
    expect(after.status).toBe(401);
    expect(after.json.error).toBe("invalid_token");
  });
});

describe("FreshBooks sandbox: clients", () => {
  it("finds a client by exact email containing + and &, URL-encoded", async () => {
    const { call, createClient } = await setup();
    const email = "ada+shop&co@example.com";
    const created = await createClient({ fname: "Ada", email });
    await createClient({ email: "ada@example.com" });
    const found = await call("GET", `/users/clients?search[email]=${encodeURIComponent(email)}`);
    expect(found.json.response.result).toMatchObject({ page: 1, pages: 1, per_page: 15, total: 1 });
    expect(found.json.response.result.clients[0]).toMatchObject({ id: created.id, userid: created.id, email });
    // Unencoded, "+" means a space: no match.
    const raw = await call("GET", "/users/clients?search[email]=ada+shop%26co@example.com");
    expect(raw.json.response.result.total).toBe(0);
  });

  it("hides deleted clients, finds them with vis_state=1, restores them", async () => {
    const { call, createClient } = await setup();
    const client = await createClient({ email: "gone@example.com" });
    const deleted = await call("PUT", `/users/clients/${client.id}`, { client: { vis_state: 1, fname: "Ignored" } });
    expect(deleted.json.response.result.client).toMatchObject({ vis_state: 1, fname: "" });
    expect((await call("GET", "/users/clients?search[email]=gone%40example.com")).json.response.result.total).toBe(0);
    const hidden = await call("GET", "/users/clients?search[email]=gone%40example.com&search[vis_state]=1");
    expect(hidden.json.response.result.clients[0]!.id).toBe(client.id);
    await call("PUT", `/users/clients/${client.id}`, { client: { vis_state: 0 } });
    expect((await call("GET", "/users/clients")).json.response.result.total).toBe(1);
  });

  it("requires one of fname, lname, email, organization (errno 7012)", async () => {
    const { call } = await setup();
    const response = await call("POST", "/users/clients", { client: { p_city: "Toronto" } });
    expect(response.status).toBe(422);
    expect(response.json.response.errors[0]).toMatchObject({
      errno: 7012,
      message: "At least one field among fname, lname, email and organization is required.",
    });
  });

  it("enforces the plan's client limit, configurable over HTTP", async () => {
    const { call, createClient } = await setup({ clientLimit: 2 });
    await createClient({ fname: "One" });
    await createClient({ fname: "Two" });
    const third = await call("POST", "/users/clients", { client: { fname: "Three" } });
    // UNCONFIRMED shape (see clients.ts): errno 1003 AccessDenied with FreshBooks' documented text.
    expect(third).toEqual({
      status: 403,
      json: {
        response: { errors: [{ errno: 1003, object: "client", message: "You do not have access to perform the action requested." }] },
      },
    });
    await fetch(`${sandbox.url}/__sandbox/config`, { method: "POST", body: JSON.stringify({ clientLimit: null }) });
    expect((await call("POST", "/users/clients", { client: { fname: "Three" } })).status).toBe(200);
  });

  it("answers 404 Account not found for an unknown account", async () => {
    const { tokens } = await setup();
    const response = await api(tokens.access_token, "GET", "/accounting/account/NOPE1/users/clients");
    expect(response).toEqual({ status: 404, json: { response: { errors: [{ message: "Account not found", errno: 404 }] } } });
  });
});

const line = (name: string, qty: number | string, amount: string, taxes: Rest = {}) => ({
  type: 0,
  name,
  qty,
  unit_cost: { amount, code: "USD" },
  ...taxes,
});

describe("FreshBooks sandbox: invoices and payments", () => {
  it("computes the amount with two taxes and a percent discount to the cent; lines only on request", async () => {
    // The reading of the first sandbox: tax on the undiscounted lines (the other rounding dialects:
    // tests/freshbooks-sandbox-dialects.test.ts).
    const { call, createClient } = await setup({ dialect: { rounding: "line-half-up" } });
    const client = await createClient({ fname: "Ada", email: "ada@example.com" });
    const invoice = {
      customerid: client.id,
      create_date: "2024-05-01",
      due_offset_days: 15,
      discount_value: "10",
      lines: [
        line("Blue T-shirt", 3, "19.99", { taxName1: "HST", taxAmount1: "13", taxName2: "PST", taxAmount2: "7.5" }),
        line("Shipping", "1", "8.05", { taxName1: "HST", taxAmount1: "13" }),
      ],
    };
    const created = await call("POST", "/invoices/invoices?include[]=lines", { invoice });
    expect(created.status).toBe(200);
    const result = created.json.response.result.invoice;
    // 59.97 + 8.05 = 68.02; taxes 7.80 (7.7961) + 4.50 (4.49775) + 1.05 (1.0465); discount 6.80 (6.802).
    expect(result).toMatchObject({
      customerid: client.id,
      invoice_number: "0000001",
      due_date: "2024-05-16",
      amount: { amount: "74.57", code: "USD" },
      outstanding: { amount: "74.57", code: "USD" },
      paid: { amount: "0.00", code: "USD" },
      discount_total: { amount: "6.80", code: "USD" },
      status: 1,
      v3_status: "draft",
      payment_status: "unpaid",
      fname: "Ada",
    });
    expect(result.lines?.map((item) => item.amount.amount)).toEqual(["59.97", "8.05"]);
    const plain = await call("GET", `/invoices/invoices/${result.id}`);
    expect(plain.json.response.result.invoice.lines).toBeUndefined();
  });

  it("refuses clientid, non-string percents and duplicate invoice numbers", async () => {
    const { call, createClient } = await setup();
    const client = await createClient({ fname: "Ada" });
    const withClientid = await call("POST", "/invoices/invoices", {
      invoice: { clientid: client.id, create_date: "2024-05-01", lines: [] },
    });
    expect(withClientid.status).toBe(422);
    expect(withClientid.json.response.errors[0]).toMatchObject({ errno: 1001, field: "customerid" });
    const numericTax = await call("POST", "/invoices/invoices", {
      invoice: { customerid: client.id, create_date: "2024-05-01", lines: [line("x", 1, "1.00", { taxAmount1: 13 })] },
    });
    expect(numericTax.json.response.errors[0]).toMatchObject({
      errno: 1018,
      message: "Percent values should be strings formatted as decimals",
    });
    const first = await call("POST", "/invoices/invoices", {
      invoice: { customerid: client.id, create_date: "2024-05-01", invoice_number: "SHOP-1001", lines: [] },
    });
    expect(first.status).toBe(200);
    const duplicate = await call("POST", "/invoices/invoices", {
      invoice: { customerid: client.id, create_date: "2024-05-01", invoice_number: "SHOP-1001", lines: [] },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json.response.errors[0]).toMatchObject({ field: "invoice_number" });
  });

  it("numbers invoices automatically, searches invoice_number exactly and ignores unknown filters", async () => {
    const { call, createClient } = await setup();
    const client = await createClient({ fname: "Ada" });
    const make = (extra: Record<string, unknown>) =>
      call("POST", "/invoices/invoices", { invoice: { customerid: client.id, create_date: "2024-05-01", lines: [], ...extra } });
    expect((await make({})).json.response.result.invoice.invoice_number).toBe("0000001");
    await make({ invoice_number: "#1001", po_number: "#1001" });
    await make({ invoice_number: "#10011" });
    expect((await make({})).json.response.result.invoice.invoice_number).toBe("0000002");
    const exact = await call("GET", `/invoices/invoices?search[invoice_number]=${encodeURIComponent("#1001")}`);
    expect(exact.json.response.result.invoices.map((item) => item.invoice_number)).toEqual(["#1001"]);
    const unknown = await call("GET", `/invoices/invoices?search[po_number]=${encodeURIComponent("#1001")}`);
    expect(unknown.json.response.result.total).toBe(4);
  });

  it("marks invoices partial then paid from payments, and records sent email", async () => {
    const { call, createClient } = await setup();
    const client = await createClient({ fname: "Ada", email: "ada@example.com" });
    const created = await call("POST", "/invoices/invoices", {
      invoice: { customerid: client.id, create_date: "2024-05-01", lines: [line("Item", 1, "100.00")] },
    });
    const id = created.json.response.result.invoice.id;
    const sent = await call("PUT", `/invoices/invoices/${id}`, {
      invoice: { action_email: true, email_recipients: ["ada@example.com"], notes: "ignored" },
    });
    expect(sent.json.response.result.invoice).toMatchObject({ v3_status: "sent", notes: null });
    expect(sandbox.state.emailsSent()).toHaveLength(1);
    const pay = (amount: string) =>
      call("POST", "/payments/payments", {
        payment: { invoiceid: id, amount: { amount, code: "USD" }, date: "2024-05-02", type: "Credit Card", note: "txn 1" },
      });
    expect((await pay("40.00")).json.response.result.payment).toMatchObject({
      invoiceid: id,
      clientid: client.id,
      amount: { amount: "40.00" },
    });
    let invoice = (await call("GET", `/invoices/invoices/${id}`)).json.response.result.invoice;
    expect(invoice).toMatchObject({ status: 8, payment_status: "partial", outstanding: { amount: "60.00" } });
    await pay("60.00");
    invoice = (await call("GET", `/invoices/invoices/${id}`)).json.response.result.invoice;
    expect(invoice).toMatchObject({
      status: 4,
      v3_status: "paid",
      payment_status: "paid",
      outstanding: { amount: "0.00" },
      paid: { amount: "100.00" },
    });
    const payments = await call("GET", `/payments/payments?search[invoiceid]=${id}`);
    expect(payments.json.response.result.total).toBe(2);
  });
});

describe("FreshBooks sandbox: faults", () => {
  it("answers queued 429 with Retry-After and a 503 HTML page, then recovers", async () => {
    const { call } = await setup();
    sandbox.faults.enqueue(
      { method: "GET", path: "/users/clients", fault: { kind: "status", status: 429, retryAfter: 3 } },
      { method: "GET", path: "/users/clients", fault: { kind: "status", status: 503, body: "html" } },
    );
    const limited = await fetch(`${sandbox.url}/accounting/account/${sandbox.state.accountIds()[0]}/users/clients`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    const unavailable = await call("GET", "/users/clients").catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(SyntaxError);
    expect((await call("GET", "/users/clients")).status).toBe(200);
    expect(sandbox.state.count({ method: "GET", pathPrefix: "/accounting/", status: 429 })).toBe(1);
    expect(sandbox.state.count({ status: 503 })).toBe(1);
  });

  it("holds a request open until the client gives up", async () => {
    const { account, tokens } = await setup();
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ enqueue: [{ path: "/invoices", fault: { kind: "timeout" } }] }),
    });
    const request = fetch(`${sandbox.url}/accounting/account/${account}/invoices/invoices`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
      signal: AbortSignal.timeout(300),
    });
    await expect(request).rejects.toThrow();
    expect(sandbox.state.requests.at(-1)).toMatchObject({ fault: "timeout", status: null });
  });

  it("sends errors inside a 200 and, when asked, validation errors in the new format", async () => {
    const { call } = await setup();
    sandbox.faults.enqueue({
      path: "/users/clients",
      fault: { kind: "errors-in-200", errors: [{ errno: 1012, message: "Client not found." }] },
    });
    expect(await call("GET", "/users/clients")).toEqual({
      status: 200,
      json: { response: { errors: [{ errno: 1012, message: "Client not found." }] } },
    });
    sandbox.faults.setErrorFormat("new");
    const response = await call("POST", "/users/clients", { client: {} });
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({
      code: 3,
      message: "Request failed with status_code: 422",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "7012",
          domain: "accounting.api.freshbooks.com",
          metadata: { object: "client" },
        },
      ],
    });
  });

  it("rate-limits per account with a token bucket on the sandbox clock", async () => {
    const { call } = await setup({ now: () => new Date("2024-05-01T12:00:00Z") });
    sandbox.faults.setRateLimit({ perSecond: 2 });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await call("GET", "/taxes/taxes")).status);
    expect(statuses).toEqual([200, 200, 429]);
    sandbox.advanceClock(1);
    const after = await call("GET", "/taxes/taxes");
    expect(after.status).toBe(200);
    expect(after.json.response.result.taxes.map((tax) => tax.name)).toEqual(["HST", "GST"]);
  });

  it("exposes state and reset over HTTP", async () => {
    const { createClient } = await setup();
    await createClient({ email: "state@example.com" });
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as {
      accounts: Record<string, { clients: unknown[] }>;
      requestCounts: { total: number };
    };
    expect(Object.values(state.accounts)[0]!.clients).toHaveLength(1);
    expect(state.requestCounts.total).toBe(3); // authorize, token, client create
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: "POST" });
    expect(sandbox.state.clients()).toHaveLength(0);
  });
});
