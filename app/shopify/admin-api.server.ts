/**
 * Admin GraphQL calls for background work (import, sweep, write-back): through the library,
 * `unauthenticated.admin(shop)` with the shop's offline session, the API version of
 * app/shopify.server.ts (the toml's). Shopify's cost-based limit (docs/shopify-admin-api.md §4)
 * is respected rather than fought: the last `extensions.cost.throttleStatus` of each shop is
 * mirrored, a call waits until its expected cost has been restored, and a THROTTLED answer
 * (HTTP 200 or 429, both readings exist) waits the restore time and is asked again. Network
 * failures and 5xx are retried with backoff a few times; the rest is an AdminApiError in plain words.
 */
import { GraphqlQueryError, HttpMaxRetriesError, HttpRequestError, HttpResponseError, HttpRetriableError } from "@shopify/shopify-api";
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { setTimeout as sleepMs } from "node:timers/promises";
import { unauthenticated } from "../shopify.server";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export type AdminApiErrorKind = "not_installed" | "access_denied" | "unavailable" | "query";

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly kind: AdminApiErrorKind,
    /** Worth asking again later (Shopify down, our retries used up); not for a missing scope or a bad query. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

export interface AdminCallOptions {
  /** Waiting (tests may count it); default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Transient failures (network, 5xx, INTERNAL_SERVER_ERROR) retried before giving up. Default 4. */
  transientRetries?: number;
}

/** Throttled answers retried before giving up: a minute and more of waiting at Shopify's rates. */
const MAX_THROTTLED_RETRIES = 30;
const TRANSIENT_BASE_MS = 500;

/** Per shop: the bucket as Shopify last described it, when, and the last requested cost of each query. */
const mirrors = new Map<string, { status: ThrottleStatus; atMs: number; lastCost: Map<string, number> }>();

function mirrorOf(shop: string) {
  let mirror = mirrors.get(shop);
  if (!mirror) {
    mirror = { status: { maximumAvailable: 0, currentlyAvailable: 0, restoreRate: 0 }, atMs: 0, lastCost: new Map() };
    mirrors.set(shop, mirror);
  }
  return mirror;
}

/** What the shop's bucket holds now by our reckoning (null: nothing known yet). */
export function estimatedAvailable(shop: string, nowMs = performance.now()): number | null {
  const mirror = mirrors.get(shop);
  if (!mirror || mirror.atMs === 0) return null;
  const { maximumAvailable, currentlyAvailable, restoreRate } = mirror.status;
  return Math.min(maximumAvailable, currentlyAvailable + ((nowMs - mirror.atMs) / 1000) * restoreRate);
}

/** Milliseconds until `cost` points are available again (0 when they are, or when nothing is known). */
export function waitForCost(shop: string, cost: number, nowMs = performance.now()): number {
  const mirror = mirrors.get(shop);
  const available = estimatedAvailable(shop, nowMs);
  if (!mirror || available === null || mirror.status.restoreRate <= 0 || available >= cost) return 0;
  return Math.ceil(((cost - available) / mirror.status.restoreRate) * 1000);
}

function record(shop: string, query: string, cost: QueryCost | undefined): void {
  if (!cost?.throttleStatus) return;
  const mirror = mirrorOf(shop);
  mirror.status = cost.throttleStatus;
  mirror.atMs = performance.now();
  if (typeof cost.requestedQueryCost === "number") mirror.lastCost.set(query, cost.requestedQueryCost);
}

/** Forgets what is known about every shop's bucket (tests). */
export function forgetThrottleState(): void {
  mirrors.clear();
}

interface GraphqlErrorBody {
  errors?: { graphQLErrors?: Array<{ message?: string; extensions?: { code?: string } }>; message?: string };
  extensions?: { cost?: QueryCost };
}

function errorCode(error: GraphqlQueryError): string | undefined {
  return (error.body as GraphqlErrorBody | undefined)?.errors?.graphQLErrors?.[0]?.extensions?.code;
}

function throttledBody(error: unknown): QueryCost | undefined {
  if (error instanceof GraphqlQueryError) return (error.body as GraphqlErrorBody | undefined)?.extensions?.cost;
  return undefined;
}

