import { describe, expect, it } from "vitest";
import { duration, formatMoney, safeLocale } from "../app/components/format";
import { retryLabel } from "../app/components/OrdersTable";
import { dueTerms } from "../app/components/SentInvoiceCard";
import { backlogMessage } from "../app/components/SyncLogBanners";
import { resolvePeriod, syncLogQuerySchema } from "../app/models/sync-log-query";
import { prefixProblem } from "../app/models/invoice-prefix";
import { canRetry } from "../app/models/sync-status";

describe("money in the merchant's locale, from the decimal string", () => {
  it.each([
    ["1234.50", "USD", "en-US", "$1,234.50"],
    ["1500", "JPY", "en-US", "¥1,500"],
    ["1500.00", "JPY", "ja-JP", "￥1,500"],
    ["1.235", "KWD", "en-US", "KWD 1.235"],
    ["0.100", "BHD", "en-US", "BHD 0.100"],
    ["1234.5", "EUR", "de-DE", "1.234,50 €"],
    // Beyond a float's precision: formatted from the string, digit for digit.
    ["12345678901234567.89", "USD", "en-US", "$12,345,678,901,234,567.89"],
    // Digits beyond the currency's are shown, never rounded away.
    ["10.005", "USD", "en-US", "$10.005"],
    ["-0.02", "USD", "en-US", "-$0.02"],
  ])("%s %s in %s is %s", (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale).replace(/\u00a0/g, " ")).toBe(expected);
  });

  it("shows what it cannot read as it is", () => {
    expect(formatMoney("n/a", "USD")).toBe("n/a USD");
    expect(safeLocale("not a locale!")).toBe("en");
  });
});

describe("words the merchant reads", () => {
  it.each([
    [3, 3, "Retry 3 orders"],
    [1, 1, "Retry 1 order"],
    [2, 3, "Retry 2 of 3 orders"],
    [0, 2, "None of these can be retried"],
  ])("bulk button for %i retryable of %i selected: %s", (retryable, selected, label) => {
    expect(retryLabel(retryable, selected)).toBe(label);
  });

  it("counts the backlog with the right plurals", () => {
    expect(backlogMessage({ waiting: 1, oldestSeconds: 360 })).toBe("1 order is queued; it has waited 6 minutes.");
    expect(backlogMessage({ waiting: 120, oldestSeconds: 7200 })).toBe("120 orders are queued; the oldest has waited 2 hours.");
    expect(duration(60)).toBe("60 seconds");
    expect(duration(100)).toBe("2 minutes");
  });

  it("gives the prefix's problem instead of an example of an invalid invoice number", () => {
    expect(prefixProblem("ACME-")).toBeNull();
    expect(prefixProblem("")).toBeNull();
    expect(prefixProblem("MY SHOP")).toBe("Use letters, digits and - _ . / only (no spaces).");
    expect(prefixProblem("ABCDEFGHIJKLM")).toBe("Use at most 12 characters.");
  });

  it("says Due on receipt for 0 days", () => {
    expect([dueTerms(0), dueTerms(undefined), dueTerms(1), dueTerms(30)]).toEqual([
      "Due on receipt",
      "Due on receipt",
      "Due in 1 day",
      "Due in 30 days",
    ]);
  });

  it("offers Retry for failed, difference, and an order waiting out a scheduled retry only (not one waiting for Reconnect)", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    const later = "2026-11-25T14:00:00Z";
    expect(
      ["failed", "needs_reconnect", "synced_with_difference", "synced", "skipped", "syncing", "queued"].filter((status) =>
        canRetry({ status: status as never, nextAttemptAt: null }, now),
      ),
    ).toEqual(["failed", "synced_with_difference"]);
    expect(canRetry({ status: "queued", nextAttemptAt: later }, now)).toBe(true);
  });
});

describe("the sync log's period", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const parse = (params: Record<string, string>) => syncLogQuerySchema.parse(params);

  it("takes a custom from/to range, its last day included", () => {
    expect(resolvePeriod(parse({ period: "custom", from: "2026-11-01", to: "2026-11-15" }), now)).toEqual({
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-16T00:00:00Z"),
      custom: true,
    });
  });

  it.each([
    [{ period: "custom", from: "2026-11-15", to: "2026-11-01" }],
    [{ period: "custom", from: "2024-01-01", to: "2026-11-01" }],
    [{ period: "custom", from: "2026-13-45", to: "2026-11-01" }],
    [{ period: "custom" }],
  ])("falls back to the last 30 days for %o", (params) => {
    expect(resolvePeriod(parse(params), now)).toEqual({ from: new Date(now.getTime() - 30 * 86_400_000), to: now, custom: false });
  });
});
