import type { PrismaClient } from "@prisma/client";
import { withAdvisoryLock } from "../db/advisory-lock.server";
import { env } from "../env.server";
import type { FreshBooksClient } from "../freshbooks/client.server";
import type { Client } from "../freshbooks/types";

/**
 * The directory of the business's FreshBooks clients, by email, in Postgres
 * (docs/decisions/0015-performance.md). A new customer is looked up here instead of FreshBooks'
 * two email searches (active, then deleted clients), so they cost a create and their invoice.
 *
 * - Imported in full the first time a shop's account needs it (the default list, then the
 *   deleted clients the default list hides; 100 per call).
 * - Brought up to date before a lookup when older than CLIENT_DIRECTORY_FRESH_MS: the clients
 *   updated since the day before the last refresh (`search[updated_min]` is day-granular, and
 *   `updated` is US/Eastern, so the delta starts a day early), active and deleted: two calls.
 * - Every client this app creates or restores is written to it at once.
 * - A client create is recorded as an intent before it is sent; while an intent is open for an
 *   email, the order searches FreshBooks itself (its create may have succeeded unanswered).
 */
const DAY_MS = 86_400_000;
/** A business with more clients than this is not imported (the searches are used instead). */
const MAX_IMPORT_PAGES = 200;

type Scope = { shop: string; accountId: string };

/** The directory's vis_state for a client FreshBooks flags beyond the plan's client limit. */
const FLAGGED = -1;

export const emailKey = (email: string) => email.trim().toLowerCase();

