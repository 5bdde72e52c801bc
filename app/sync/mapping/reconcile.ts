/**
 * Making FreshBooks' total equal Shopify's. FreshBooks recomputes every line tax from a rate and
 * rounds per line; Shopify may have rounded differently (order-level tax, tax-included prices,
 * split lines), so the two can drift by a few minor units. We fix that drift — and only that:
 * a larger gap means something we do not map (duties, fees) and is left visible.
 */
import type { InvoiceLineInput } from "../../freshbooks/types";
import { groupLines, type LineGroup } from "./lines";
import type { MoneyReader } from "./money";
import { invoiceTotalMinor } from "./totals";

export const ROUNDING_LINE_NAME = "Rounding adjustment";

export interface Reconciled {
  lines: InvoiceLineInput[];
  totalMinor: bigint;
  /** Minor units moved out of line amounts to stop FreshBooks coming out higher than Shopify. */
  movedMinor: bigint;
}

function render(groups: readonly LineGroup[], reader: MoneyReader): { lines: InvoiceLineInput[]; totalMinor: bigint } {
  const lines = groups.flatMap((group) => groupLines(group, reader));
  return { lines, totalMinor: invoiceTotalMinor({ lines }, reader) };
}

/**
 * Rounding drift we accept as such: each posted tax can be one minor unit away from Shopify's
 * amount (half a unit of rounding on each side).
 */
function tolerance(lines: readonly InvoiceLineInput[]): bigint {
  return BigInt(lines.reduce((sum, line) => sum + (line.taxAmount1 ? 1 : 0) + (line.taxAmount2 ? 1 : 0), 0));
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/**
 * When FreshBooks would come out higher than Shopify we cannot add a negative line (UNCONFIRMED
 * in FreshBooks; our sandbox refuses it), so we take one minor unit at a time off the line
 * whose reduction brings the totals closest (the largest line on ties, then the first).
 */
function reduceOneUnit(groups: LineGroup[], shopifyMinor: bigint, reader: MoneyReader): boolean {
  let bestIndex = -1;
  let bestGap = 0n;
  let bestNet = 0n;
  for (const [index, group] of groups.entries()) {
    if (group.netMinor <= 0n) continue;
    const trial = groups.map((other, at) => (at === index ? { ...other, netMinor: other.netMinor - 1n } : other));
    const gap = magnitude(render(trial, reader).totalMinor - shopifyMinor);
    if (bestIndex === -1 || gap < bestGap || (gap === bestGap && group.netMinor > bestNet)) {
      bestIndex = index;
      bestGap = gap;
      bestNet = group.netMinor;
    }
  }
  const chosen = groups[bestIndex];
  if (!chosen) return false;
  groups[bestIndex] = { ...chosen, netMinor: chosen.netMinor - 1n };
  return true;
}

export function reconcile(original: readonly LineGroup[], shopifyMinor: bigint, reader: MoneyReader): Reconciled {
  const groups = [...original];
  let rendered = render(groups, reader);
  let movedMinor = 0n;
  const budget = tolerance(rendered.lines);
  while (rendered.totalMinor > shopifyMinor && rendered.totalMinor - shopifyMinor <= budget && movedMinor < budget) {
    if (!reduceOneUnit(groups, shopifyMinor, reader)) break;
    movedMinor += 1n;
    rendered = render(groups, reader);
  }
  const shortfall = shopifyMinor - rendered.totalMinor;
  if (shortfall > 0n && shortfall <= budget) {
    const lines = [...rendered.lines, { type: 0 as const, name: ROUNDING_LINE_NAME, qty: 1, unit_cost: reader.money(shortfall) }];
    return { lines, totalMinor: invoiceTotalMinor({ lines }, reader), movedMinor };
  }
  return { ...rendered, movedMinor };
}
