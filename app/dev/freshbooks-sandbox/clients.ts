/** Clients: /accounting/account/{account_id}/users/clients (docs/freshbooks-api.md §4). */
import type { SandboxContext } from "./context";
import {
  classicError,
  easternTimestamp,
  includes,
  isResponse,
  listResult,
  notFound,
  paginate,
  parseRoot,
  result,
  utcTimestamp,
  type ClassicErrorItem,
  type JsonObject,
  type SandboxResponse,
} from "./http";
import type { AccountData, ClientFields, ClientRecord } from "./state";

export const CLIENT_TEXT_FIELDS = [
  "fname",
  "lname",
  "email",
  "organization",
  "bus_phone",
  "mob_phone",
  "home_phone",
  "fax",
  "p_street",
  "p_street2",
  "p_city",
  "p_province",
  "p_code",
  "p_country",
  "s_street",
  "s_street2",
  "s_city",
  "s_province",
  "s_code",
  "s_country",
  "currency_code",
  "language",
  "vat_name",
  "vat_number",
  "note",
  "username",
] as const;

/**
 * Field max lengths are UNCONFIRMED (docs/freshbooks-api.md §4). The sandbox enforces 255 characters on every
 * text field except `note` (4000) with errno 1017 MaxLengthExceeded.
 */
const MAX_LENGTH = 255;
const NOTE_MAX_LENGTH = 4000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The plan cap (e.g. Lite = 5 clients). FreshBooks' answer is UNCONFIRMED: our API notes document
 * no error for it. Most likely reading: the cap is a permission (users/me lists it as
 * `permissions[account_id]["client.limit"]`, docs/freshbooks-api.md §2), so exceeding it is errno 1003
 * AccessDenied with its documented text (docs/freshbooks-api.md §8, FB:errors), as a 403 (authenticated but not
 * allowed; nothing in the request is wrong, retrying cannot help). Clients should key on the
 * errno, never on this prose.
 */
export const CLIENT_LIMIT_MESSAGE = "You do not have access to perform the action requested.";
// With the `flag` client-limit dialect (docs/freshbooks-api.md §14.2) the client is created instead,
// with `exceeds_client_limit: 1` (live clients carry this undocumented field as 0).

export interface AccountScope {
  context: SandboxContext;
  accountId: string;
  data: AccountData;
}

/**
 * `flag` dialect: a client created or restored beyond the limit stays flagged while the account
 * holds more clients than the plan allows (raising the limit clears it, as an upgrade would).
 */
function flagged(scope: AccountScope, client: ClientRecord): boolean {
  const limit = scope.context.config.clientLimit;
  return client.exceedsClientLimit === true && limit !== null && activeCount(scope.data) > limit;
}

export function renderClient(client: ClientRecord, accountId: string, include: Set<string>, overLimit = false): JsonObject {
  const fields = Object.fromEntries(CLIENT_TEXT_FIELDS.map((name) => [name, client.fields[name] ?? ""]));
  const rendered: JsonObject = {
    ...fields,
    id: client.id,
    userid: client.id,
    accounting_systemid: accountId,
    currency_code: client.fields.currency_code ?? "USD",
    language: client.fields.language ?? "en",
    note: client.fields.note ?? null,
    signup_date: client.signupDate,
    updated: client.updated,
    vis_state: client.visState,
    role: "client",
    level: 0,
    num_logins: 0,
    last_login: null,
    uuid: client.uuid,
    exceeds_client_limit: overLimit ? 1 : 0,
    statement_token: null,
    direct_link_token: null,
  };
  if (include.has("outstanding_balance")) rendered.outstanding_balance = [];
  return rendered;
}

function validateFields(input: JsonObject): { fields: ClientFields; errors: ClassicErrorItem[] } {
  const fields: ClientFields = {};
  const errors: ClassicErrorItem[] = [];
  for (const name of CLIENT_TEXT_FIELDS) {
    if (!(name in input)) continue;
    const value = input[name];
    if (value !== null && typeof value !== "string") {
      errors.push({ errno: 1004, field: name, message: `Invalid value for field ${name}.`, object: "client", value: String(value) });
      continue;
    }
    const limit = name === "note" ? NOTE_MAX_LENGTH : MAX_LENGTH;
    if (value !== null && value.length > limit) {
      errors.push({ errno: 1017, field: name, message: "The request, or a line in the request, was too long.", object: "client", value });
      continue;
    }
    if (name === "email" && value && !EMAIL.test(value)) {
      errors.push({ errno: 1004, field: "email", message: "Please enter a valid email address.", object: "client", value });
      continue;
    }
    fields[name] = value;
  }
  return { fields, errors };
}

function activeCount(data: AccountData): number {
  return [...data.clients.values()].filter((client) => client.visState !== 1).length;
}

