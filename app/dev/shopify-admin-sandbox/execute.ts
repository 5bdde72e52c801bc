/**
 * Runs a parsed GraphQL document against one sandbox shop: answers exactly the selected fields
 * (an unknown field is an error, as in Shopify's validation), computes the requested and the
 * actual cost (docs/shopify-admin-api.md §4), and applies the write-back mutations.
 */
import { parseDocument, valueOf, type Document, type Selection } from "./graphql";
import type { SandboxOrder } from "./orders";
import { searchPredicate } from "./search";

type Json = Record<string, unknown>;

export interface SandboxShop {
  domain: string;
  name: string;
  currencyCode: string;
  ianaTimezone: string;
  scopes: Set<string>;
  /** null: any non-empty X-Shopify-Access-Token is accepted. */
  accessToken: string | null;
  orders: SandboxOrder[];
  bucket: { available: number; atMs: number };
  /** How many write-back mutations changed something (a repeat that changes nothing does not count). */
  writes: { metafields: number; tags: number };
  /** Bulk query operations, oldest first (docs/shopify-admin-api.md §8a). */
  bulkOperations: SandboxBulkOperation[];
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface SandboxBulkOperation {
  id: string;
  query: string;
  createdAt: string;
  /** Wall-clock time (performance.now()) at which it completes, unless failed or cancelled first. */
  readyAtMs: number;
  ended: null | { status: "FAILED" | "CANCELED"; errorCode: string | null; atIso: string };
  /** The JSONL file's lines (computed when the operation starts: the store as it was then). */
  lines: string[];
  rootObjectCount: number;
}

/** How the sandbox runs bulk operations; the `bulkLineOrder` dialect is where Shopify's docs leave the file's order open. */
export interface BulkRunOptions {
  /** This sandbox's own origin, for the file URL. */
  baseUrl: string;
  /** How long an operation runs before it completes. */
  runMs: number;
  /**
   * Without groupObjects, where the lines of a nested connection go: right after their parent
   * ("after-parent", as observed), or after every parent ("children-last": the docs only promise
   * a __parentId). With groupObjects: true they always follow their parent.
   */
  lineOrder: "after-parent" | "children-last";
  /** The next operation started fails (a fault injected by a test). */
  failNext: boolean;
}

/** At most this many bulk queries run at once per shop (API 2026-01 and later). */
export const MAX_RUNNING_BULK_QUERIES = 5;

export interface GraphqlError {
  message: string;
  extensions?: Json;
  path?: (string | number)[];
}

export class QueryError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Connections (edges / nodes / pageInfo, sized by first/last). */
const CONNECTIONS = new Set(["orders", "lineItems", "shippingLines", "discountApplications"]);
/** Lists that take `first` (a plain list, sliced). */
const LISTS_WITH_FIRST = new Set(["taxLines", "transactions", "refunds"]);
/** Concrete types an inline fragment can name; any other name is an interface that every object matches. */
const OBJECT_TYPES = new Set([
  "Order",
  "DiscountCodeApplication",
  "ManualDiscountApplication",
  "ScriptDiscountApplication",
  "AutomaticDiscountApplication",
]);

const MAX_PAGE = 250;
/** The largest single query Shopify accepts, whatever the plan. */
export const MAX_QUERY_COST = 1000;
const SIXTY_DAYS_MS = 60 * 24 * 60 * 60 * 1000;

interface Context {
  document: Document;
  variables: Json;
  shop: SandboxShop;
  now: Date;
  actualCost: number;
  errors: GraphqlError[];
  bulk: BulkRunOptions | null;
  /** While a bulk query's lines are written: the nested connections met, to be written as lines of their own. */
  flattening: { pending: Array<{ parentId: string; items: Json[]; selections: Selection[]; typeName: string }> } | null;
}

function fieldsOf(selections: Selection[], document: Document, value: Json | null): Array<Extract<Selection, { kind: "field" }>> {
  const fields: Array<Extract<Selection, { kind: "field" }>> = [];
  for (const selection of selections) {
    if (selection.kind === "field") fields.push(selection);
    else {
      const fragment = selection.kind === "spread" ? document.fragments.get(selection.name) : selection;
      if (!fragment)
        throw new QueryError(
          `Fragment ${selection.kind === "spread" ? selection.name : ""} was used, but not defined`,
          "undefinedFragment",
        );
      const condition = fragment.typeCondition;
      const typename = value?.__typename;
      if (condition && OBJECT_TYPES.has(condition) && typename !== undefined && typename !== condition) continue;
      fields.push(...fieldsOf(fragment.selections, document, value));
    }
  }
  return fields;
}

function args(field: Extract<Selection, { kind: "field" }>, context: Pick<Context, "variables">): Json {
  return Object.fromEntries(Object.entries(field.args).map(([name, value]) => [name, valueOf(value, context.variables)]));
}

// ---- cost -----------------------------------------------------------------------------------

/** The requested cost: objects 1, connections 2 + first × their node's cost, scalars 0, mutations 10. */
function requestedCost(selections: Selection[], context: Pick<Context, "document" | "variables">): number {
  let cost = 0;
  for (const field of fieldsOf(selections, context.document, null)) {
    if (field.selections.length === 0) continue;
    const a = args(field, context);
    const size = typeof a.first === "number" ? a.first : typeof a.last === "number" ? a.last : typeof a.limit === "number" ? 1 : 1;
    if (CONNECTIONS.has(field.name)) {
      let nodeCost = 0;
      for (const child of fieldsOf(field.selections, context.document, null)) {
        if (child.name === "nodes") nodeCost = Math.max(nodeCost, 1 + requestedCost(child.selections, context));
        else if (child.name === "edges") {
          const node = fieldsOf(child.selections, context.document, null).find((f) => f.name === "node");
          nodeCost = Math.max(nodeCost, 1 + (node ? 1 + requestedCost(node.selections, context) : 0));
        }
      }
      cost += 2 + size * nodeCost;
    } else if (LISTS_WITH_FIRST.has(field.name)) {
      cost += size * (1 + requestedCost(field.selections, context));
    } else {
      cost += 1 + requestedCost(field.selections, context);
    }
  }
  return cost;
}

export function operationCost(
  document: Document,
  operationName: string | null,
  variables: Json,
): { type: "query" | "mutation"; cost: number } {
  const operation = pickOperation(document, operationName);
  const withDefaults = withVariableDefaults(operation, variables);
  if (operation.type === "mutation") return { type: "mutation", cost: 10 * operation.selections.length };
  return { type: "query", cost: requestedCost(operation.selections, { document, variables: withDefaults }) };
}

function pickOperation(document: Document, operationName: string | null) {
  const operation = operationName ? document.operations.find((candidate) => candidate.name === operationName) : document.operations[0];
  if (!operation)
    throw new QueryError(
      operationName ? `Unknown operation named "${operationName}"` : "No operation in the document",
      "operationNotFound",
    );
  if (!operationName && document.operations.length > 1)
    throw new QueryError("An operation name is required when the document has several", "operationNotFound");
  return operation;
}

function withVariableDefaults(operation: ReturnType<typeof pickOperation>, variables: Json): Json {
  const filled = { ...variables };
  for (const definition of operation.variables) {
    if (filled[definition.name] === undefined && definition.defaultValue) filled[definition.name] = valueOf(definition.defaultValue, {});
  }
  return filled;
}

// ---- resolution -------------------------------------------------------------------------------

function encodeCursor(id: string, value: string): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString("base64");
}

