import {
  FreshBooksAuthError,
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

/**
 * The one place that decides what a failed sync attempt means for the order: retry later (and
 * when), fail with a reason the merchant can act on, or wait for a reconnect. Everything else
 * (our own bugs, the database) is rethrown for graphile-worker's own retries.
 */
// About 2.5 hours of backoff at the default base (10 s, doubling, ≤ 1 h per wait).
export const MAX_ATTEMPTS = 10;
/**
 * FreshBooks saying "slow down" is not a failure of the order: rate-limited attempts get a
 * budget of their own, large enough to ride out a flash sale's storm of 429s. The first
 * RATE_LIMIT_PATIENCE attempts come back when Retry-After says (a short storm costs seconds);
 * after that the waits grow as for a failing FreshBooks, up to 5 minutes each, so a storm that
 * lasts is waited out for about two hours (at the default base) before the order fails.
 */
export const MAX_RATE_LIMITED_ATTEMPTS = 40;
export const RATE_LIMIT_PATIENCE = 10;
const MAX_RATE_LIMIT_DELAY_MS = 5 * 60 * 1000;
export const DEFAULT_RETRY_BASE_MS = 10_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

export interface RetryTiming {
  /** First retry delay; doubles per attempt (SYNC_RETRY_BASE_MS). */
  baseMs?: number;
  /** 0..1, for the ±25 % jitter (Math.random by default). */
  jitter?: () => number;
}

export type SyncStep = "client" | "invoice" | "payment" | "email";

/** `cause` words the reason for the merchant (models/sync-causes.ts); `detail` is FreshBooks' own text. */
type Why = { reason: string; cause: Cause; detail?: string };
export type Decision = ({ kind: "retry"; delayMs: number } & Why) | ({ kind: "fail" } & Why) | ({ kind: "reconnect" } & Why);

const REFUSED_CAUSE: Record<SyncStep, Cause> = { client: "client_refused", invoice: "invoice_refused", payment: "payment_refused", email: "email_failed" };

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
 * (`client.limit` in users/me, digest §2), so a client create refused with a 403 and errno 1003
 * AccessDenied is read as the cap. Keyed on status and errno, never on FreshBooks' prose.
 */
function isClientLimit(error: FreshBooksError, step: SyncStep): boolean {
  return step === "client" && error.status === 403 && error.details.some((detail) => detail.errno === 1003);
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

export function decide(error: unknown, step: SyncStep, attempt: number, timing: RetryTiming = {}): Decision | null {
  if (error instanceof SyncRefusal) return { kind: "fail", reason: error.reason, cause: error.statusCause };
  if (!(error instanceof FreshBooksError)) return null;
  const decision = classify(error, step, attempt, timing);
  const budget = error instanceof FreshBooksRateLimitError ? MAX_RATE_LIMITED_ATTEMPTS : MAX_ATTEMPTS;
  if (decision.kind === "retry" && attempt >= budget) {
    return { kind: "fail", reason: `Gave up after ${attempt} attempts. Last problem: ${decision.reason}`, cause: "gave_up", detail: decision.detail ?? decision.reason };
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
    if (error.status === 401) return { kind: "reconnect", reason: `FreshBooks no longer accepts this app's access (${error.message})`, cause: "reconnect", detail };
    if (isMissingScope(error)) return { kind: "reconnect", reason: `FreshBooks did not grant this app a permission it needs (${error.message})`, cause: "missing_permission", detail };
    const cause = isClientLimit(error, step) ? "client_limit" : step === "email" ? "email_failed" : "permission_denied";
    return { kind: "fail", reason: `${REFUSED[step]}: ${error.message}.${hint(error, step)}`.replace(/\.\./g, "."), cause, detail };
  }
  if (error instanceof FreshBooksValidationError || error instanceof FreshBooksNotFoundError) {
    return { kind: "fail", reason: `${REFUSED[step]}: ${error.message}${hint(error, step)}`, cause: REFUSED_CAUSE[step], detail };
  }
  if (error instanceof FreshBooksRateLimitError) {
    // Without Retry-After: backoff, but not the long delays of a failing FreshBooks.
    const asked = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : backoffMs(Math.min(attempt, 4), timing);
    const patience = attempt > RATE_LIMIT_PATIENCE ? Math.min(MAX_RATE_LIMIT_DELAY_MS, backoffMs(attempt - RATE_LIMIT_PATIENCE, timing)) : 0;
    return { kind: "retry", delayMs: Math.max(asked, patience), reason: "FreshBooks asked us to slow down (rate limit)", cause: "rate_limited", detail };
  }
  if (error instanceof FreshBooksConflictError) {
    return { kind: "retry", delayMs: backoffMs(attempt, timing), reason: "FreshBooks was busy with another change to this record", cause: "freshbooks_busy", detail };
  }
  if (error instanceof FreshBooksTransientError) {
    return { kind: "retry", delayMs: backoffMs(attempt, timing), reason: `FreshBooks was unavailable (${error.message})`, cause: "freshbooks_unavailable", detail };
  }
  return { kind: "fail", reason: error.message, cause: "unknown", detail };
}