/** A date as FreshBooks' US/Eastern `updated` day (`YYYY-MM-DD`). */
function easternDay(at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

async function record(db: PrismaClient, scope: Scope, clients: Client[]): Promise<void> {
  // A client FreshBooks flags beyond the plan's client limit is kept as FLAGGED: its email is
  // known (never created twice), and each lookup searches FreshBooks to read the flag again.
  const flagged = (client: Client) => client.exceeds_client_limit === 1 || client.exceeds_client_limit === true;
  const rows = clients.flatMap((client) =>
    client.email
      ? [{ ...scope, clientId: client.id, email: emailKey(client.email), visState: flagged(client) ? FLAGGED : (client.vis_state ?? 0) }]
      : [],
  );
  if (rows.length === 0) return;
  // One statement: insert or update each (a refresh may carry a client already known).
  await db.$executeRaw`
    insert into freshbooks_client_directory (shop, account_id, client_id, email, vis_state)
    select ${scope.shop}, ${scope.accountId}, r.client_id, r.email, r.vis_state
    from unnest(${rows.map((row) => row.clientId)}::int[], ${rows.map((row) => row.email)}::text[], ${rows.map((row) => row.visState)}::int[]) as r(client_id, email, vis_state)
    on conflict (shop, account_id, client_id) do update set email = excluded.email, vis_state = excluded.vis_state`;
}

/** Reads every page of one list into the directory; false when the business is too large to import. */
async function readAll(
  db: PrismaClient,
  fb: FreshBooksClient,
  scope: Scope,
  query: { visState?: 1; updatedMin?: string },
): Promise<boolean> {
  for (let page = 1; page <= MAX_IMPORT_PAGES; page++) {
    const { items, pages } = await fb.clients.list({ ...query, page });
    await record(db, scope, items);
    if (page >= pages || items.length === 0) return true;
  }
  return false;
}

/**
 * Brings the directory up to date unless it is fresh; false when it cannot be used (too large
 * to import). Serialized per shop and account: concurrent orders wait for one refresh.
 */
async function ensureFresh(db: PrismaClient, fb: FreshBooksClient, scope: Scope): Promise<boolean> {
  // true: fresh; false: too large (checked again a day later); else the state to refresh from.
  const fresh = async () => {
    const state = await db.freshbooksClientDirectoryState.findUnique({ where: { shop_accountId: scope } });
    const age = state ? Date.now() - state.refreshedAt.getTime() : Infinity;
    if (state?.tooLarge) return age < DAY_MS ? false : null;
    return age < env.CLIENT_DIRECTORY_FRESH_MS ? true : state;
  };
  const now = await fresh();
  if (typeof now === "boolean") return now;
  return withAdvisoryLock(`client-directory|${scope.shop}|${scope.accountId}`, async () => {
    const state = await fresh();
    if (typeof state === "boolean") return state;
    const startedAt = new Date();
    const updatedMin = state ? easternDay(new Date(state.refreshedAt.getTime() - DAY_MS)) : undefined;
    let tooLarge = false;
    for (const visState of [undefined, 1] as const) {
      if (!(await readAll(db, fb, scope, { visState, updatedMin }))) tooLarge = true;
      if (tooLarge) break;
    }
    await db.freshbooksClientDirectoryState.upsert({
      where: { shop_accountId: scope },
      create: { ...scope, refreshedAt: startedAt, tooLarge },
      update: { refreshedAt: startedAt, tooLarge },
    });
    return !tooLarge;
  });
}

export type DirectoryAnswer = { kind: "found"; client: { id: number; visState: number } } | { kind: "absent" } | { kind: "search" };

/**
 * Makes the directory usable for a lookup (imported, fresh): called before the buyer's lock is
 * taken, so the two locks are never held together. False: the business is too large to import.
 */
export async function prepareDirectory(db: PrismaClient, fb: FreshBooksClient, scope: Scope): Promise<boolean> {
  return ensureFresh(db, fb, scope);
}

/** Active first, then archived, then deleted (a default search finds active and archived first). */
const PREFERENCE = (visState: number) => (visState === 0 ? 0 : visState === 2 ? 1 : 2);

/**
 * The client with this email as the directory knows it, "absent" when there is none, or
 * "search" when FreshBooks itself must be searched: a create for this email may have succeeded
 * unanswered, or the directory could not be prepared.
 */
export async function lookUpClient(db: PrismaClient, scope: Scope, email: string, prepared: boolean): Promise<DirectoryAnswer> {
  if (!prepared) return { kind: "search" };
  const key = emailKey(email);
  const intent = await db.freshbooksClientIntent.findUnique({ where: { shop_accountId_email: { ...scope, email: key } } });
  if (intent) return { kind: "search" };
  const rows = await db.freshbooksClientDirectory.findMany({ where: { ...scope, email: key } });
  rows.sort((a, b) => PREFERENCE(a.visState) - PREFERENCE(b.visState) || a.clientId - b.clientId);
  const row = rows[0];
  if (row?.visState === FLAGGED) return { kind: "search" };
  return row ? { kind: "found", client: { id: row.clientId, visState: row.visState } } : { kind: "absent" };
}

/**
 * Before a client create is sent: an intent the next attempt finds if the answer is lost. True
 * when this call recorded it (no earlier create of this email was left unanswered).
 */
export async function recordCreateIntent(db: PrismaClient, scope: Scope, email: string): Promise<boolean> {
  const created = await db.$executeRaw`
    insert into freshbooks_client_intent (shop, account_id, email) values (${scope.shop}, ${scope.accountId}, ${emailKey(email)})
    on conflict (shop, account_id, email) do nothing`;
  return created > 0;
}

/**
 * The intent goes: FreshBooks answered with the client, or refused the create before making
 * anything (a 429, for an intent this attempt recorded).
 */
export async function closeCreateIntent(db: PrismaClient, scope: Scope, email: string): Promise<void> {
  await db.freshbooksClientIntent.deleteMany({ where: { ...scope, email: emailKey(email) } });
}

/** A client FreshBooks answered with (created, restored or found): known, and any intent for its email closed. */
export async function rememberClient(db: PrismaClient, scope: Scope, client: Client, email: string | null): Promise<void> {
  await record(db, scope, [{ ...client, email: client.email || (email ?? undefined) }]);
  if (email) await closeCreateIntent(db, scope, email);
}