function decodeCursor(cursor: string): { last_id: string; last_value: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id: string; last_value: string };
    if (typeof parsed.last_id !== "string") throw new Error("cursor");
    return parsed;
  } catch {
    throw new QueryError("Invalid cursor for current pagination sort.", "argumentLiteralsIncompatible");
  }
}

const SORT_FIELDS: Record<string, (order: SandboxOrder) => string> = {
  CREATED_AT: (order) => order.createdAt,
  UPDATED_AT: (order) => order.updatedAt,
  PROCESSED_AT: (order) => order.processedAt,
  ID: (order) => order.legacyResourceId.padStart(20, "0"),
};

function connection(
  items: Json[],
  a: Json,
  keyOf: (item: Json, index: number) => [string, string],
  selection: Extract<Selection, { kind: "field" }>,
  context: Context,
  typeName: string,
): Json {
  const first = typeof a.first === "number" ? a.first : null;
  const last = typeof a.last === "number" ? a.last : null;
  if (first === null && last === null) throw new QueryError("you must provide one of first or last", "MISSING_FIRST_OR_LAST");
  if ((first ?? last)! > MAX_PAGE) throw new QueryError(`The first argument cannot exceed ${MAX_PAGE}.`, "BAD_REQUEST");
  const keyed = items.map((item, index) => ({ item, key: keyOf(item, index) }));
  const position = (cursor: unknown) => {
    const { last_id } = decodeCursor(String(cursor));
    return keyed.findIndex((entry) => entry.key[0] === last_id);
  };
  let start = 0;
  let end = keyed.length;
  if (a.after) start = position(a.after) + 1;
  if (a.before) end = Math.max(0, position(a.before));
  let page = keyed.slice(start, end);
  let hasNextPage = end < keyed.length;
  let hasPreviousPage = start > 0;
  if (first !== null) {
    hasNextPage = hasNextPage || page.length > first;
    page = page.slice(0, first);
  } else if (last !== null) {
    hasPreviousPage = hasPreviousPage || page.length > last;
    page = page.slice(Math.max(0, page.length - last));
  }
  context.actualCost += 2;
  const result: Json = {};
  for (const field of fieldsOf(selection.selections, context.document, null)) {
    const key = field.alias ?? field.name;
    if (field.name === "nodes") result[key] = page.map((entry) => resolveObject(entry.item, field.selections, context, typeName));
    else if (field.name === "edges")
      result[key] = page.map((entry) => {
        const edge: Json = {};
        for (const edgeField of fieldsOf(field.selections, context.document, null)) {
          const edgeKey = edgeField.alias ?? edgeField.name;
          if (edgeField.name === "cursor") edge[edgeKey] = encodeCursor(entry.key[0], entry.key[1]);
          else if (edgeField.name === "node") edge[edgeKey] = resolveObject(entry.item, edgeField.selections, context, typeName);
          else throw new QueryError(`Field '${edgeField.name}' doesn't exist on type '${typeName}Edge'`, "undefinedField");
        }
        return edge;
      });
    else if (field.name === "pageInfo") {
      const first = page[0];
      const lastEntry = page[page.length - 1];
      const info: Json = {
        hasNextPage,
        hasPreviousPage,
        startCursor: first ? encodeCursor(first.key[0], first.key[1]) : null,
        endCursor: lastEntry ? encodeCursor(lastEntry.key[0], lastEntry.key[1]) : null,
      };
      result[key] = pick(info, field.selections, context, "PageInfo");
    } else throw new QueryError(`Field '${field.name}' doesn't exist on type '${typeName}Connection'`, "undefinedField");
  }
  return result;
}

