/**
 * Tie-out from FreshBooks' own numbers (docs/freshbooks-api.md §15), against a FreshBooks that
 * rounds tax once on the invoice subtotal (the `subtotal` reading), so that its total can come
 * out a cent above or below Shopify's.
 */
import { describe, expect, it } from "vitest";
import type { FreshBooksClient } from "../app/freshbooks/client.server";
import { FreshBooksUnexpectedAnswer } from "../app/freshbooks/errors";
import type { Invoice, InvoiceLineInput } from "../app/freshbooks/types";
import type { MappedOrder } from "../app/sync/mapping";
import { tieOut } from "../app/sync/tie-out.server";

const cents = (amount: string) => BigInt(amount.replace(".", ""));
const money = (minor: bigint) => ({ amount: `${minor / 100n}.${String(minor % 100n).padStart(2, "0")}`, code: "USD" });

/** Σ qty × unit + tax per rate on the sum of its lines, rounded half-up once. */
function subtotalReading(lines: InvoiceLineInput[]): bigint {
  let total = 0n;
  const byRate = new Map<string, bigint>();
  for (const line of lines) {
    const amount = BigInt(line.qty) * cents(line.unit_cost.amount);
    total += amount;
    if (line.taxAmount1) byRate.set(line.taxAmount1, (byRate.get(line.taxAmount1) ?? 0n) + amount);
  }
  for (const [rate, base] of byRate) total += (base * BigInt(Math.round(Number(rate) * 1000)) + 50_000n) / 100_000n;
  return total;
}

function fakeFreshBooks(lines: InvoiceLineInput[]) {
  const puts: InvoiceLineInput[][] = [];
  const invoice = (current: InvoiceLineInput[]): Invoice => ({
    id: 7,
    customerid: 1,
    invoice_number: "SHOP-1",
    amount: money(subtotalReading(current)),
    lines: current,
  });
  const fb = {
    invoices: {
      get: async () => invoice(lines),
      replaceLines: async (_id: number, next: InvoiceLineInput[]) => {
        puts.push(next);
        return invoice(next);
      },
    },
  } as unknown as FreshBooksClient;
  return { fb, puts, created: invoice(lines) };
}

const taxed = (qty: number, unit: string, rate = "8"): InvoiceLineInput => ({
  type: 0,
  name: `Item ${unit}`,
  qty,
  unit_cost: { amount: unit, code: "USD" },
  taxName1: "Tax",
  taxAmount1: rate,
});
const mapped = (shopifyTotal: string) => ({ currency: "USD", shopifyTotal: { amount: shopifyTotal, code: "USD" } }) as MappedOrder;

describe("tie-out", () => {
  it("totals that agree cost no call", async () => {
    const { fb, puts, created } = fakeFreshBooks([taxed(1, "10.00")]);
    expect((await tieOut(fb, created, mapped("10.80"))).amount.amount).toBe("10.80");
    expect(puts).toEqual([]);
  });

  it("FreshBooks a cent lower: one PUT adds an untaxed rounding line, and FreshBooks' new total is Shopify's", async () => {
    // Per line 0.0065 → 0.01 each (Shopify: 0.03); once on the subtotal 0.0195 → 0.02.
    const { fb, puts, created } = fakeFreshBooks([taxed(1, "0.05", "13"), taxed(1, "0.05", "13"), taxed(1, "0.05", "13")]);
    expect(created.amount.amount).toBe("0.17");
    const tied = await tieOut(fb, created, mapped("0.18"));
    expect(tied.amount.amount).toBe("0.18");
    expect(puts).toHaveLength(1);
    expect(puts[0]!.at(-1)).toMatchObject({ name: "Rounding adjustment", qty: 1, unit_cost: { amount: "0.01" } });
  });

  it("FreshBooks a cent higher: a unit is made cheaper, FreshBooks' total is read back until it is Shopify's", async () => {
    // Per line 0.004 → 0.00 each (Shopify: 0.15); once on the subtotal 0.012 → 0.01.
    const { fb, puts, created } = fakeFreshBooks([taxed(3, "0.05")]);
    expect(created.amount.amount).toBe("0.16");
    const tied = await tieOut(fb, created, mapped("0.15"));
    expect(tied.amount.amount).toBe("0.15");
    expect(puts.length).toBeGreaterThanOrEqual(1);
    expect(puts.length).toBeLessThanOrEqual(4);
    // Never a negative line (FreshBooks' handling of those is unconfirmed).
    expect(puts.flat().every((line) => !line.unit_cost.amount.startsWith("-"))).toBe(true);
  });

  it("a gap larger than rounding is left for the merchant to see (no call)", async () => {
    const { fb, puts, created } = fakeFreshBooks([taxed(1, "10.00")]);
    expect((await tieOut(fb, created, mapped("12.00"))).amount.amount).toBe("10.80");
    expect(puts).toEqual([]);
  });

  it("an amount FreshBooks cannot mean is an unexpected answer, not a crash", async () => {
    const { fb, created } = fakeFreshBooks([taxed(1, "10.00")]);
    await expect(tieOut(fb, { ...created, amount: { amount: "10.805", code: "USD" } }, mapped("10.80"))).rejects.toBeInstanceOf(
      FreshBooksUnexpectedAnswer,
    );
  });
});
