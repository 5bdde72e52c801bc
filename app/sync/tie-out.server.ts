/**
 * Tie-out from FreshBooks' own numbers (docs/freshbooks-api.md §15). FreshBooks computes an
 * invoice's total itself, and how it rounds tax is undocumented (§14.1), so the mapping's
 * prediction is only a first guess: after the invoice exists we compare FreshBooks' `amount`
 * with Shopify's total and, when they differ by rounding, correct the lines and read FreshBooks'
 * new amount again. Nothing here trusts a computed total.
 */
import type { FreshBooksClient } from "../freshbooks/client.server";
import { FreshBooksUnexpectedAnswer } from "../freshbooks/errors";
import type { Invoice, InvoiceLineInput, Money } from "../freshbooks/types";
import { MAX_INVOICE_LINES, ROUNDING_LINE_NAME, type MappedOrder } from "./mapping";
import { MoneyReader, UnrepresentableAmount } from "./mapping/money";

/** Correction rounds at most: one usually suffices (an untaxed line is exact in every reading). */
const MAX_ROUNDS = 4;

/** A FreshBooks amount in minor units; one we cannot hold exactly is an unexpected answer, never a retry. */
export function freshbooksMinor(reader: MoneyReader, money: Money | undefined, what: string): bigint {
  if (!money) throw new FreshBooksUnexpectedAnswer(`FreshBooks answered ${what} without an amount`, 200);
  try {
    return reader.minor(money.amount);
  } catch (error) {
    if (!(error instanceof UnrepresentableAmount)) throw error;
    throw new FreshBooksUnexpectedAnswer(
      `FreshBooks answered ${what} as ${JSON.stringify(money.amount)} ${money.code}, which is not an amount of ${reader.currency} we can record exactly`,
      200,
    );
  }
}

type Line = InvoiceLineInput;

function asInput(line: NonNullable<Invoice["lines"]>[number]): Line {
  return {
    type: 0,
    name: line.name ?? "",
    ...(line.description ? { description: line.description } : {}),
    qty: line.qty,
    unit_cost: { amount: line.unit_cost.amount, code: line.unit_cost.code },
    ...(line.taxName1 ? { taxName1: line.taxName1 } : {}),
    ...(line.taxAmount1 && line.taxName1 ? { taxAmount1: line.taxAmount1 } : {}),
    ...(line.taxName2 ? { taxName2: line.taxName2 } : {}),
    ...(line.taxAmount2 && line.taxName2 ? { taxAmount2: line.taxAmount2 } : {}),
  };
}

const untaxed = (line: Line) => !line.taxAmount1 && !line.taxAmount2;
const isRounding = (line: Line) => line.name === ROUNDING_LINE_NAME && untaxed(line) && line.qty === 1;

/**
 * The lines changed so that the total moves by `gap` minor units (positive: up). Up: an untaxed
 * rounding line (exact in every reading). Down: the rounding line shrinks first; else one unit of
 * the largest line is split off and made `gap` cheaper (taxed lines also lose tax, so the next
 * round may add a rounding line back). Null when nothing can be moved.
 */
function adjust(lines: Line[], gap: bigint, reader: MoneyReader): Line[] | null {
  const next = [...lines];
  const roundingIndex = next.findIndex(isRounding);
  const rounding = roundingIndex >= 0 ? reader.minor(next[roundingIndex]!.unit_cost.amount) : 0n;
  if (gap > 0n || rounding + gap >= 0n) {
    const amount = rounding + gap;
    if (roundingIndex >= 0 && amount === 0n) next.splice(roundingIndex, 1);
    else if (roundingIndex >= 0) next[roundingIndex] = { ...next[roundingIndex]!, unit_cost: reader.money(amount) };
    else next.push({ type: 0, name: ROUNDING_LINE_NAME, qty: 1, unit_cost: reader.money(amount) });
    return next;
  }
  const take = -gap - rounding;
  if (roundingIndex >= 0) next.splice(roundingIndex, 1);
  const candidates = next
    .map((line, index) => ({ line, index, unit: reader.minor(line.unit_cost.amount) }))
    .filter((candidate) => Number.isSafeInteger(candidate.line.qty) && candidate.line.qty >= 1 && candidate.unit >= take)
    .sort((a, b) => Number(untaxed(b.line)) - Number(untaxed(a.line)) || (b.unit > a.unit ? 1 : b.unit < a.unit ? -1 : 0));
  const chosen = candidates[0];
  if (!chosen) return null;
  const cheaper = { ...chosen.line, qty: 1, unit_cost: reader.money(chosen.unit - take) };
  next.splice(chosen.index, 1, ...(chosen.line.qty > 1 ? [{ ...chosen.line, qty: chosen.line.qty - 1 }, cheaper] : [cheaper]));
  return next;
}

/**
 * The invoice as FreshBooks has it once tied out: equal to Shopify's total when the difference
 * was rounding (at most one minor unit per line), else unchanged (the order is then "synced with
 * difference", showing FreshBooks' number). No call at all when the totals already agree.
 */
export async function tieOut(fb: FreshBooksClient, created: Invoice, mapped: MappedOrder): Promise<Invoice> {
  const reader = new MoneyReader(mapped.currency);
  const shopifyMinor = reader.minor(mapped.shopifyTotal.amount);
  let invoice = created;
  let gap = shopifyMinor - freshbooksMinor(reader, invoice.amount, "the invoice total");
  if (gap === 0n) return invoice;
  const read = invoice.lines ?? (await fb.invoices.get(invoice.id)).lines ?? [];
  let lines = read.map(asInput);
  for (const line of lines) freshbooksMinor(reader, line.unit_cost, `the price of line "${line.name}"`);
  const tolerance = BigInt(Math.max(1, lines.filter((line) => !isRounding(line)).length));
  if (gap > tolerance || -gap > tolerance) return invoice;
  for (let round = 0; round < MAX_ROUNDS && gap !== 0n; round++) {
    const adjusted = adjust(lines, gap, reader);
    if (!adjusted || adjusted.length > MAX_INVOICE_LINES) break;
    lines = adjusted;
    invoice = await fb.invoices.replaceLines(invoice.id, lines);
    gap = shopifyMinor - freshbooksMinor(reader, invoice.amount, "the corrected invoice total");
  }
  return invoice;
}