function pick(value: Json, selections: Selection[], context: Context, typeName: string): Json {
  const result: Json = {};
  for (const field of fieldsOf(selections, context.document, value)) {
    const key = field.alias ?? field.name;
    if (field.name === "__typename") result[key] = value.__typename ?? typeName;
    else if (!(field.name in value)) throw new QueryError(`Field '${field.name}' doesn't exist on type '${typeName}'`, "undefinedField");
    else result[key] = value[field.name];
  }
  return result;
}

const TYPE_OF_FIELD: Record<string, string> = {
  customer: "Customer",
  billingAddress: "MailingAddress",
  shippingAddress: "MailingAddress",
  lineItems: "LineItem",
  shippingLines: "ShippingLine",
  taxLines: "TaxLine",
  transactions: "OrderTransaction",
  refunds: "Refund",
  discountAllocations: "DiscountAllocation",
  discountApplication: "DiscountApplication",
  discountApplications: "DiscountApplication",
  defaultEmailAddress: "CustomerEmailAddress",
  shopMoney: "MoneyV2",
  presentmentMoney: "MoneyV2",
};

function resolveObject(value: Json | null, selections: Selection[], context: Context, typeName: string): Json | null {
  if (value === null || value === undefined) return null;
  context.actualCost += 1;
  const result: Json = {};
  for (const field of fieldsOf(selections, context.document, value)) {
    const key = field.alias ?? field.name;
    if (field.name === "__typename") {
      result[key] = value.__typename ?? typeName;
      continue;
    }
    const a = args(field, context);
    if (field.name === "metafield" && typeName === "Order") {
      const found = ((value.metafields as Json[]) ?? []).find(
        (m) => m.namespace === resolveNamespace(String(a.namespace ?? "$app")) && m.key === a.key,
      );
      result[key] = found ? resolveObject(found, field.selections, context, "Metafield") : null;
      continue;
    }
    if (!(field.name in value)) throw new QueryError(`Field '${field.name}' doesn't exist on type '${typeName}'`, "undefinedField");
    const child = value[field.name];
    const childType = TYPE_OF_FIELD[field.name] ?? (field.name.endsWith("Set") ? "MoneyBag" : "Object");
    if (field.selections.length === 0) {
      if (child !== null && typeof child === "object" && !Array.isArray(child)) {
        throw new QueryError(
          `Field must have selections (field '${field.name}' returns ${childType} but has no selections.)`,
          "selectionMismatch",
        );
      }
      result[key] = child;
    } else if (CONNECTIONS.has(field.name) && context.flattening) {
      // In a bulk query's file, a nested connection's nodes are lines of their own carrying __parentId.
      context.flattening.pending.push({
        parentId: String(value.id),
        items: child as Json[],
        selections: nodeSelections(field, context.document),
        typeName: childType,
      });
    } else if (CONNECTIONS.has(field.name)) {
      result[key] = connection(child as Json[], a, (item, index) => [String(item.id ?? index), String(index)], field, context, childType);
    } else if (Array.isArray(child)) {
      const items = LISTS_WITH_FIRST.has(field.name) && typeof a.first === "number" ? child.slice(0, a.first) : child;
      result[key] = items.map((item) => resolveObject(item as Json, field.selections, context, childType));
    } else {
      result[key] = resolveObject(child as Json | null, field.selections, context, childType);
    }
  }
  return result;
}

