import { describe, expect, it } from "vitest";
import {
  FreshBooksAuthError,
  FreshBooksConflictError,
  FreshBooksRateLimitError,
  FreshBooksReconnectRequiredError,
  FreshBooksTransientError,
  FreshBooksValidationError,
} from "../app/freshbooks/errors";
import { backoffMs, decide, MAX_ATTEMPTS, MAX_RATE_LIMITED_ATTEMPTS, RATE_LIMIT_PATIENCE, type RetryTiming } from "../app/sync/error-policy";

const timing = { baseMs: 1000, jitter: () => 0.5 };
const ACCESS_DENIED = "You do not have access to perform the action requested.";

describe("sync error policy", () => {
  it.each([
    ["a refused refresh", new FreshBooksReconnectRequiredError("refresh refused", 400), { kind: "reconnect" }],
    ["a second 401", new FreshBooksAuthError("invalid token", 401), { kind: "reconnect" }],
    ["a 403 plan limit", new FreshBooksAuthError(ACCESS_DENIED, 403, [{ errno: 1003, message: ACCESS_DENIED }]), { kind: "fail" }],
    ["a 403 missing scope", new FreshBooksAuthError("needs user:clients:write", 403, [{ message: "needs user:clients:write", code: "insufficient_scope" }]), { kind: "reconnect" }],
    ["a 422", new FreshBooksValidationError("Invalid value", 422), { kind: "fail", reason: "FreshBooks refused the invoice: Invalid value" }],
    ["a 429 with Retry-After", new FreshBooksRateLimitError("slow down", 429, 7), { kind: "retry", delayMs: 7000 }],
    ["a 429 without Retry-After", new FreshBooksRateLimitError("slow down", 429, null), { kind: "retry", delayMs: 4000 }],
    ["a 409", new FreshBooksConflictError("being modified", 409), { kind: "retry", delayMs: 4000 }],
    ["a 503 or timeout", new FreshBooksTransientError("did not answer", 503), { kind: "retry", delayMs: 4000 }],
  ])("%s", (_name, error, expected) => {
    expect(decide(error, "invoice", 3, timing)).toMatchObject(expected);
  });

  it("gives up on transient trouble after the last attempt, saying what the last problem was", () => {
    const decision = decide(new FreshBooksTransientError("did not answer within 15 s", null), "invoice", MAX_ATTEMPTS, timing);
    expect(decision).toEqual({
      kind: "fail",
      reason: `Gave up after ${MAX_ATTEMPTS} attempts. Last problem: FreshBooks was unavailable (did not answer within 15 s)`,
      cause: "gave_up",
      detail: "did not answer within 15 s",
    });
  });

  it("tells the merchant what to do about a plan's client limit, keyed on errno 1003, not on FreshBooks' prose", () => {
    const capped = new FreshBooksAuthError(ACCESS_DENIED, 403, [{ errno: 1003, message: ACCESS_DENIED }]);
    const decision = decide(capped, "client", 1, timing);
    expect(decision?.kind === "fail" && decision.reason).toMatch(/^FreshBooks refused the client: .*plan probably limits the number of clients.*One shared client for all orders/);
    // The same prose without the errno, or on another step, gets no plan advice.
    expect(decide(new FreshBooksAuthError(ACCESS_DENIED, 403), "client", 1, timing)).toMatchObject({ reason: expect.not.stringMatching(/plan/) });
    expect(decide(capped, "invoice", 1, timing)).toMatchObject({ reason: expect.not.stringMatching(/plan/) });
  });

  it("leaves errors that are not FreshBooks' answers to the job runner", () => {
    expect(decide(new Error("connection to database lost"), "invoice", 1)).toBeNull();
  });

  it("backs off exponentially, with jitter, up to an hour", () => {
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, { baseMs: 1000, jitter: () => 0.5 }))).toEqual([1000, 2000, 4000]);
    expect(backoffMs(1, { baseMs: 1000, jitter: () => 0 })).toBe(750);
    expect(backoffMs(1, { baseMs: 1000, jitter: () => 1 })).toBe(1250);
    expect(backoffMs(30, { baseMs: 1000, jitter: () => 0.5 })).toBe(3_600_000);
  });
});

describe("rate limits", () => {
  const slowDown = new FreshBooksRateLimitError("slow down", 429, 2);
  const delayAt = (attempt: number, base: RetryTiming = timing) => {
    const decision = decide(slowDown, "invoice", attempt, base);
    return decision?.kind === "retry" ? decision.delayMs : decision?.kind;
  };

  it("do not use up the order's attempts: a storm of 429s is waited out", () => {
    expect(decide(slowDown, "invoice", MAX_ATTEMPTS + 5, timing)).toMatchObject({ kind: "retry", reason: "FreshBooks asked us to slow down (rate limit)" });
    expect(decide(slowDown, "invoice", MAX_RATE_LIMITED_ATTEMPTS, timing)?.kind).toBe("fail");
  });

  it("come back when Retry-After says at first, then wait longer: a lasting storm is ridden out for about two hours", () => {
    for (let attempt = 1; attempt <= RATE_LIMIT_PATIENCE; attempt += 1) expect(delayAt(attempt)).toBe(2000);
    expect(delayAt(RATE_LIMIT_PATIENCE + 3)).toBe(4000); // 1 s base doubled twice, above Retry-After
    expect(delayAt(MAX_RATE_LIMITED_ATTEMPTS - 1)).toBe(300_000); // capped at 5 minutes
    const production = { jitter: () => 0.5 }; // the default 10 s base
    let waitedMs = 0;
    for (let attempt = 1; attempt < MAX_RATE_LIMITED_ATTEMPTS; attempt += 1) waitedMs += Number(delayAt(attempt, production));
    expect(waitedMs / 3_600_000).toBeGreaterThan(2);
    expect(waitedMs / 3_600_000).toBeLessThan(2.5);
  });
});
