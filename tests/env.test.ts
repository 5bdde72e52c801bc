import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEMO_TOKEN_ENCRYPTION_KEY } from "../app/dev/demo/constants";
import { decodeKey, ENV_VARIABLES, EnvError, parseEnv, PLACEHOLDER_KEYS } from "../app/env.server";
import { TEST_ENV } from "./test-env";

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("environment", () => {
  it("accepts a complete environment and fills in the documented defaults", () => {
    const env = parseEnv({ ...TEST_ENV });
    expect(env.FRESHBOOKS_API_URL).toBe("https://api.freshbooks.com");
    expect(env.FRESHBOOKS_AUTH_URL).toBe("https://auth.freshbooks.com");
    expect(env.PORT).toBe(3000);
    expect(env.RUN_WORKER_IN_WEB).toBe(false);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("lists every missing variable at once, by name", () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining([
        "SHOPIFY_API_KEY is missing",
        "SHOPIFY_API_SECRET is missing",
        "SHOPIFY_APP_URL is missing",
        "SCOPES is missing",
        "FRESHBOOKS_CLIENT_ID is missing",
        "FRESHBOOKS_CLIENT_SECRET is missing",
        "FRESHBOOKS_REDIRECT_URI is missing",
        "TOKEN_ENCRYPTION_KEY is missing",
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it("explains malformed values", () => {
    const problems = problemsOf({ ...TEST_ENV, SHOPIFY_APP_URL: "not a url", TOKEN_ENCRYPTION_KEY: "short" });
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith("SHOPIFY_APP_URL"))).toBeDefined();
    expect(problems).toContain("TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or 44 characters of padded base64");
  });

  it("decodes keys strictly: exactly 32 bytes, as 64 hex characters or canonical padded base64", () => {
    const key = randomBytes(32);
    expect(decodeKey(key.toString("hex"))).toEqual(key);
    expect(decodeKey(key.toString("hex").toUpperCase())).toEqual(key);
    expect(decodeKey(key.toString("base64"))).toEqual(key);
    // Node's lenient decoder would turn each of these into some 32 bytes.
    const lenient = [
      `${key.toString("base64")}garbage`, // trailing text after the padding
      key.toString("base64").replace(/=$/, ""), // unpadded
      key.toString("base64url"), // another alphabet
      `${key.toString("base64").slice(0, 20)} ${key.toString("base64").slice(20)}`, // a space inside
      `${key.toString("hex")}0`, // 65 hex characters
      "correct-horse-battery-staple-correct-horse-battery-staple!!", // a passphrase
    ];
    for (const value of lenient) {
      expect(Buffer.from(value, "base64").length >= 32 || value.length === 65, value).toBe(true);
      expect(decodeKey(value), value).toBeNull();
    }
    expect(decodeKey(randomBytes(31).toString("base64"))).toBeNull();
    expect(decodeKey(randomBytes(33).toString("hex"))).toBeNull();
  });

  it("refuses to start in production without DATABASE_URL (the embedded PostgreSQL runs with fsync off)", () => {
    const production = { ...TEST_ENV, NODE_ENV: "production" };
    expect(problemsOf(production)).toEqual([
      "DATABASE_URL must be set when NODE_ENV is production (the embedded PostgreSQL is for development and tests: it runs with fsync off)",
    ]);
    expect(problemsOf({ ...production, DATABASE_URL: "postgresql://app@db.internal:5432/app" })).toEqual([]);
    expect(problemsOf({ ...TEST_ENV, NODE_ENV: "development" })).toEqual([]);
  });

  it("refuses the demo's and `npm run local`'s published keys in production, and accepts them elsewhere", () => {
    const localKey = /TOKEN_ENCRYPTION_KEY: "([0-9a-f]{64})"/.exec(readFileSync("app/bin/local.ts", "utf8"))?.[1];
    expect(localKey).toBeDefined();
    expect([...PLACEHOLDER_KEYS].sort()).toEqual([DEMO_TOKEN_ENCRYPTION_KEY, localKey].sort());

    const production = { ...TEST_ENV, NODE_ENV: "production", DATABASE_URL: "postgresql://app@db.internal:5432/app" };
    for (const key of PLACEHOLDER_KEYS) {
      expect(problemsOf({ ...production, TOKEN_ENCRYPTION_KEY: key })).toEqual([
        "TOKEN_ENCRYPTION_KEY is a published placeholder (of the demo or `npm run local`) and must not be used when NODE_ENV is production",
      ]);
      expect(problemsOf({ ...production, TOKEN_ENCRYPTION_KEY: key.toUpperCase() })).toHaveLength(1);
      expect(problemsOf({ ...TEST_ENV, NODE_ENV: "development", TOKEN_ENCRYPTION_KEY: key })).toEqual([]);
    }
  });

  it("refuses the demo mode in production, and accepts it in development", () => {
    expect(
      problemsOf({ ...TEST_ENV, DEMO_MODE: "true", NODE_ENV: "production", DATABASE_URL: "postgresql://app@db.internal:5432/app" }),
    ).toEqual(["DEMO_MODE must not be set when NODE_ENV is production (the demo pages log anyone in as the demo shop)"]);
    expect(problemsOf({ ...TEST_ENV, DEMO_MODE: "true", NODE_ENV: "development" })).toEqual([]);
    expect(problemsOf({ ...TEST_ENV, NODE_ENV: "production", DATABASE_URL: "postgresql://app@db.internal:5432/app" })).toEqual([]);
  });

  it("in production, sends the Admin API to a sandbox only on this machine", () => {
    const production = { ...TEST_ENV, NODE_ENV: "production", DATABASE_URL: "postgresql://app@db.internal:5432/app" };
    for (const url of ["http://127.0.0.1:4100", "http://localhost:4100", "http://[::1]:4100"])
      expect(problemsOf({ ...production, SHOPIFY_ADMIN_API_URL: url })).toEqual([]);
    expect(problemsOf({ ...production, SHOPIFY_ADMIN_API_URL: "https://shopify-sandbox.example.com" })).toEqual([
      "SHOPIFY_ADMIN_API_URL must be a sandbox on this machine (localhost, 127.0.0.1 or [::1]) when NODE_ENV is production: it sends every shop's Admin API calls there",
    ]);
    expect(problemsOf({ ...TEST_ENV, NODE_ENV: "development", SHOPIFY_ADMIN_API_URL: "https://shopify-sandbox.example.com" })).toEqual([]);
  });

  it("names .env.example in the message the process prints", () => {
    expect(() => parseEnv({})).toThrow(/See \.env\.example/);
  });

  it("documents every variable of the schema in .env.example", async () => {
    const { readFileSync } = await import("node:fs");
    const example = readFileSync(".env.example", "utf8");
    for (const name of ENV_VARIABLES) {
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
    }
  });
});
