/** Injected failures: latency, queued responses, seeded random faults, rate limit, error format. */
import { classicError, html, type ClassicErrorItem, type SandboxResponse } from "./http";
import { seededRandom } from "../seeded-random";

export type FaultSpec =
  /** 429 (with or without Retry-After) or 5xx, as a JSON or an HTML error page body. */
  | { kind: "status"; status: number; retryAfter?: number | string; body?: "json" | "html" }
  /** Hold the request open, never answering. afterHandling: the change is made first. */
  | { kind: "timeout"; afterHandling?: boolean }
  /** Destroy the socket. afterHandling: the change is made first. */
  | { kind: "reset"; afterHandling?: boolean }
  /** HTTP 200 whose body is a classic `{"response":{"errors":[…]}}`. */
  | { kind: "errors-in-200"; errors?: ClassicErrorItem[] };

export interface FaultRule {
  method?: string;
  /** A RegExp, or its source as a string, tested against the path (no query). */
  path?: string | RegExp;
  /** How many matching requests get the fault; default 1. */
  times?: number;
  /** How long the rule lasts (ms from now), if not used up before: a rate-limit window that ends. */
  forMs?: number;
  fault: FaultSpec;
}

export interface RandomFaults {
  /** Probability 0..1 per request. */
  rate: number;
  seed: number;
  kinds?: Array<"500" | "502" | "503" | "timeout">;
  path?: string | RegExp;
}

export interface RateLimit {
  /** Requests per second per account (token bucket). */
  perSecond: number;
  burst?: number;
}

export type ErrorFormat = "classic" | "new";

interface StoredRule {
  method: string | null;
  path: RegExp | null;
  remaining: number;
  /** Date.now() after which the rule is dropped; null: until used up. */
  until: number | null;
  fault: FaultSpec;
}

function toRegExp(path: string | RegExp | undefined): RegExp | null {
  if (path === undefined) return null;
  return typeof path === "string" ? new RegExp(path) : path;
}

export class FaultControl {
  private latencies: Array<{ ms: number; path: RegExp | null; afterHandling: boolean }> = [];
  private rules: StoredRule[] = [];
  private randomConfig: { rate: number; kinds: FaultSpec[]; path: RegExp | null; next: () => number } | null = null;
  private limit: RateLimit | null = null;
  private buckets = new Map<string, { tokens: number; atMs: number }>();
  private format: ErrorFormat = "classic";

  constructor(private readonly onExpireTokens: () => number) {}

  /**
   * Adds latency to every request, or to those whose path matches. afterHandling: the request
   * is handled at once and the answer delayed (e.g. a token rotated whose answer is slow to come).
   */
  setLatency(ms: number, path?: string | RegExp, afterHandling = false): void {
    const pattern = toRegExp(path);
    this.latencies = this.latencies.filter((rule) => String(rule.path) !== String(pattern) || rule.afterHandling !== afterHandling);
    if (ms > 0) this.latencies.push({ ms, path: pattern, afterHandling });
  }

  enqueue(...rules: FaultRule[]): void {
    for (const rule of rules) {
      const until = rule.forMs === undefined ? null : Date.now() + rule.forMs;
      this.rules.push({
        method: rule.method?.toUpperCase() ?? null,
        path: toRegExp(rule.path),
        remaining: rule.times ?? 1,
        until,
        fault: rule.fault,
      });
    }
  }

  setRandom(config: RandomFaults | null): void {
    if (!config) {
      this.randomConfig = null;
      return;
    }
    const kinds = (config.kinds ?? ["500", "502", "503"]).map((kind): FaultSpec =>
      kind === "timeout" ? { kind: "timeout" } : { kind: "status", status: Number(kind) },
    );
    this.randomConfig = { rate: config.rate, kinds, path: toRegExp(config.path), next: seededRandom(config.seed) };
  }

  setRateLimit(limit: RateLimit | null): void {
    this.limit = limit;
    this.buckets.clear();
  }

