/**
 * A fake FreshBooks at the HTTP boundary: OAuth, identity and the accounting endpoints the sync
 * uses, with the documented paths, envelopes and errors (docs/freshbooks-api.md), plus
 * fault injection. Point FRESHBOOKS_API_URL and FRESHBOOKS_AUTH_URL at `url`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { parseAccountingPath, requiredScope, routeAccounting } from "./accounting";
import { buildConfig, SandboxClock, type SandboxContext, type SandboxOptions } from "./context";
import { handleControl, type ControlTarget } from "./control";
import { presentInDialect, type Dialect } from "./dialect";
import { errorsIn200Response, FaultControl, rateLimitResponse, statusFaultResponse, type FaultSpec } from "./faults";
import { classicError, isClassicError, isResponse, readBody, toNewFormat, type SandboxResponse } from "./http";
import { usersMe } from "./identity";
import { createInspector, stateSnapshot, type SandboxInspector } from "./inspect";
import { authenticate, authorize, expireAllAccessTokens, parseOAuthBody, requireScope, revoke, revokeAllTokens, token } from "./oauth";
import { loadSandboxData, saveSandboxData } from "./persist";
import { buildBusinesses, SandboxData, type BusinessConfig, type RequestLogEntry } from "./state";

export type { SandboxOptions } from "./context";
export type { Dialect, DialectName } from "./dialect";
export { DEFAULT_DIALECT, DIALECT_VALUES } from "./dialect";
export type { SandboxInspector } from "./inspect";
export { FaultControl } from "./faults";

/** What configure() changes; `withheldScopes`: scopes refused even when granted (a lost permission). */
export interface SandboxConfigChange {
  clientLimit?: number | null;
  businesses?: BusinessConfig[];
  withheldScopes?: string[];
}

export interface FreshBooksSandbox {
  /** Base URL (http://127.0.0.1:PORT) serving the API and the authorize page. */
  url: string;
  close(): Promise<void>;
  setClock(now: () => Date): void;
  advanceClock(seconds: number): void;
  now(): Date;
  faults: FaultControl;
  state: SandboxInspector;
  configure(config: SandboxConfigChange): void;
  /** Switches some dialects (docs/freshbooks-api.md §14); returns all of them. Reset restores the options' ones. */
  setDialect(dialect: Partial<Dialect>): Dialect;
  dialect(): Dialect;
}

const NOT_FOUND = classicError(404, { errno: 1012, message: "The requested resource was not found." });

function send(res: ServerResponse, response: SandboxResponse): void {
  const isText = typeof response.body === "string";
  const payload = isText ? String(response.body) : JSON.stringify(response.body);
  res.writeHead(response.status, {
    "content-type": isText ? "text/html; charset=utf-8" : "application/json",
    "x-api-version": "2023-02-20",
    ...response.headers,
  });
  res.end(payload);
}

async function route(
  context: SandboxContext,
  faults: FaultControl,
  req: IncomingMessage,
  url: URL,
  body: string,
): Promise<SandboxResponse> {
  const method = req.method ?? "GET";
  const path = url.pathname;
  if (method === "GET" && /^\/oauth\/authorize\/?$/.test(path)) return authorize(context, url.searchParams);
  if (method === "POST" && path === "/auth/oauth/token") {
    const fields = parseOAuthBody(body, req.headers["content-type"]);
    const response = token(context, fields);
    const error =
      typeof response.body === "object" && response.body !== null && "error" in response.body ? String(response.body.error) : null;
    context.data.tokenRequests.push({
      grantType: fields.grant_type ?? "",
      status: response.status,
      error,
      time: context.clock.now().toISOString(),
    });
    return response;
  }
  if (method === "POST" && path === "/auth/oauth/revoke") return revoke(context, parseOAuthBody(body, req.headers["content-type"]));
  const accounting = parseAccountingPath(path);
  if (!accounting && !(method === "GET" && path === "/auth/api/v1/users/me")) return NOT_FOUND;
  const auth = authenticate(context, req.headers);
  if (isResponse(auth)) return auth;
  const missingScope = requireScope(
    auth,
    accounting ? requiredScope(method, accounting.resource) : "user:profile:read",
    context.config.withheldScopes,
  );
  if (missingScope) return missingScope;
  if (!accounting) return usersMe(context);
  const retryAfter = faults.rateLimited(accounting.accountId, context.clock.nowMs());
  if (retryAfter !== null) return rateLimitResponse(retryAfter);
  return routeAccounting(context, { method, ...accounting, query: url.searchParams, body });
}