/** What the shop's token may read: orders older than 60 days only with read_all_orders. */
function visibleOrders(context: Context): SandboxOrder[] {
  if (!context.shop.scopes.has("read_orders") && !context.shop.scopes.has("write_orders")) {
    throw new QueryError("Access denied for orders field. Required access: `read_orders` access scope.", "ACCESS_DENIED");
  }
  if (context.shop.scopes.has("read_all_orders")) return context.shop.orders;
  const oldest = context.now.getTime() - SIXTY_DAYS_MS;
  return context.shop.orders.filter((order) => new Date(order.createdAt).getTime() >= oldest);
}

function sortedOrders(context: Context, a: Json): SandboxOrder[] {
  const sortKey = typeof a.sortKey === "string" ? a.sortKey : "PROCESSED_AT";
  const sortValue = SORT_FIELDS[sortKey];
  if (!sortValue)
    throw new QueryError(`Argument 'sortKey' on Field 'orders' has an invalid value (${sortKey}).`, "argumentLiteralsIncompatible");
  const matches = searchPredicate(typeof a.query === "string" ? a.query : null, context.now);
  const list = visibleOrders(context).filter(matches);
  const byId = (x: SandboxOrder, y: SandboxOrder) => (BigInt(x.legacyResourceId) < BigInt(y.legacyResourceId) ? -1 : 1);
  list.sort((x, y) => (sortValue(x) < sortValue(y) ? -1 : sortValue(x) > sortValue(y) ? 1 : byId(x, y)));
  if (a.reverse === true) list.reverse();
  return list;
}

function resolveNamespace(namespace: string): string {
  return namespace.replace(/^\$app/, "app--sandbox");
}

function rootQuery(field: Extract<Selection, { kind: "field" }>, context: Context): unknown {
  const a = args(field, context);
  switch (field.name) {
    case "orders":
      return connection(
        sortedOrders(context, a),
        a,
        (item) => [String(item.legacyResourceId), String(item.createdAt)],
        field,
        context,
        "Order",
      );
    case "ordersCount": {
      const count = sortedOrders(context, a).length;
      const limit = a.limit === undefined ? 10_000 : (a.limit as number | null);
      const capped = limit !== null && count > limit;
      return resolveObject({ count: capped ? limit : count, precision: capped ? "AT_LEAST" : "EXACT" }, field.selections, context, "Count");
    }
    case "order": {
      const id = String(a.id ?? "");
      const order = visibleOrders(context).find((candidate) => candidate.id === id) ?? null;
      return resolveObject(order, field.selections, context, "Order");
    }
    case "shop":
      return resolveObject(
        {
          id: `gid://shopify/Shop/${context.shop.domain.length}`,
          name: context.shop.name,
          myshopifyDomain: context.shop.domain,
          currencyCode: context.shop.currencyCode,
          ianaTimezone: context.shop.ianaTimezone,
        },
        field.selections,
        context,
        "Shop",
      );
    case "bulkOperation":
    case "node": {
      const op = context.shop.bulkOperations.find((candidate) => candidate.id === String(a.id ?? "")) ?? null;
      return op ? resolveObject(bulkView(op, context), field.selections, context, "BulkOperation") : null;
    }
    case "currentBulkOperation": {
      if (a.type !== undefined && a.type !== "QUERY") return null;
      const op = context.shop.bulkOperations[context.shop.bulkOperations.length - 1] ?? null;
      return op ? resolveObject(bulkView(op, context), field.selections, context, "BulkOperation") : null;
    }
    case "currentAppInstallation":
      return resolveObject(
        { accessScopes: [...context.shop.scopes].map((handle) => ({ handle })) },
        field.selections,
        context,
        "AppInstallation",
      );
    default:
      throw new QueryError(`Field '${field.name}' doesn't exist on type 'QueryRoot'`, "undefinedField");
  }
}

