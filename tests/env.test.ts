import { describe, expect, it } from "vitest";
import { ENV_VARIABLES, EnvError, parseEnv } from "../app/env.server";
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
    expect(problems).toContain("TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64");
  });

  it("refuses the demo mode in production, and accepts it in development", () => {
    expect(problemsOf({ ...TEST_ENV, DEMO_MODE: "true", NODE_ENV: "production" })).toEqual([
      "DEMO_MODE must not be set when NODE_ENV is production (the demo pages log anyone in as the demo shop)",
    ]);
    expect(problemsOf({ ...TEST_ENV, DEMO_MODE: "true", NODE_ENV: "development" })).toEqual([]);
    expect(problemsOf({ ...TEST_ENV, NODE_ENV: "production" })).toEqual([]);
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
