/**
 * Orders with more lines than one invoice takes (MAX_INVOICE_LINES; FreshBooks' real limit is
 * UNCONFIRMED, docs/freshbooks-api.md §5). The first items stay as they are; the rest are folded into summary
 * lines, one per tax treatment (a summary line carries one set of taxes, so every folded item
 * keeps the taxes Shopify charged), with each folded item listed in the description. Amounts are
 * summed exactly, so no minor unit is lost; the tax FreshBooks computes on a summary line may
 * round differently from Shopify's per-item taxes, which reconcile() settles as rounding.
 */
import type { LineGroup } from "./lines";
import type { MoneyReader } from "./money";
import { LINE_DESCRIPTION_MAX, prefixWithin } from "./text";

/** How much of an item's name a summary's list shows (the full name fits ~14 entries per line). */
const LISTED_NAME_MAX = 120;

function taxKey(group: LineGroup): string {
  return group.taxes.map((tax) => `${tax.name}\u0000${tax.percent}`).join("\u0001");
}

function entry(group: LineGroup, reader: MoneyReader): string {
  const name = group.name.length > LISTED_NAME_MAX ? `${prefixWithin(group.name, LISTED_NAME_MAX - 1)}…` : group.name;
  return `${group.qty} × ${name}: ${reader.format(group.netMinor)}`;
}

/** Entries split into descriptions of at most LINE_DESCRIPTION_MAX characters. */
function chunks(entries: string[]): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const text of entries) {
    const grown = current.length === 0 ? text.length : length + 1 + text.length;
    if (current.length > 0 && grown > LINE_DESCRIPTION_MAX) {
      result.push(current);
      current = [text];
      length = text.length;
    } else {
      current.push(text);
      length = grown;
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

function summaryName(count: number, taxes: LineGroup["taxes"], part: number, parts: number): string {
  const treatment = taxes.length > 0 ? taxes.map((tax) => `${tax.name} ${tax.percent}%`).join(" + ") : "no tax";
  return `${count} more item${count === 1 ? "" : "s"} (${treatment}${parts > 1 ? `, part ${part} of ${parts}` : ""})`;
}

/** Summary groups (qty 1, one invoice line each) standing for `folded`. */
export function foldGroups(folded: readonly LineGroup[], reader: MoneyReader): LineGroup[] {
  const buckets = new Map<string, LineGroup[]>();
  for (const group of folded) {
    const key = taxKey(group);
    buckets.set(key, [...(buckets.get(key) ?? []), group]);
  }
  const summaries: LineGroup[] = [];
  for (const members of buckets.values()) {
    const [first] = members;
    if (!first) continue;
    const lists = chunks(members.map((group) => entry(group, reader)));
    let offset = 0;
    lists.forEach((list, index) => {
      const covered = members.slice(offset, offset + list.length);
      offset += list.length;
      const name = summaryName(covered.length, first.taxes, index + 1, lists.length);
      summaries.push({
        name,
        description: list.join("\n"),
        qty: 1n,
        netMinor: covered.reduce((sum, group) => sum + group.netMinor, 0n),
        taxes: first.taxes,
        label: name,
        roundingUnits: BigInt(covered.length * first.taxes.length),
      });
    });
  }
  return summaries;
}