/**
 * One Admin GraphQL operation for the shop, answered with its `data`. Waits out Shopify's
 * throttling instead of failing; retries transient failures; throws AdminApiError otherwise.
 */
export async function adminGraphql<T>(
  shop: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: AdminCallOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms).then(() => undefined));
  const transientRetries = options.transientRetries ?? 4;
  let throttled = 0;
  let transient = 0;
  for (;;) {
    const expected = mirrorOf(shop).lastCost.get(query);
    if (expected !== undefined) {
      const wait = waitForCost(shop, expected);
      if (wait > 0) await sleep(wait);
    }
    let failure: { retry: "throttled" | "transient"; waitMs: number; message: string } | null = null;
    try {
      let admin;
      try {
        ({ admin } = await unauthenticated.admin(shop));
      } catch (error) {
        if (error instanceof SessionNotFoundError) {
          throw new AdminApiError(
            `The app has no access to ${shop}: it is not installed there (no offline session).`,
            "not_installed",
            false,
          );
        }
        throw error;
      }
      const response = await admin.graphql(query, { variables });
      const body = (await response.json()) as { data: T; extensions?: { cost?: QueryCost } };
      record(shop, query, body.extensions?.cost);
      return body.data;
    } catch (error) {
      if (error instanceof AdminApiError) throw error;
      if (error instanceof GraphqlQueryError) {
        const code = errorCode(error);
        const cost = throttledBody(error);
        record(shop, query, cost);
        if (code === "THROTTLED") {
          const needed = cost?.requestedQueryCost ?? 0;
          failure = {
            retry: "throttled",
            waitMs: Math.max(waitForCost(shop, needed), 1000 * (needed === 0 ? 1 : 0)),
            message: "Shopify throttled the request",
          };
        } else if (code === "INTERNAL_SERVER_ERROR") {
          failure = {
            retry: "transient",
            waitMs: TRANSIENT_BASE_MS * 2 ** transient,
            message: `Shopify answered an internal error: ${error.message}`,
          };
        } else if (code === "ACCESS_DENIED") {
          throw new AdminApiError(`Shopify refused the request: ${error.message}`, "access_denied", false);
        } else {
          throw new AdminApiError(`Shopify rejected the query: ${error.message}`, "query", false);
        }
      } else if (error instanceof HttpRetriableError || error instanceof HttpMaxRetriesError || error instanceof HttpRequestError) {
        // 429 (the other reading of THROTTLED, or a per-resource limit), 5xx, no answer at all.
        const status = error instanceof HttpResponseError ? error.response.code : null;
        const retryAfter = error instanceof HttpResponseError ? Number(error.response.headers?.["Retry-After"] ?? NaN) : NaN;
        if (status === 429) {
          const wait = Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000;
          failure = { retry: "throttled", waitMs: wait, message: "Shopify answered 429 Too Many Requests" };
        } else {
          // The GraphQL client words a 5xx as JSON ("networkStatusCode": 503): said as the status.
          const answered = status ?? (Number(/"networkStatusCode":\s*(\d{3})/.exec(error.message)?.[1]) || null);
          failure = {
            retry: "transient",
            waitMs: TRANSIENT_BASE_MS * 2 ** transient,
            message: answered ? `Shopify answered HTTP ${answered}` : `Shopify could not be reached (${error.message.split("\n")[0]})`,
          };
        }
      } else if (error instanceof HttpResponseError) {
        const code = error.response.code;
        if (code === 401 || code === 403) {
          throw new AdminApiError(
            `Shopify refused the app's access to ${shop} (HTTP ${code}); the app may need to be opened again to renew it.`,
            "access_denied",
            false,
          );
        }
        throw new AdminApiError(`Shopify answered HTTP ${code} ${error.response.statusText}`, "unavailable", code >= 500 || code === 404);
      } else {
        throw error;
      }
    }
    if (failure.retry === "throttled") {
      throttled += 1;
      if (throttled > MAX_THROTTLED_RETRIES) throw new AdminApiError(`${failure.message} ${throttled} times in a row`, "unavailable", true);
    } else {
      transient += 1;
      if (transient > transientRetries)
        throw new AdminApiError(`${failure.message}; gave up after ${transient} tries`, "unavailable", true);
    }
    await sleep(failure.waitMs);
  }
}
