import { Writable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { createLogger, maskEmails } from "../app/logger.server";
import { attemptOrderSync } from "../app/sync/pipeline.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables } from "./helpers/sync";

const sandbox = await useFreshBooksSandbox();

/** A logger like the app's, whose lines the test reads exactly as they would be written. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { logger: createLogger("info", destination), lines };
}

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

describe("customer emails never reach the logs", () => {
  it("an attempt whose FreshBooks refusal quotes the customer's email logs the reason without it", async () => {
    const order = usOrder(1201);
    const email = (order as unknown as { email: string }).email;
    sandbox.faults.enqueue({
      method: "POST",
      path: "/users/clients$",
      fault: {
        kind: "errors-in-200",
        errors: [{ errno: 2001, field: "email", message: `A client with the email ${email} cannot be created.` }],
      },
    });
    await deliverOrder(order);
    const { logger, lines } = capturedLogger();

    const result = await attemptOrderSync(TEST_SHOP, String(order.id), "job-1", { db: prisma, logger });

    expect(result.reason).toContain(email); // the merchant still sees FreshBooks' words in the sync log
    const line = lines.find((text) => text.includes('"sync attempt"'));
    expect(line).toBeDefined();
    expect(line).toContain("[email]");
    expect(line).not.toContain("@");
  });

  it("masks emails in the message, in any field at any depth, and in errors, and keeps the rest", () => {
    const { logger, lines } = capturedLogger();
    const error = new Error("FreshBooks said: jane.doe+vip@example.co.uk exists");
    logger.warn({ shop: TEST_SHOP, detail: { notes: ["from Jane <JANE@Example.com>"] }, err: error }, "refused for jane%40example.com");
    logger.error(error);
    logger.child({ customer: "bob@example.org" }).info("child line");
    logger.info({ note: 'line one\njane@example.com\t"x@example.com"' }, "escapes");

    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toMatch(/@|%40/i);
    expect(JSON.parse(lines[3]!)).toMatchObject({ note: 'line one\n[email]\t"[email]"' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ msg: "FreshBooks said: [email] exists", err: { type: "Error" } });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      shop: TEST_SHOP,
      msg: "refused for [email]",
      detail: { notes: ["from Jane <[email]>"] },
      err: { message: "FreshBooks said: [email] exists" },
    });
  });

  it("leaves package paths in stacks and ordinary text alone", () => {
    expect(maskEmails("at node_modules/@prisma/client/runtime/index.js:12")).toBe("at node_modules/@prisma/client/runtime/index.js:12");
    expect(maskEmails("Order #1001 (2 items) @ 10:00")).toBe("Order #1001 (2 items) @ 10:00");
  });
});
