import { describe, expect, it } from "vitest";
import {
  errorForResponse,
  FreshBooksAuthError,
  FreshBooksConflictError,
  FreshBooksNotFoundError,
  FreshBooksRateLimitError,
  FreshBooksTransientError,
  FreshBooksValidationError,
  isMissingScope,
  parseRetryAfter,
} from "../app/freshbooks/errors";

// Bodies as documented in the docs/freshbooks-api.md §2 and §8.
const CLASSIC_NOT_FOUND = {
  response: { errors: [{ errno: 1012, field: "userid", message: "Client not found.", object: "client", value: "12345" }] },
};
const CLASSIC_7012 = {
  response: { errors: [{ errno: 7012, message: "At least one field among fname, lname, email and organization is required." }] },
};
const NEW_FORMAT_422 = {
  code: 3,
  message: "Request failed with status_code: 422",
  details: [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "1017",
      domain: "accounting.api.freshbooks.com",
      metadata: { object: "invoice", message: "The request, or a line in the request, was too long", field: "name" },
    },
  ],
};
const OAUTH_INVALID_TOKEN = { error: "invalid_token", error_description: "The access token is invalid", state: "unauthorized" };

describe("FreshBooks errors", () => {
  it("reads the classic format: message, field and errno", () => {
    const error = errorForResponse(422, CLASSIC_7012, null);
    expect(error).toBeInstanceOf(FreshBooksValidationError);
    expect(error.message).toBe("At least one field among fname, lname, email and organization is required.");
    expect(error.details).toEqual([{ errno: 7012, message: CLASSIC_7012.response.errors[0]!.message }]);
  });

  it("reads the newer google.rpc format: metadata message and field, reason as errno", () => {
    const error = errorForResponse(422, NEW_FORMAT_422, null);
    expect(error).toBeInstanceOf(FreshBooksValidationError);
    expect(error.details).toEqual([{ errno: 1017, field: "name", message: "The request, or a line in the request, was too long" }]);
  });

  it("maps statuses to the kind the sync pipeline acts on", () => {
    expect(errorForResponse(401, OAUTH_INVALID_TOKEN, null)).toBeInstanceOf(FreshBooksAuthError);
    expect(errorForResponse(401, OAUTH_INVALID_TOKEN, null).message).toBe("The access token is invalid");
    expect(errorForResponse(404, CLASSIC_NOT_FOUND, null)).toBeInstanceOf(FreshBooksNotFoundError);
    expect(errorForResponse(409, { response: { errors: [{ errno: 409, message: "Conflict" }] } }, null)).toBeInstanceOf(
      FreshBooksConflictError,
    );
    expect(
      errorForResponse(400, { error: "invalid_request", error_description: "Missing required parameter: grant_type." }, null),
    ).toBeInstanceOf(FreshBooksValidationError);
    expect(errorForResponse(502, null, null)).toBeInstanceOf(FreshBooksTransientError);
    expect(errorForResponse(502, null, null).message).toBe("FreshBooks answered HTTP 502");
  });

  // Each status in each of FreshBooks' body formats (docs/freshbooks-api.md §8): the class depends on the status alone.
  const classic = (errno: number) => ({ response: { errors: [{ errno, message: `errno ${errno}` }] } });
  const newer = (errno: number) => ({
    code: 3,
    message: "Request failed",
    details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: String(errno), metadata: { message: `errno ${errno}` } }],
  });
  const oauth = (errno: number) => ({ error: "some_error", error_description: `errno ${errno}` });
  it.each([
    [401, FreshBooksAuthError],
    [403, FreshBooksAuthError],
    [404, FreshBooksNotFoundError],
    [409, FreshBooksConflictError],
    [400, FreshBooksValidationError],
    [422, FreshBooksValidationError],
    [429, FreshBooksRateLimitError],
    [500, FreshBooksTransientError],
    [503, FreshBooksTransientError],
  ] as const)("HTTP %i is a %O in the classic, the newer and the OAuth format", (status, type) => {
    for (const body of [classic(1004), newer(1004), oauth(1004)]) {
      const error = errorForResponse(status, body, null);
      expect(error).toBeInstanceOf(type);
      expect(error.constructor).toBe(type);
      expect(error.message).toBe("errno 1004");
    }
  });

  it("tells a missing scope (403 insufficient_scope) from other refusals", () => {
    expect(
      isMissingScope(errorForResponse(403, { error: "insufficient_scope", error_description: "needs user:clients:write" }, null)),
    ).toBe(true);
    expect(isMissingScope(errorForResponse(403, classic(1003), null))).toBe(false);
    expect(isMissingScope(errorForResponse(401, { error: "insufficient_scope" }, null))).toBe(false);
  });

  it("keeps Retry-After on a 429, in seconds or as an HTTP date", () => {
    const error = errorForResponse(429, null, "7");
    expect(error).toBeInstanceOf(FreshBooksRateLimitError);
    expect((error as FreshBooksRateLimitError).retryAfterSeconds).toBe(7);
    expect((errorForResponse(429, null, null) as FreshBooksRateLimitError).retryAfterSeconds).toBeNull();
    const now = new Date("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("soon", now)).toBeNull();
  });

  it("caps Retry-After at one hour, so one odd answer cannot park an order for days", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("3600", now)).toBe(3600);
    expect(parseRetryAfter("86400", now)).toBe(3600);
    expect(parseRetryAfter("99999999999999999999999", now)).toBe(3600);
    expect(parseRetryAfter("Fri, 25 Nov 2067 12:00:00 GMT", now)).toBe(3600);
    expect((errorForResponse(429, null, "31536000") as FreshBooksRateLimitError).retryAfterSeconds).toBe(3600);
    // The date forms RFC 9110 asks recipients to accept, a past date as "now".
    expect(parseRetryAfter("Wednesday, 25-Nov-26 12:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Wed Nov 25 12:00:30 2026", now)).toBe(30);
    expect(parseRetryAfter("Wed, 25 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("treats an unparsable Retry-After as absent (the caller's own backoff applies)", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    // Each of these Date.parse or Number() would read as something.
    for (const value of ["2030-01-01", "-1", "1.5", "1e3", "0x10", "2026-11-25T12:00:30Z", "Nov 25 2026", "  ", "30 seconds"]) {
      expect(parseRetryAfter(value, now), value).toBeNull();
    }
    expect((errorForResponse(429, null, "1.5") as FreshBooksRateLimitError).retryAfterSeconds).toBeNull();
  });
});