function requireWrite(context: Context, mutation: string): void {
  if (!context.shop.scopes.has("write_orders")) {
    throw new QueryError(`Access denied for ${mutation} field. Required access: \`write_orders\` access scope.`, "ACCESS_DENIED");
  }
}

function rootMutation(field: Extract<Selection, { kind: "field" }>, context: Context): unknown {
  const a = args(field, context);
  if (field.name === "tagsAdd") {
    requireWrite(context, "tagsAdd");
    const order = context.shop.orders.find((candidate) => candidate.id === a.id);
    const tags = (Array.isArray(a.tags) ? a.tags.map(String) : String(a.tags ?? "").split(",")).map((tag) => tag.trim()).filter(Boolean);
    const userErrors: Json[] = [];
    if (!order) userErrors.push({ field: ["id"], message: "Resource not found" });
    const tooLong = tags.find((tag) => tag.length > 40);
    if (tooLong) userErrors.push({ field: ["tags"], message: `Tag "${tooLong}" is longer than 40 characters` });
    if (order && userErrors.length === 0) {
      const added = tags.filter((tag) => !order.tags.includes(tag));
      if (added.length > 0) {
        order.tags.push(...added);
        order.updatedAt = context.now.toISOString().replace(/\.\d{3}Z$/, "Z");
        context.shop.writes.tags += 1;
      }
    }
    return resolveObject(
      { node: order && userErrors.length === 0 ? { id: order.id } : null, userErrors },
      field.selections,
      context,
      "TagsAddPayload",
    );
  }
  if (field.name === "metafieldsSet") {
    requireWrite(context, "metafieldsSet");
    const inputs = (a.metafields as Json[] | null) ?? [];
    const userErrors: Json[] = [];
    if (inputs.length > 25)
      userErrors.push({
        field: ["metafields"],
        message: "Exceeded the maximum metafields input limit of 25.",
        code: "LESS_THAN_OR_EQUAL_TO",
        elementIndex: null,
      });
    inputs.forEach((input, index) => {
      const order = context.shop.orders.find((candidate) => candidate.id === input.ownerId);
      if (!order)
        userErrors.push({
          field: ["metafields", String(index), "ownerId"],
          message: "Owner does not exist.",
          code: "INVALID",
          elementIndex: index,
        });
      if (typeof input.value !== "string")
        userErrors.push({
          field: ["metafields", String(index), "value"],
          message: "Value must be a string.",
          code: "INVALID_VALUE",
          elementIndex: index,
        });
    });
    const written: Json[] = [];
    if (userErrors.length === 0) {
      // Atomic: all or nothing; an upsert per (owner, namespace, key).
      for (const input of inputs) {
        const order = context.shop.orders.find((candidate) => candidate.id === input.ownerId)!;
        const namespace = resolveNamespace(String(input.namespace ?? "$app"));
        const existing = (order.metafields as Json[]).find((m) => m.namespace === namespace && m.key === input.key);
        const metafield = {
          id: existing?.id ?? `gid://shopify/Metafield/${Date.now()}${written.length}`,
          namespace,
          key: input.key,
          type: input.type,
          value: input.value,
        };
        if (!existing || existing.value !== input.value || existing.type !== input.type) {
          const list = order.metafields as Json[];
          if (existing) list[list.indexOf(existing)] = metafield;
          else list.push(metafield);
          context.shop.writes.metafields += 1;
        }
        written.push(metafield);
      }
    }
    return resolveObject(
      { metafields: userErrors.length === 0 ? written : null, userErrors },
      field.selections,
      context,
      "MetafieldsSetPayload",
    );
  }
  if (field.name === "bulkOperationRunQuery") return startBulkQuery(field, a, context);
  if (field.name === "bulkOperationCancel") {
    const op = context.shop.bulkOperations.find((candidate) => candidate.id === String(a.id ?? ""));
    const userErrors: Json[] = [];
    const status = op ? String(bulkView(op, context).status) : null;
    if (!op) userErrors.push({ field: ["id"], message: "Bulk operation does not exist" });
    else if (status !== "RUNNING" && status !== "CREATED")
      userErrors.push({ field: null, message: `A bulk operation cannot be canceled when it is ${String(status).toLowerCase()}` });
    else op.ended = { status: "CANCELED", errorCode: null, atIso: context.now.toISOString() };
    return resolveObject(
      { bulkOperation: op && userErrors.length === 0 ? bulkView(op, context) : null, userErrors },
      field.selections,
      context,
      "BulkOperationCancelPayload",
    );
  }
  throw new QueryError(`Field '${field.name}' doesn't exist on type 'Mutation'`, "undefinedField");
}