  setErrorFormat(format: ErrorFormat): void {
    this.format = format;
  }

  get errorFormat(): ErrorFormat {
    return this.format;
  }

  /** Forces every current access token to be expired (the next call answers 401 invalid_token). */
  expireAccessTokens(): number {
    return this.onExpireTokens();
  }

  clear(): void {
    this.latencies = [];
    this.rules = [];
    this.randomConfig = null;
    this.limit = null;
    this.buckets.clear();
    this.format = "classic";
  }

  private dropExpired(): void {
    const now = Date.now();
    this.rules = this.rules.filter((rule) => rule.until === null || rule.until > now);
  }

  snapshot(): unknown {
    this.dropExpired();
    return {
      latency: this.latencies.map((rule) => ({ ms: rule.ms, path: rule.path?.source ?? null, afterHandling: rule.afterHandling })),
      queue: this.rules.map((rule) => ({
        method: rule.method,
        path: rule.path?.source ?? null,
        remaining: rule.remaining,
        fault: rule.fault,
      })),
      random: this.randomConfig ? { rate: this.randomConfig.rate, path: this.randomConfig.path?.source ?? null } : null,
      rateLimit: this.limit,
      errorFormat: this.format,
    };
  }

  latencyFor(path: string, afterHandling = false): number {
    return this.latencies.reduce(
      (total, rule) => (rule.afterHandling === afterHandling && (rule.path === null || rule.path.test(path)) ? total + rule.ms : total),
      0,
    );
  }

  /** The fault this request gets: the first matching queued rule, else a seeded random draw. */
  take(method: string, path: string): FaultSpec | null {
    this.dropExpired();
    const index = this.rules.findIndex(
      (rule) => (rule.method === null || rule.method === method) && (rule.path === null || rule.path.test(path)),
    );
    const rule = index >= 0 ? this.rules[index] : undefined;
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules.splice(index, 1);
      return rule.fault;
    }
    const random = this.randomConfig;
    if (random && (random.path === null || random.path.test(path)) && random.next() < random.rate) {
      return random.kinds[Math.floor(random.next() * random.kinds.length)] ?? null;
    }
    return null;
  }

  /** Token bucket per account; returns the Retry-After seconds when over the limit, else null. */
  rateLimited(accountId: string, nowMs: number): number | null {
    const limit = this.limit;
    if (!limit || limit.perSecond <= 0) return null;
    const capacity = limit.burst ?? limit.perSecond;
    const bucket = this.buckets.get(accountId) ?? { tokens: capacity, atMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, nowMs - bucket.atMs) * limit.perSecond) / 1000);
    bucket.atMs = nowMs;
    this.buckets.set(accountId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }
}

const STATUS_TEXT: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

/**
 * The body of a 429 from FreshBooks is UNCONFIRMED; the sandbox uses the classic shape with
 * errno 429. 5xx JSON bodies use errno 500 FreshAlchemyUnexpected (docs/freshbooks-api.md §8).
 */
export function rateLimitResponse(retryAfter: number | string | undefined): SandboxResponse {
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
  return { ...classicError(429, { errno: 429, message: "Too many requests. Please slow down and try again later." }), headers };
}

export function statusFaultResponse(fault: Extract<FaultSpec, { kind: "status" }>): SandboxResponse {
  const text = STATUS_TEXT[fault.status] ?? "Error";
  const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) };
  if (fault.body === "html") {
    return html(
      fault.status,
      `<html>\r\n<head><title>${fault.status} ${text}</title></head>\r\n<body>\r\n<center><h1>${fault.status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
      headers,
    );
  }
  if (fault.status === 429) return rateLimitResponse(fault.retryAfter);
  return { ...classicError(fault.status, { errno: 500, message: "An unexpected error occurred. Please try again later." }), headers };
}

export function errorsIn200Response(errors: ClassicErrorItem[] | undefined): SandboxResponse {
  return classicError(200, ...(errors ?? [{ errno: 500, message: "An unexpected error occurred. Please try again later." }]));
}
