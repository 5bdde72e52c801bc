import {
  FreshBooksAuthError,
  FreshBooksClientLimitError,
  FreshBooksConflictError,
  FreshBooksError,
  FreshBooksNotFoundError,
  FreshBooksRateLimitError,
  FreshBooksReconnectRequiredError,
  FreshBooksTransientError,
  FreshBooksValidationError,
  isMissingScope,
} from "../freshbooks/errors";
import type { Cause } from "../models/sync-causes";
import { StepFailed, type SyncStep } from "./steps";

/**
 * The one place that decides what a failed sync attempt means for the order: retry later (and
 * when), fail with a reason the merchant can act on, or wait for a reconnect. Everything else
 * (our own bugs, the database) is rethrown for graphile-worker's own retries.
 *
 * Each cause has a budget of its own, counted per order, so one cause never uses up another's:
 *
 * | Cause | What FreshBooks answered | Budget (per order) | Wait before the next attempt |
 * | --- | --- | --- | --- |
 * | rate limit | 429 | 100 rate-limited attempts | until the account's "not before" time, shared by all its orders: Retry-After, else 1 s doubling per consecutive 429 of the account (≤ 60 s) |
 * | transient | 5xx, timeout, network error, 409 | 10 failed attempts in a row since the order last completed a step | base × 2^(n−1) ±25 % (10 s, 20 s, … ≤ 1 h) |
 * | auth | 401 | — | the client refreshes and repeats (an expired fresh token is renewed up to 3 times); another 401 or a missing scope waits for a reconnect |
 * | refusal | 4xx (422, 404, 403) | — | none: failed with FreshBooks' reason |
 */
export const RETRY_BUDGETS = {
  /** 429s: never counted against the transient budget. */
  rateLimit: 100,
  /** 5xx, timeouts, network errors, 409s, in a row since the order's last completed step. */
  transient: 10,
} as const;
/** The transient budget: about 2.5 hours of backoff at the default base (10 s, doubling, ≤ 1 h per wait). */
export const MAX_ATTEMPTS = RETRY_BUDGETS.transient;
export const MAX_RATE_LIMITED_ATTEMPTS = RETRY_BUDGETS.rateLimit;
/** A 429 without Retry-After: the account waits 1 s, doubling per 429 in a row, up to a minute. */
export const RATE_LIMIT_FALLBACK_MS = 1000;
export const MAX_RATE_LIMIT_WAIT_MS = 60 * 1000;
export const DEFAULT_RETRY_BASE_MS = 10_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

export interface RetryTiming {
  /** First retry delay; doubles per attempt (SYNC_RETRY_BASE_MS). */
  baseMs?: number;
  /** 0..1, for the ±25 % jitter (Math.random by default). */
  jitter?: () => number;
}

/** What an order has used of each budget before this attempt. */
export interface UsedBudgets {
  rateLimit: number;
  transient: number;
}

/** `cause` words the reason for the merchant (models/sync-causes.ts); `detail` is FreshBooks' own text. */
type Why = { reason: string; cause: Cause; detail?: string };
export type Decision =
  /** rateLimit: delayMs is FreshBooks' own ask (Retry-After), or null: the account's rate decides. */
  | ({ kind: "retry"; budget: "rateLimit"; delayMs: number | null } & Why)
  | ({ kind: "retry"; budget: "transient"; delayMs: number } & Why)
  | ({ kind: "fail" } & Why)
  | ({ kind: "reconnect" } & Why);

const REFUSED_CAUSE: Record<SyncStep, Cause> = {
  client: "client_refused",
  invoice: "invoice_refused",
  payment: "payment_refused",
  email: "email_failed",
};

const REFUSED: Record<SyncStep, string> = {
  client: "FreshBooks refused the client",
  invoice: "FreshBooks refused the invoice",
  payment: "FreshBooks refused the payment",
  email: "FreshBooks did not email the invoice",
};

/** Exponential backoff with ±25 % jitter: 10 s, 20 s, 40 s, … capped at an hour. */
export function backoffMs(attempt: number, timing: RetryTiming = {}): number {
  const base = Math.min(MAX_DELAY_MS, (timing.baseMs ?? DEFAULT_RETRY_BASE_MS) * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + (timing.jitter ?? Math.random)() * 0.5));
}

/**
 * FreshBooks documents no error for a plan's client cap (UNCONFIRMED); the cap is a permission
 * (`client.limit` in users/me, docs/freshbooks-api.md §2), so a client create refused with a 403 and errno 1003
 * AccessDenied is read as the cap. Keyed on status and errno, never on FreshBooks' prose.
 */