// ---- bulk operations ------------------------------------------------------------------------------

/** The selections of a connection's node (`edges { node { … } }` or `nodes { … }`). */
function nodeSelections(field: Extract<Selection, { kind: "field" }>, document: Document): Selection[] {
  for (const child of fieldsOf(field.selections, document, null)) {
    if (child.name === "nodes") return child.selections;
    if (child.name === "edges") {
      const node = fieldsOf(child.selections, document, null).find((f) => f.name === "node");
      if (node) return node.selections;
    }
  }
  throw new QueryError(`The connection '${field.name}' selects no nodes (edges { node } or nodes).`, "INVALID");
}

/** Connections in a bulk query, and how deeply they nest (Shopify: at most 5, nested at most 2 deep). */
function connectionShape(selections: Selection[], document: Document, depth = 0): { count: number; depth: number } {
  let count = 0;
  let deepest = 0;
  for (const field of fieldsOf(selections, document, null)) {
    if (field.selections.length === 0) continue;
    if (CONNECTIONS.has(field.name)) {
      const inner = connectionShape(nodeSelections(field, document), document, depth + 1);
      count += 1 + inner.count;
      deepest = Math.max(deepest, depth + 1, inner.depth);
    } else {
      const inner = connectionShape(field.selections, document, depth);
      count += inner.count;
      deepest = Math.max(deepest, inner.depth);
    }
  }
  return { count, depth: deepest };
}

function bulkView(op: SandboxBulkOperation, context: Context): Json {
  const ready = performance.now() >= op.readyAtMs;
  const status: BulkStatus = op.ended ? op.ended.status : ready ? "COMPLETED" : "RUNNING";
  const objectCount = status === "COMPLETED" ? op.lines.length : op.ended ? 0 : Math.floor(op.lines.length / 2);
  const file = status === "COMPLETED" && op.lines.length > 0;
  const index = context.shop.bulkOperations.indexOf(op);
  return {
    id: op.id,
    type: "QUERY",
    status,
    errorCode: op.ended?.errorCode ?? null,
    createdAt: op.createdAt,
    completedAt: op.ended ? op.ended.atIso : ready ? context.now.toISOString().replace(/\.\d{3}Z$/, "Z") : null,
    objectCount: String(objectCount),
    rootObjectCount: String(status === "COMPLETED" ? op.rootObjectCount : 0),
    fileSize: file ? String(op.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0)) : null,
    // Shopify's file is a signed storage URL: no access token needed to read it.
    url: file && context.bulk ? `${context.bulk.baseUrl}/__sandbox/bulk/${encodeURIComponent(context.shop.domain)}/${index}.jsonl` : null,
    partialDataUrl: null,
    query: op.query,
  };
}

