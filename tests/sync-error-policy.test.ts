import { describe, expect, it } from "vitest";
import {
  FreshBooksAuthError,
  FreshBooksConflictError,
  FreshBooksRateLimitError,
  FreshBooksReconnectRequiredError,
  FreshBooksTransientError,
  FreshBooksValidationError,
} from "../app/freshbooks/errors";
import {
  backoffMs,
  decide as decideFailure,
  MAX_ATTEMPTS,
  MAX_RATE_LIMITED_ATTEMPTS,
  RETRY_BUDGETS,
  type RetryTiming,
  type UsedBudgets,
} from "../app/sync/error-policy";
import { StepFailed, type SyncStep } from "../app/sync/steps";

/** The policy reads the failed step from the StepFailed the pipeline throws. */
const decide = (error: unknown, step: SyncStep, used: UsedBudgets, retry?: RetryTiming) =>
  decideFailure(new StepFailed(step, error), used, retry);

const timing = { baseMs: 1000, jitter: () => 0.5 };
/** Budgets used before the attempt: the third attempt after two transient failures. */
const third = { rateLimit: 0, transient: 2 };
const fresh = { rateLimit: 0, transient: 0 };
const ACCESS_DENIED = "You do not have access to perform the action requested.";

describe("sync error policy", () => {
  it.each([
    ["a refused refresh", new FreshBooksReconnectRequiredError("refresh refused", 400), { kind: "reconnect" }],
    ["a second 401", new FreshBooksAuthError("invalid token", 401), { kind: "reconnect" }],
    ["a 403 plan limit", new FreshBooksAuthError(ACCESS_DENIED, 403, [{ errno: 1003, message: ACCESS_DENIED }]), { kind: "fail" }],
    [
      "a 403 missing scope",
      new FreshBooksAuthError("needs user:clients:write", 403, [{ message: "needs user:clients:write", code: "insufficient_scope" }]),
      { kind: "reconnect" },
    ],
    [
      "a 422",
      new FreshBooksValidationError("Invalid value", 422),
      { kind: "fail", reason: "FreshBooks refused the invoice: Invalid value" },
    ],
    ["a 429 with Retry-After", new FreshBooksRateLimitError("slow down", 429, 7), { kind: "retry", budget: "rateLimit", delayMs: 7000 }],
    [
      "a 429 without Retry-After (the account's rate decides)",
      new FreshBooksRateLimitError("slow down", 429, null),
      { kind: "retry", budget: "rateLimit", delayMs: null },
    ],
    ["a 409", new FreshBooksConflictError("being modified", 409), { kind: "retry", budget: "transient", delayMs: 4000 }],
    ["a 503 or timeout", new FreshBooksTransientError("did not answer", 503), { kind: "retry", budget: "transient", delayMs: 4000 }],
  ])("%s", (_name, error, expected) => {
    expect(decide(error, "invoice", third, timing)).toMatchObject(expected);
  });

  it("gives up on transient trouble after the last attempt, saying what the last problem was", () => {
    const decision = decide(
      new FreshBooksTransientError("did not answer within 15 s", null),
      "invoice",
      { rateLimit: 0, transient: MAX_ATTEMPTS - 1 },
      timing,
    );
    expect(decision).toEqual({
      kind: "fail",
      reason: `Gave up after ${MAX_ATTEMPTS} attempts in a row. Last problem: FreshBooks was unavailable (did not answer within 15 s)`,
      cause: "gave_up",
      detail: "did not answer within 15 s",
    });
  });

  it("tells the merchant what to do about a plan's client limit, keyed on errno 1003, not on FreshBooks' prose", () => {
    const capped = new FreshBooksAuthError(ACCESS_DENIED, 403, [{ errno: 1003, message: ACCESS_DENIED }]);
    const decision = decide(capped, "client", fresh, timing);
    expect(decision?.kind === "fail" && decision.reason).toMatch(
      /^FreshBooks refused the client: .*plan probably limits the number of clients.*One shared client for all orders/,
    );
    // The same prose without the errno, or on another step, gets no plan advice.
    expect(decide(new FreshBooksAuthError(ACCESS_DENIED, 403), "client", fresh, timing)).toMatchObject({
      reason: expect.not.stringMatching(/plan/),
    });
    expect(decide(capped, "invoice", fresh, timing)).toMatchObject({ reason: expect.not.stringMatching(/plan/) });
  });

  it("leaves errors that are not FreshBooks' answers to the job runner", () => {
    expect(decide(new Error("connection to database lost"), "invoice", fresh)).toBeNull();
  });

  it("backs off exponentially, with jitter, up to an hour", () => {
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, { baseMs: 1000, jitter: () => 0.5 }))).toEqual([1000, 2000, 4000]);
    expect(backoffMs(1, { baseMs: 1000, jitter: () => 0 })).toBe(750);
    expect(backoffMs(1, { baseMs: 1000, jitter: () => 1 })).toBe(1250);
    expect(backoffMs(30, { baseMs: 1000, jitter: () => 0.5 })).toBe(3_600_000);
  });
});