function isClientLimit(error: FreshBooksError, step: SyncStep): boolean {
  const capped =
    error instanceof FreshBooksClientLimitError || (error.status === 403 && error.details.some((detail) => detail.errno === 1003));
  return step === "client" && capped;
}

function hint(error: FreshBooksError, step: SyncStep): string {
  if (isClientLimit(error, step)) {
    return " Your FreshBooks plan probably limits the number of clients: choose “One shared client for all orders” in Settings, or upgrade the FreshBooks plan, then retry.";
  }
  return "";
}

/** A refusal of our own, with a reason the merchant can act on (e.g. an invoice number taken). */
export class SyncRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly statusCause: Cause = "unknown",
  ) {
    super(reason);
    this.name = "SyncRefusal";
  }
}

/**
 * The decision for a failed step (its name and what it threw), given what the order had used of
 * each budget before it. A retry says which budget the attempt is charged to; giving up names
 * that budget. Null: not FreshBooks' answer nor our refusal (a bug, the database): the task
 * rethrows it for graphile-worker's own retries (the second retry layer, docs/decisions/0008).
 */
export function decide(failure: StepFailed, used: UsedBudgets, timing: RetryTiming = {}): Decision | null {
  const { step, cause: error } = failure;
  if (error instanceof SyncRefusal) return { kind: "fail", reason: error.reason, cause: error.statusCause };
  if (!(error instanceof FreshBooksError)) return null;
  const decision = classify(error, step, used.transient + 1, timing);
  if (decision.kind !== "retry") return decision;
  const spent = used[decision.budget] + 1;
  if (spent >= RETRY_BUDGETS[decision.budget]) {
    const what = decision.budget === "rateLimit" ? "rate-limited attempts" : "attempts in a row";
    return {
      kind: "fail",
      reason: `Gave up after ${spent} ${what}. Last problem: ${decision.reason}`,
      cause: "gave_up",
      detail: decision.detail ?? decision.reason,
    };
  }
  return decision;
}

function classify(error: FreshBooksError, step: SyncStep, attempt: number, timing: RetryTiming): Decision {
  const detail = error.message;
  if (error instanceof FreshBooksReconnectRequiredError) return { kind: "reconnect", reason: error.message, cause: "reconnect", detail };
  if (error instanceof FreshBooksAuthError) {
    // The client already refreshed once; a second 401 means the grant is gone, and a missing
    // scope needs a new authorization. Another 403 is a permission or plan limit: reconnecting
    // would not help.
    if (error.status === 401)
      return { kind: "reconnect", reason: `FreshBooks no longer accepts this app's access (${error.message})`, cause: "reconnect", detail };
    if (isMissingScope(error))
      return {
        kind: "reconnect",
        reason: `FreshBooks did not grant this app a permission it needs (${error.message})`,
        cause: "missing_permission",
        detail,
      };
    const cause = isClientLimit(error, step) ? "client_limit" : step === "email" ? "email_failed" : "permission_denied";
    return { kind: "fail", reason: `${REFUSED[step]}: ${error.message}.${hint(error, step)}`.replace(/\.\./g, "."), cause, detail };
  }
  if (error instanceof FreshBooksValidationError || error instanceof FreshBooksNotFoundError) {
    return {
      kind: "fail",
      reason: `${REFUSED[step]}: ${error.message}${hint(error, step)}`,
      cause: isClientLimit(error, step) ? "client_limit" : REFUSED_CAUSE[step],
      detail,
    };
  }
  if (error instanceof FreshBooksRateLimitError) {
    // Never a per-order backoff: the wait is the account's (pipeline: waitBehindRateLimit), so
    // every order of the account queues behind the same limit instead of unlucky ones starving.
    const asked = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : null;
    return {
      kind: "retry",
      budget: "rateLimit",
      delayMs: asked,
      reason: "FreshBooks asked us to slow down (rate limit)",
      cause: "rate_limited",
      detail,
    };
  }
  if (error instanceof FreshBooksConflictError) {
    return {
      kind: "retry",
      budget: "transient",
      delayMs: backoffMs(attempt, timing),
      reason: "FreshBooks was busy with another change to this record",
      cause: "freshbooks_busy",
      detail,
    };
  }
  if (error instanceof FreshBooksTransientError) {
    return {
      kind: "retry",
      budget: "transient",
      delayMs: backoffMs(attempt, timing),
      reason: `FreshBooks was unavailable (${error.message})`,
      cause: "freshbooks_unavailable",
      detail,
    };
  }
  return { kind: "fail", reason: error.message, cause: "unknown", detail };
}
