/**
 * Shopify's search syntax for `orders(query:)` and `ordersCount(query:)`: terms separated by
 * spaces are ANDed; `field:value`, `field:>=value` (also >, <, <=), `-field:value` negates.
 * The fields the app uses (created_at, updated_at, processed_at, test, financial_status,
 * source_name, tag, tag_not, id, name, status). An unknown field is ignored, as Shopify does.
 */
import type { SandboxOrder } from "./orders";

type Predicate = (order: SandboxOrder) => boolean;

function tokens(query: string): string[] {
  const found: string[] = [];
  const pattern = /(-?[A-Za-z_.]+:(?:[<>]=?)?(?:'[^']*'|"[^"]*"|\S+))|(\S+)/g;
  for (const match of query.matchAll(pattern)) found.push(match[0]);
  return found;
}

function unquote(value: string): string {
  return value.replace(/^['"]|['"]$/g, "");
}

function compare(left: number, op: string, right: number): boolean {
  switch (op) {
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    default:
      return left === right;
  }
}

function dateValue(value: string, now: Date): number {
  if (value === "now") return now.getTime();
  // A bare date is midnight UTC (Shopify reads it in the shop's time zone; the sandbox's shops are UTC for search).
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value).getTime();
}

function term(raw: string, now: Date): Predicate | null {
  const negated = raw.startsWith("-");
  const match = /^-?([A-Za-z_.]+):([<>]=?)?(.*)$/.exec(raw);
  if (!match) return null;
  const [, field = "", op = "", rawValue = ""] = match;
  const value = unquote(rawValue);
  let predicate: Predicate | null = null;
  switch (field) {
    case "created_at":
    case "updated_at":
    case "processed_at": {
      const key = field === "created_at" ? "createdAt" : field === "updated_at" ? "updatedAt" : "processedAt";
      const at = dateValue(value, now);
      predicate = (order) => compare(new Date(order[key]).getTime(), op, at);
      break;
    }
    case "test":
      predicate = (order) => order.test === (value === "true");
      break;
    case "financial_status":
      predicate = (order) => (order.displayFinancialStatus ?? "").toLowerCase() === value.toLowerCase();
      break;
    case "source_name":
      predicate = (order) => (order.sourceName ?? "") === value;
      break;
    case "tag":
      predicate = (order) => order.tags.some((tag) => tag.toLowerCase() === value.toLowerCase());
      break;
    case "tag_not":
      predicate = (order) => !order.tags.some((tag) => tag.toLowerCase() === value.toLowerCase());
      break;
    case "id":
      predicate = (order) => {
        const id = BigInt(order.legacyResourceId);
        const other = BigInt(value);
        return op === ">" ? id > other : op === ">=" ? id >= other : op === "<" ? id < other : op === "<=" ? id <= other : id === other;
      };
      break;
    case "name":
      predicate = (order) => String(order.name) === value || String(order.name) === `#${value}`;
      break;
    case "status":
      predicate = (order) => {
        if (value === "cancelled") return order.cancelledAt !== null;
        if (value === "closed") return order.closedAt !== null;
        if (value === "open" || value === "not_closed") return order.closedAt === null && order.cancelledAt === null;
        return true;
      };
      break;
    default:
      return null;
  }
  return negated ? (order) => !predicate(order) : predicate;
}

/** The orders the query selects (all of them for an empty query). */
export function searchPredicate(query: string | null | undefined, now: Date): Predicate {
  const predicates = tokens(query ?? "")
    .map((raw) => term(raw, now))
    .filter((predicate): predicate is Predicate => predicate !== null);
  return (order) => predicates.every((predicate) => predicate(order));
}