function startBulkQuery(field: Extract<Selection, { kind: "field" }>, a: Json, context: Context): Json | null {
  const answer = (bulkOperation: Json | null, userErrors: Json[]) =>
    resolveObject({ bulkOperation, userErrors }, field.selections, context, "BulkOperationRunQueryPayload");
  const query = String(a.query ?? "");
  if (!context.bulk) throw new Error("bulk operations need the sandbox's run options");
  const running = context.shop.bulkOperations.filter((op) => ["CREATED", "RUNNING"].includes(String(bulkView(op, context).status)));
  if (running.length >= MAX_RUNNING_BULK_QUERIES)
    return answer(null, [
      {
        field: null,
        message: `A bulk query operation for this app and shop is already in progress (at most ${MAX_RUNNING_BULK_QUERIES}).`,
        code: "OPERATION_IN_PROGRESS",
      },
    ]);
  let document: Document;
  try {
    document = parseDocument(query);
  } catch (error) {
    return answer(null, [{ field: ["query"], message: `Invalid bulk query: ${(error as Error).message}`, code: "INVALID" }]);
  }
  const operation = document.operations[0];
  if (!operation || operation.type !== "query" || document.operations.length > 1)
    return answer(null, [{ field: ["query"], message: "Invalid bulk query: one query operation is expected", code: "INVALID" }]);
  const roots = fieldsOf(operation.selections, document, null);
  const root = roots[0];
  let shape;
  try {
    shape = connectionShape(operation.selections, document);
  } catch (error) {
    return answer(null, [{ field: ["query"], message: (error as Error).message, code: "INVALID" }]);
  }
  if (roots.length !== 1 || !root || root.name !== "orders")
    return answer(null, [{ field: ["query"], message: "Bulk queries must contain at least one connection.", code: "INVALID" }]);
  if (shape.count > 5)
    return answer(null, [{ field: ["query"], message: "Bulk queries cannot contain more than 5 connections.", code: "INVALID" }]);
  if (shape.depth > 3)
    return answer(null, [
      { field: ["query"], message: "Bulk queries cannot contain connections with a nesting depth greater than 2.", code: "INVALID" },
    ]);

  const inner: Context = { ...context, document, variables: {}, flattening: { pending: [] } };
  const rootArgs = args(root, inner);
  const orders = sortedOrders(inner, rootArgs);
  const selections = nodeSelections(root, document);
  const parents: string[] = [];
  const children: string[] = [];
  const grouped = a.groupObjects === true || context.bulk.lineOrder === "after-parent";
  const writeChildren = (into: string[]) => {
    while (inner.flattening!.pending.length > 0) {
      const { parentId, items, selections: childSelections, typeName } = inner.flattening!.pending.shift()!;
      for (const item of items) {
        const line = resolveObject(item, childSelections, inner, typeName)!;
        into.push(JSON.stringify({ ...line, __parentId: parentId }));
      }
    }
  };
  for (const order of orders) {
    parents.push(JSON.stringify(resolveObject(order, selections, inner, "Order")));
    writeChildren(grouped ? parents : children);
  }
  const op: SandboxBulkOperation = {
    id: `gid://shopify/BulkOperation/${context.shop.bulkOperations.length + 1}${context.shop.domain.length}`,
    query,
    createdAt: context.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    readyAtMs: performance.now() + context.bulk.runMs,
    ended: context.bulk.failNext
      ? { status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", atIso: context.now.toISOString().replace(/\.\d{3}Z$/, "Z") }
      : null,
    lines: [...parents, ...children],
    rootObjectCount: orders.length,
  };
  context.shop.bulkOperations.push(op);
  return answer({ ...bulkView(op, context), status: op.ended ? op.ended.status : "CREATED" }, []);
}

export interface Execution {
  data: Json | null;
  errors: GraphqlError[];
  actualCost: number;
}

export function parse(query: string): Document {
  return parseDocument(query);
}

/** Runs the operation; a field error empties the whole answer (as Shopify's validation does before running). */
export function execute(
  document: Document,
  operationName: string | null,
  variables: Json,
  shop: SandboxShop,
  now: Date,
  bulk: BulkRunOptions | null = null,
): Execution {
  const operation = pickOperation(document, operationName);
  const context: Context = {
    document,
    variables: withVariableDefaults(operation, variables),
    shop,
    now,
    actualCost: 0,
    errors: [],
    bulk,
    flattening: null,
  };
  const data: Json = {};
  try {
    for (const field of fieldsOf(operation.selections, document, null)) {
      data[field.alias ?? field.name] = operation.type === "query" ? rootQuery(field, context) : rootMutation(field, context);
      if (operation.type === "mutation") context.actualCost += 10;
    }
  } catch (error) {
    if (error instanceof QueryError)
      return { data: null, errors: [{ message: error.message, extensions: { code: error.code } }], actualCost: 0 };
    throw error;
  }
  return { data, errors: context.errors, actualCost: context.actualCost };
}