describe("one budget per cause", () => {
  const slowDown = new FreshBooksRateLimitError("slow down", 429, 2);
  const unavailable = new FreshBooksTransientError("Service Unavailable", 503);

  it("are in one table: 429s have their own, larger budget", () => {
    expect(RETRY_BUDGETS).toEqual({ rateLimit: MAX_RATE_LIMITED_ATTEMPTS, transient: MAX_ATTEMPTS });
    expect(MAX_RATE_LIMITED_ATTEMPTS).toBeGreaterThan(MAX_ATTEMPTS);
  });

  it("429s never use up the transient budget: a 503 after dozens of 429s is retried", () => {
    // The order of issue #11: a dozen 429s and then one 503 failed it for good.
    expect(decide(unavailable, "invoice", { rateLimit: 40, transient: 0 }, timing)).toMatchObject({ kind: "retry", budget: "transient" });
    expect(decide(slowDown, "invoice", { rateLimit: 40, transient: 0 }, timing)).toMatchObject({ kind: "retry", budget: "rateLimit" });
  });

  it("transient failures never use up the rate-limit budget: a 429 after 9 failures in a row is retried", () => {
    expect(decide(slowDown, "payment", { rateLimit: 0, transient: MAX_ATTEMPTS - 1 }, timing)).toMatchObject({
      kind: "retry",
      budget: "rateLimit",
    });
    expect(decide(unavailable, "payment", { rateLimit: 0, transient: MAX_ATTEMPTS - 1 }, timing)).toMatchObject({ kind: "fail" });
  });

  it("a rate-limited order gives up only after its own budget, saying so", () => {
    expect(decide(slowDown, "invoice", { rateLimit: MAX_RATE_LIMITED_ATTEMPTS - 2, transient: 0 }, timing)?.kind).toBe("retry");
    expect(decide(slowDown, "invoice", { rateLimit: MAX_RATE_LIMITED_ATTEMPTS - 1, transient: 0 }, timing)).toEqual({
      kind: "fail",
      reason: `Gave up after ${MAX_RATE_LIMITED_ATTEMPTS} rate-limited attempts. Last problem: FreshBooks asked us to slow down (rate limit)`,
      cause: "gave_up",
      detail: "slow down",
    });
  });
});

describe("rate limits", () => {
  it("wait what FreshBooks asks, however often the order was limited before (no per-order backoff)", () => {
    const slowDown = new FreshBooksRateLimitError("slow down", 429, 2);
    for (const used of [0, 10, 50, MAX_RATE_LIMITED_ATTEMPTS - 2]) {
      expect(decide(slowDown, "invoice", { rateLimit: used, transient: 0 }, timing)).toMatchObject({ delayMs: 2000 });
    }
  });

  it("reads the step a failure names: the innermost step that threw, not the step around it", async () => {
    const { step } = await import("../app/sync/steps");
    const refused = new FreshBooksValidationError("Client not found.", 422);
    const failure = await step("invoice", () => step("client", () => Promise.reject(refused))).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StepFailed);
    expect(failure).toMatchObject({ step: "client", cause: refused });
    expect(decideFailure(failure as StepFailed, fresh, timing)).toMatchObject({ kind: "fail", cause: "client_refused" });
  });
});