export async function startFreshBooksSandbox(options: SandboxOptions = {}): Promise<FreshBooksSandbox> {
  const context: SandboxContext = {
    config: buildConfig(options),
    data: new SandboxData(),
    clock: new SandboxClock(options.now ?? (() => new Date())),
  };
  const stateFile = options.stateFile;
  if (stateFile) loadSandboxData(context.data, stateFile);
  const faults = new FaultControl(() => expireAllAccessTokens(context));
  // Saved shortly after a change (a burst of requests writes once), and on close.
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (stateFile) saveSandboxData(context.data, stateFile);
  };
  const scheduleSave = () => {
    if (stateFile && !saveTimer) saveTimer = setTimeout(save, 200).unref();
  };
  const held = new Set<ServerResponse>();
  const reset = () => {
    context.data.clear();
    context.config = buildConfig(options);
    context.clock.set(options.now ?? (() => new Date()));
    faults.clear();
  };
  const state = createInspector(context, { revokeAllTokens: () => revokeAllTokens(context), reset });
  const configure = (config: SandboxConfigChange) => {
    if (config.clientLimit !== undefined) context.config.clientLimit = config.clientLimit;
    if (config.withheldScopes) context.config.withheldScopes = config.withheldScopes;
    if (config.businesses) context.config.businesses = buildBusinesses(config.businesses);
  };
  const setDialect = (dialect: Partial<Dialect>): Dialect => {
    context.config.dialect = { ...context.config.dialect, ...dialect };
    return context.config.dialect;
  };
  const control: ControlTarget = {
    faults,
    state: () => stateSnapshot(context, state),
    reset,
    revokeAllTokens: () => revokeAllTokens(context),
    advanceClock: (seconds) => context.clock.advance(seconds),
    setClock: (now) => context.clock.set(now),
    now: () => context.clock.now(),
    configure,
    setDialect,
    dialect: () => context.config.dialect,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    const method = req.method ?? "GET";
    const body = await readBody(req);
    if (method !== "GET") res.on("close", scheduleSave);
    if (url.pathname.startsWith("/__sandbox/")) {
      send(res, handleControl(control, method, url.pathname, body));
      return;
    }
    const started = performance.now();
    const entry: RequestLogEntry = {
      id: context.data.ids.request.take(),
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ""),
      status: null,
      time: context.clock.now().toISOString(),
      durationMs: null,
      fault: null,
    };
    context.data.requests.push(entry);
    res.on("close", () => {
      entry.durationMs = Math.round(performance.now() - started);
      entry.status = res.writableFinished ? res.statusCode : null;
      held.delete(res);
    });
    const latency = faults.latencyFor(url.pathname);
    if (latency > 0) await delay(latency);
    const fault: FaultSpec | null = faults.take(method, url.pathname);
    entry.fault = fault?.kind ?? null;
    const afterHandling = fault && (fault.kind === "timeout" || fault.kind === "reset") && fault.afterHandling === true;
    if (fault && !afterHandling) {
      if (fault.kind === "timeout") {
        held.add(res);
        return;
      }
      if (fault.kind === "reset") {
        req.socket.destroy();
        return;
      }
      send(res, fault.kind === "status" ? statusFaultResponse(fault) : errorsIn200Response(fault.errors));
      return;
    }
    let response = await route(context, faults, req, url, body);
    const slowAnswer = faults.latencyFor(url.pathname, true);
    if (slowAnswer > 0) await delay(slowAnswer);
    if (fault?.kind === "timeout") {
      held.add(res);
      return;
    }
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    response = presentInDialect(context.config.dialect, url.pathname, response);
    if (
      faults.errorFormat === "new" &&
      url.pathname.startsWith("/accounting/") &&
      response.status >= 400 &&
      isClassicError(response.body)
    ) {
      response = { ...response, body: toNewFormat(response.status, response.body.response.errors) };
    }
    send(res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("freshbooks sandbox: unhandled error", error);
      if (!res.headersSent) send(res, classicError(500, { errno: 500, message: "An unexpected error occurred." }));
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    async close() {
      if (stateFile) save();
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    setClock: control.setClock,
    advanceClock: control.advanceClock,
    now: control.now,
    faults,
    state,
    configure,
    setDialect,
    dialect: control.dialect,
  };
}
