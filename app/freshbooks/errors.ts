/**
 * Typed FreshBooks failures. The client turns every non-success into one of these; the sync
 * pipeline decides retry vs fail from the class alone (in one place).
 */
export interface FieldMessage {
  field?: string;
  message: string;
  errno?: number;
  /** OAuth's `error` code (e.g. invalid_token, insufficient_scope). */
  code?: string;
}

export abstract class FreshBooksError extends Error {
  abstract readonly kind:
    "auth" | "validation" | "not_found" | "conflict" | "rate_limited" | "transient" | "reconnect_required" | "unexpected";
  constructor(
    message: string,
    readonly status: number | null,
    readonly details: FieldMessage[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401/403: the token is missing, expired, revoked or lacks a scope. */
export class FreshBooksAuthError extends FreshBooksError {
  readonly kind = "auth";
}

/** 400/422 (and errors in a 2xx body): FreshBooks refused the data; retrying the same request will not help. */
export class FreshBooksValidationError extends FreshBooksError {
  readonly kind = "validation";
}

export class FreshBooksNotFoundError extends FreshBooksError {
  readonly kind = "not_found";
}

/** 409: "being modified by another request"; safe to retry later. */
export class FreshBooksConflictError extends FreshBooksError {
  readonly kind = "conflict";
}

export class FreshBooksRateLimitError extends FreshBooksError {
  readonly kind = "rate_limited";
  constructor(
    message: string,
    status: number,
    /** Seconds from Retry-After, when FreshBooks sent one. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(message, status);
  }
}

/** 5xx, network failures and timeouts: the request may or may not have been applied. */
export class FreshBooksTransientError extends FreshBooksError {
  readonly kind = "transient";
}

/** The refresh token was refused: only the merchant can fix this, by reconnecting. */
export class FreshBooksReconnectRequiredError extends FreshBooksError {
  readonly kind = "reconnect_required";
}

/**
 * The plan's client limit (docs/freshbooks-api.md §14.2): a client create refused with 403 errno
 * 1003 while users/me's `client.limit` is reached, or a client created with
 * `exceeds_client_limit: 1`. Retrying cannot help; the merchant can share one client or upgrade.
 */
export class FreshBooksClientLimitError extends FreshBooksValidationError {}

/**
 * FreshBooks answered with success, but not in a shape we can read (a missing field, an amount
 * with extra decimals). Repeating the call would get the same answer, so the order fails with
 * the raw value in its reason (docs/freshbooks-api.md §16).
 */
export class FreshBooksUnexpectedAnswer extends FreshBooksError {
  readonly kind = "unexpected";
}

type ClassicError = { errno?: number; field?: string; message?: string };
type ErrorInfo = { reason?: string; metadata?: { message?: string; field?: string } };

/**
 * Reads both error formats FreshBooks uses (docs/freshbooks-api.md §8): classic `response.errors[]` with
 * `errno`, the newer `{code, message, details[ErrorInfo]}`, and OAuth's `{error, error_description}`.
 */
export function errorDetails(body: unknown): FieldMessage[] {
  if (!body || typeof body !== "object") return [];
  const record = body as Record<string, unknown>;
  const response = record.response as { errors?: ClassicError[] } | undefined;
  if (response && Array.isArray(response.errors)) {
    return response.errors.map((error) => ({
      message: error.message ?? "Unknown FreshBooks error",
      ...(error.field ? { field: error.field } : {}),
      ...(typeof error.errno === "number" ? { errno: error.errno } : {}),
    }));
  }
  if (Array.isArray(record.details)) {
    const infos = (record.details as ErrorInfo[]).filter((detail) => detail && typeof detail === "object" && detail.metadata);
    if (infos.length > 0) {
      return infos.map((detail) => ({
        message: detail.metadata?.message ?? String(record.message ?? "Unknown FreshBooks error"),
        ...(detail.metadata?.field ? { field: detail.metadata.field } : {}),
        ...(detail.reason && /^\d+$/.test(detail.reason) ? { errno: Number(detail.reason) } : {}),
      }));
    }
    if (typeof record.message === "string") return [{ message: record.message }];
  }
  if (typeof record.error === "string") {
    return [{ message: typeof record.error_description === "string" ? record.error_description : record.error, code: record.error }];
  }
  return [];
}

/** The longest wait a Retry-After can ask for: a larger value is taken as this (one hour). */
export const RETRY_AFTER_CAP_SECONDS = 3600;

// RFC 9110 §10.2.3: delta-seconds, or an HTTP-date in one of its three forms (§5.6.7).
const DELTA_SECONDS = /^\d+$/;
const HTTP_DATES = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/, // IMF-fixdate
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/, // RFC 850
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/, // asctime
];

/**
 * Retry-After as seconds, at most RETRY_AFTER_CAP_SECONDS: a proxy's or a misbehaving server's
 * "retry in a year" must not park an order for a year. Anything that is not one of the RFC's
 * forms ("soon", "1.5", "-1", a bare year, which Date.parse would happily read) counts as absent,
 * so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (DELTA_SECONDS.test(text)) return Math.min(Number(text), RETRY_AFTER_CAP_SECONDS);
  if (!HTTP_DATES.some((form) => form.test(text))) return null;
  const date = Date.parse(text.includes("GMT") ? text : `${text} GMT`);
  if (Number.isNaN(date)) return null;
  return Math.min(RETRY_AFTER_CAP_SECONDS, Math.max(0, Math.ceil((date - now.getTime()) / 1000)));
}

export function errorForResponse(status: number, body: unknown, retryAfter: string | null): FreshBooksError {
  const details = errorDetails(body);
  const message = details.map((detail) => detail.message).join("; ") || `FreshBooks answered HTTP ${status}`;
  if (status === 401 || status === 403) return new FreshBooksAuthError(message, status, details);
  if (status === 404) return new FreshBooksNotFoundError(message, status, details);
  if (status === 409) return new FreshBooksConflictError(message, status, details);
  if (status === 429) return new FreshBooksRateLimitError(message, status, parseRetryAfter(retryAfter));
  if (status >= 500) return new FreshBooksTransientError(message, status, details);
  return new FreshBooksValidationError(message, status, details);
}

/**
 * A 403 for a scope the token was not granted. FreshBooks' answer is UNCONFIRMED (docs/freshbooks-api.md §1:
 * "403 per unified.to skill text"); we read OAuth's `insufficient_scope` (RFC 6750 §3.1), as
 * the sandbox sends it. Only a new authorization can add a scope (docs/freshbooks-api.md §1).
 */
export function isMissingScope(error: unknown): boolean {
  return (
    error instanceof FreshBooksAuthError && error.status === 403 && error.details.some((detail) => detail.code === "insufficient_scope")
  );
}

/**
 * A 403 that says the login may not do this: a missing scope in OAuth's words, or errno 1003
 * AccessDenied in the accounting format (docs/freshbooks-api.md §14.5). On a client create the
 * same 403 can be the plan's client limit, which the client tells apart first (§14.2).
 */
export function isPermissionRefusal(error: unknown): boolean {
  return (
    isMissingScope(error) ||
    (error instanceof FreshBooksAuthError && error.status === 403 && error.details.some((detail) => detail.errno === 1003))
  );
}
