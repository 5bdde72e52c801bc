import { afterAll, afterEach, beforeEach, inject, vi } from "vitest";
import { expectedConsoleErrors } from "../helpers/console";
import { cloneTemplate } from "../helpers/database";

/**
 * Before each test file: its own database, cloned from the migrated template, so files run in
 * parallel without sharing rows. Set before the file imports any app module (db.server.ts
 * reads DATABASE_URL when first imported).
 */
const database = await cloneTemplate(inject("adminDatabaseUrl"));
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  const { default: prisma } = await import("../../app/db.server");
  const { closeAdvisoryLocks } = await import("../../app/db/advisory-lock.server");
  await closeAdvisoryLocks();
  await prisma.$disconnect();
  await database.drop();
});

/**
 * An unexpected console.error fails the test: it is how React, Remix and libraries report
 * problems that would otherwise pass silently. Announce an expected one with
 * `expectConsoleError(/text/)` from tests/helpers/console.ts.
 */
let errors: string[] = [];

beforeEach(() => {
  errors = [];
  expectedConsoleErrors.length = 0;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(" "));
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  const unexpected = errors.filter((line) => !expectedConsoleErrors.some((pattern) => pattern.test(line)));
  if (unexpected.length > 0) {
    throw new Error(`unexpected console.error:\n${unexpected.join("\n")}`);
  }
});
