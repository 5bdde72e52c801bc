/**
 * Making FreshBooks' total equal Shopify's, as far as we can predict it. FreshBooks recomputes every
 * line tax from a rate (how it rounds is unconfirmed, docs/freshbooks-api.md §14.1, so tie-out
 * checks its answer afterwards); Shopify may have rounded differently (order-level tax, tax-included prices,
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

function groupTotal(group: LineGroup, reader: MoneyReader): bigint {
  return invoiceTotalMinor({ lines: groupLines(group, reader) }, reader);
}

function render(groups: readonly LineGroup[], reader: MoneyReader): { lines: InvoiceLineInput[]; totalMinor: bigint } {
  const lines = groups.flatMap((group) => groupLines(group, reader));
  return { lines, totalMinor: invoiceTotalMinor({ lines }, reader) };
}

/**
 * Rounding drift we accept as such: each tax Shopify charged on a line can be one minor unit
 * away from what FreshBooks computes for it (half a unit of rounding on each side).
 */
function tolerance(groups: readonly LineGroup[], reader: MoneyReader): bigint {
  return groups.reduce((sum, group) => sum + (group.roundingUnits ?? BigInt(groupLines(group, reader).length * group.taxes.length)), 0n);
}

function magnitude(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/**
 * When FreshBooks would come out higher than Shopify we cannot add a negative line (UNCONFIRMED
 * in FreshBooks; our sandbox refuses it), so we take one minor unit at a time off the line
 * whose reduction brings the totals closest (the largest line on ties, then the first). Our
 * invoices carry no invoice-level discount, so the total is the sum of the groups' totals and a
 * trial only re-renders the group it changes.
 */
function reduceOneUnit(groups: LineGroup[], totals: bigint[], shopifyMinor: bigint, reader: MoneyReader): boolean {
  const current = totals.reduce((sum, total) => sum + total, 0n);
  let bestIndex = -1;
  let bestGap = 0n;
  let bestNet = 0n;
  let bestTotal = 0n;
  for (const [index, group] of groups.entries()) {
    if (group.netMinor <= 0n) continue;
    const trialTotal = groupTotal({ ...group, netMinor: group.netMinor - 1n }, reader);
    const gap = magnitude(current - (totals[index] ?? 0n) + trialTotal - shopifyMinor);
    if (bestIndex === -1 || gap < bestGap || (gap === bestGap && group.netMinor > bestNet)) {
      bestIndex = index;
      bestGap = gap;
      bestNet = group.netMinor;
      bestTotal = trialTotal;
    }
  }
  const chosen = groups[bestIndex];
  if (!chosen) return false;
  groups[bestIndex] = { ...chosen, netMinor: chosen.netMinor - 1n };
  totals[bestIndex] = bestTotal;
  return true;
}

export function reconcile(original: readonly LineGroup[], shopifyMinor: bigint, reader: MoneyReader): Reconciled {
  const groups = [...original];
  const totals = groups.map((group) => groupTotal(group, reader));
  let totalMinor = totals.reduce((sum, total) => sum + total, 0n);
  let movedMinor = 0n;
  const budget = tolerance(groups, reader);
  while (totalMinor > shopifyMinor && totalMinor - shopifyMinor <= budget && movedMinor < budget) {
    if (!reduceOneUnit(groups, totals, shopifyMinor, reader)) break;
    movedMinor += 1n;
    totalMinor = totals.reduce((sum, total) => sum + total, 0n);
  }
  const rendered = render(groups, reader);
  const shortfall = shopifyMinor - rendered.totalMinor;
  if (shortfall > 0n && shortfall <= budget) {
    const lines = [...rendered.lines, { type: 0 as const, name: ROUNDING_LINE_NAME, qty: 1, unit_cost: reader.money(shortfall) }];
    return { lines, totalMinor: invoiceTotalMinor({ lines }, reader), movedMinor };
  }
  return { ...rendered, movedMinor };
}