function limitReached(scope: AccountScope): boolean {
  const limit = scope.context.config.clientLimit;
  return limit !== null && activeCount(scope.data) >= limit;
}

const LIMIT_ERROR = classicError(403, { errno: 1003, object: "client", message: CLIENT_LIMIT_MESSAGE });

export function listClients(scope: AccountScope, query: URLSearchParams): SandboxResponse {
  // Filters implemented: email (Equals), vis_state, userid, userids[], updated_min (Between's
  // min, day-granular on the US/Eastern `updated` date, docs/freshbooks-api.md §3); any other
  // search[...] key is silently ignored, as docs/freshbooks-api.md §3 warns FreshBooks may do.
  const updatedMin = query.get("search[updated_min]");
  const email = query.get("search[email]");
  const visState = query.get("search[vis_state]");
  const userid = query.get("search[userid]");
  const userids = query.getAll("search[userids][]");
  const clients = [...scope.data.clients.values()].filter((client) => {
    if (visState !== null ? String(client.visState) !== visState : client.visState === 1) return false;
    if (email !== null && client.fields.email !== email) return false;
    if (userid !== null && String(client.id) !== userid) return false;
    if (userids.length > 0 && !userids.includes(String(client.id))) return false;
    if (updatedMin !== null && client.updated.slice(0, 10) < updatedMin) return false;
    return true;
  });
  const page = paginate(clients, query);
  if (isResponse(page)) return page;
  const include = includes(query);
  return listResult("clients", page, (client) => renderClient(client, scope.accountId, include, flagged(scope, client)));
}

export function getClient(scope: AccountScope, id: string, query: URLSearchParams): SandboxResponse {
  const client = scope.data.clients.get(Number(id));
  if (!client) return notFound("client", "userid", id, "Client");
  return result("client", renderClient(client, scope.accountId, includes(query), flagged(scope, client)));
}

export function createClient(scope: AccountScope, raw: string): SandboxResponse {
  const input = parseRoot(raw, "client");
  if (isResponse(input)) return input;
  const { fields, errors } = validateFields(input);
  if (errors.length > 0) return classicError(422, ...errors);
  if (!["fname", "lname", "email", "organization"].some((name) => (fields[name] ?? "").trim() !== "")) {
    return classicError(422, {
      errno: 7012,
      field: "fname",
      object: "client",
      message: "At least one field among fname, lname, email and organization is required.",
      value: "",
    });
  }
  const overLimit = limitReached(scope);
  if (overLimit && scope.context.config.dialect.clientLimit === "refuse") return LIMIT_ERROR;
  const now = scope.context.clock.now();
  const id = scope.context.data.ids.client.take();
  const client: ClientRecord = {
    id,
    fields,
    visState: 0,
    signupDate: utcTimestamp(now),
    updated: easternTimestamp(now),
    uuid: `00000000-0000-4000-9000-${String(id).padStart(12, "0")}`,
    ...(overLimit ? { exceedsClientLimit: true } : {}),
  };
  scope.data.clients.set(id, client);
  return result("client", renderClient(client, scope.accountId, new Set(), flagged(scope, client)));
}

/**
 * PUT: only the keys sent change. Update-phase rule (docs/freshbooks-api.md §3): a body with `vis_state` only
 * changes the visibility and silently drops every other field.
 */
export function updateClient(scope: AccountScope, id: string, raw: string): SandboxResponse {
  const client = scope.data.clients.get(Number(id));
  if (!client) return notFound("client", "userid", id, "Client");
  const input = parseRoot(raw, "client");
  if (isResponse(input)) return input;
  const now = easternTimestamp(scope.context.clock.now());
  if ("vis_state" in input) {
    const visState = input.vis_state;
    if (visState !== 0 && visState !== 1 && visState !== 2) {
      return classicError(422, {
        errno: 1004,
        field: "vis_state",
        object: "client",
        message: "Invalid value for field vis_state.",
        value: String(visState),
      });
    }
    // Restoring a deleted client counts against the plan cap like a new one (stricter choice).
    if (client.visState === 1 && visState !== 1 && limitReached(scope)) {
      if (scope.context.config.dialect.clientLimit === "refuse") return LIMIT_ERROR;
      client.exceedsClientLimit = true;
    }
    client.visState = visState;
    client.updated = now;
    return result("client", renderClient(client, scope.accountId, new Set(), flagged(scope, client)));
  }
  const { fields, errors } = validateFields(input);
  if (errors.length > 0) return classicError(422, ...errors);
  client.fields = { ...client.fields, ...fields };
  client.updated = now;
  return result("client", renderClient(client, scope.accountId, new Set(), flagged(scope, client)));
}
