/** Response values, FreshBooks envelopes and request parsing shared by the sandbox handlers. */
import type { IncomingMessage } from "node:http";

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is (HTML); anything else as JSON. */
  body: unknown;
}

export interface ClassicErrorItem {
  errno: number;
  message: string;
  field?: string;
  object?: string;
  value?: string;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SandboxResponse {
  return { status, body, headers };
}

export function html(status: number, body: string, headers?: Record<string, string>): SandboxResponse {
  return { status, body, headers: { "content-type": "text/html; charset=utf-8", ...headers } };
}

export function result(key: string, value: unknown, status = 200): SandboxResponse {
  return json(status, { response: { result: { [key]: value } } });
}

export function classicError(status: number, ...errors: ClassicErrorItem[]): SandboxResponse {
  return json(status, { response: { errors } });
}

export function isClassicError(body: unknown): body is { response: { errors: ClassicErrorItem[] } } {
  if (typeof body !== "object" || body === null || !("response" in body)) return false;
  const response = body.response;
  return typeof response === "object" && response !== null && "errors" in response && Array.isArray(response.errors);
}

/** gRPC status codes used by FreshBooks' newer error format, by HTTP status. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 422: 3, 429: 8 };

/** The newer error format: `{code, message, details:[ErrorInfo]}` (docs/freshbooks-api.md §8). */
export function toNewFormat(status: number, errors: readonly ClassicErrorItem[]): unknown {
  return {
    code: GRPC_CODE[status] ?? 13,
    message: `Request failed with status_code: ${status}`,
    details: errors.map((error) => ({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: String(error.errno),
      domain: "accounting.api.freshbooks.com",
      metadata: {
        object: error.object ?? "",
        message: error.message,
        value: error.value ?? "",
        field: error.field ?? "",
      },
    })),
  };
}

export function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description });
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const PARSE_ERROR = classicError(400, { errno: 1005, message: "The request body could not be parsed." });

/** Parses a `{"<root>":{…}}` JSON body; a parse error or a missing root is errno 1005. */
export function parseRoot(raw: string, root: string): JsonObject | SandboxResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return PARSE_ERROR;
  }
  if (!isObject(parsed) || !isObject(parsed[root])) {
    return classicError(400, { errno: 1005, message: `The request body must contain a "${root}" object.`, object: root });
  }
  return parsed[root];
}

export function isResponse(value: unknown): value is SandboxResponse {
  return isObject(value) && typeof value.status === "number" && "body" in value;
}

/** `YYYY-MM-DD HH:MM:SS` in US/Eastern, as FreshBooks writes `updated`/`created_at`. */
export function easternTimestamp(date: Date): string {
  return formatIn(date, "America/New_York");
}

export function utcTimestamp(date: Date): string {
  return formatIn(date, "UTC");
}

export function easternDate(date: Date): string {
  return easternTimestamp(date).slice(0, 10);
}

function formatIn(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  perPage: number;
  total: number;
}

/**
 * Paging per docs/freshbooks-api.md §3: per_page silently capped at 100, page 0 ⇒ 1, a non-integer page is an
 * error (errno 1014; per_page errno 1013), past the end ⇒ empty. Default per_page 15 — the
 * FreshBooks default is UNCONFIRMED (30 in SDK examples); the smaller value makes a client that
 * forgets per_page notice paging sooner.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams): Page<T> | SandboxResponse {
  const pageText = query.get("page");
  const perPageText = query.get("per_page");
  if (pageText !== null && !/^\d+$/.test(pageText)) {
    return classicError(400, { errno: 1014, field: "page", message: "Invalid page.", value: pageText });
  }
  if (perPageText !== null && !/^\d+$/.test(perPageText)) {
    return classicError(400, { errno: 1013, field: "per_page", message: "Invalid per_page.", value: perPageText });
  }
  const page = Math.max(1, Number(pageText ?? "1"));
  const perPage = Math.min(100, Math.max(1, Number(perPageText ?? "15")));
  const total = items.length;
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    page,
    // 0 for an empty list, as recorded; the `emptyLists: pages-1` dialect writes 1 (dialect.ts).
    pages: Math.ceil(total / perPage),
    perPage,
    total,
  };
}

export function listResult<T>(plural: string, page: Page<T>, render: (item: T) => unknown): SandboxResponse {
  return json(200, {
    response: {
      result: {
        [plural]: page.items.map(render),
        page: page.page,
        pages: page.pages,
        per_page: page.perPage,
        total: page.total,
      },
    },
  });
}

export function includes(query: URLSearchParams): Set<string> {
  return new Set([...query.getAll("include[]"), ...query.getAll("include")]);
}

export function notFound(object: string, field: string, value: string, label: string): SandboxResponse {
  return classicError(404, { errno: 1012, field, message: `${label} not found.`, object, value });
}
