import type { PrismaClient } from "@prisma/client";
import { withAdvisoryLock } from "../db/advisory-lock.server";
import type { FreshBooksClient } from "../freshbooks/client.server";
import { FreshBooksClientLimitError, FreshBooksNotFoundError, FreshBooksRateLimitError } from "../freshbooks/errors";
import type { Client } from "../freshbooks/types";
import type { Settings } from "../models/settings.server";
import { lookUpClient, prepareDirectory, recordCreateIntent, rememberClient, closeCreateIntent } from "./client-directory.server";
import type { MappedCustomer } from "./mapping";

export const FALLBACK_KEY = "fallback";
export const SHARED_KEY = "shared";

export interface ClientRequest {
  shop: string;
  accountId: string;
  customer: MappedCustomer | null;
  settings: Settings;
  currency: string;
}

/** The mapping keys of an order's buyer, most specific first (customer id, then email). */
function mappingKeys(input: ClientRequest): string[] {
  if (input.settings.clientStrategy === "shared") return [SHARED_KEY];
  if (!input.customer) return [FALLBACK_KEY];
  const { key, emailKey } = input.customer;
  return emailKey && emailKey !== key ? [key, emailKey] : [key];
}

/** The shop's one client for orders without a buyer of their own (guests, POS, "shared"). */
function usesSharedClient(input: ClientRequest): boolean {
  return input.settings.clientStrategy === "shared" || !input.customer;
}

/**
 * The FreshBooks client for an order, never duplicated: our mapping first; else an exact email
 * search (deleted clients included, restored rather than duplicated), or for the shop's shared
 * client an exact organization search; else create. Serialized per shop + buyer with an
 * advisory lock whose key is the email when there is one, so a guest checkout and a logged-in
 * order with the same email at once take the same lock and end with one client, mapped under
 * both keys (customer id and email).
 */
export async function ensureClient(db: PrismaClient, fb: FreshBooksClient, input: ClientRequest): Promise<number> {
  const keys = mappingKeys(input);
  const scope = { shop: input.shop, accountId: input.accountId };
  const [primary] = keys;
  const known = await db.clientMapping.findUnique({
    where: { shop_accountId_customerKey: { ...scope, customerKey: primary ?? FALLBACK_KEY } },
  });
  if (known) return known.freshbooksClientId;

  const lockKey = input.customer?.emailKey && !usesSharedClient(input) ? input.customer.emailKey : (primary ?? FALLBACK_KEY);
  // A buyer with an email is looked up in the directory of the business's clients (imported,
  // kept fresh) instead of two searches; it is made ready before the buyer's lock is taken.
  const email = !usesSharedClient(input) ? (input.customer?.email ?? null) : null;
  const prepared = email ? await prepareDirectory(db, fb, scope) : false;
  // Serialized per shop + account + buyer; the lock waits on a connection of its own.
  return withAdvisoryLock(`client|${input.shop}|${input.accountId}|${lockKey}`, async () => {
    const mapped = await db.clientMapping.findMany({ where: { ...scope, customerKey: { in: keys } } });
    let clientId = keys.map((key) => mapped.find((row) => row.customerKey === key)).find((row) => row !== undefined)?.freshbooksClientId;
    clientId ??= email ? await fromDirectory(db, fb, input, email, prepared) : await findOrCreate(fb, input);
    await db.clientMapping.createMany({
      data: keys.map((customerKey) => ({ ...scope, customerKey, freshbooksClientId: clientId })),
      skipDuplicates: true,
    });
    return clientId;
  });
}

/**
 * FreshBooks may create a client beyond the plan's limit and flag it (`exceeds_client_limit`,
 * docs/freshbooks-api.md §14.2) instead of refusing it. Such a client is not mapped, so the
 * next attempt reads the flag again and goes on once the plan allows it.
 */
function refuseIfOverLimit(client: Client): number {
  if (client.exceeds_client_limit === 1 || client.exceeds_client_limit === true) {
    throw new FreshBooksClientLimitError("FreshBooks marks this customer's client as beyond your plan's client limit.", null);
  }
  return client.id;
}

async function findOrCreate(fb: FreshBooksClient, input: ClientRequest): Promise<number> {
  const shared = usesSharedClient(input);
  const found = shared
    ? await fb.clients.findByOrganization(input.settings.fallbackClientName)
    : input.customer?.email
      ? await fb.clients.findByEmail(input.customer.email)
      : null;
  if (found) {
    if (found.vis_state !== 0) return refuseIfOverLimit(await fb.clients.restore(found.id));
    return refuseIfOverLimit(found);
  }
  const created = await fb.clients.create(
    shared || !input.customer ? { organization: input.settings.fallbackClientName, currency_code: input.currency } : input.customer.client,
  );
  return refuseIfOverLimit(created);
}

/**
 * A buyer with an email: the directory says whether FreshBooks has their client (restored when
 * deleted or archived) or not (created, the intent recorded first); when it cannot tell (an
 * earlier create may have succeeded unanswered, a business too large to import) FreshBooks is
 * searched as before. Whatever FreshBooks answers goes into the directory.
 */
async function fromDirectory(
  db: PrismaClient,
  fb: FreshBooksClient,
  input: ClientRequest,
  email: string,
  prepared: boolean,
): Promise<number> {
  const scope = { shop: input.shop, accountId: input.accountId };
  const answer = await lookUpClient(db, scope, email, prepared);
  if (answer.kind === "found") {
    if (answer.client.visState === 0) return answer.client.id;
    const restored = await fb.clients.restore(answer.client.id);
    await rememberClient(db, scope, restored, email);
    return refuseIfOverLimit(restored);
  }
  if (answer.kind === "search") {
    const found = await fb.clients.findByEmail(email);
    if (found) {
      const client = found.vis_state !== 0 ? await fb.clients.restore(found.id) : found;
      await rememberClient(db, scope, client, email);
      return refuseIfOverLimit(client);
    }
  }
  const fresh = await recordCreateIntent(db, scope, email);
  let created;
  try {
    created = await fb.clients.create(input.customer?.client ?? { email });
  } catch (error) {
    // A 429 is FreshBooks refusing before doing anything: nothing to look for next time.
    if (fresh && error instanceof FreshBooksRateLimitError) await closeCreateIntent(db, scope, email);
    throw error;
  }
  await rememberClient(db, scope, created, email);
  return refuseIfOverLimit(created);
}

/**
 * FreshBooks refused an invoice because its client is deleted or unknown (the merchant deleted
 * it in FreshBooks). Restore it (docs/freshbooks-api.md §4: vis_state 0) so the customer keeps one client; if it
 * is gone for good, forget every mapping to it and resolve the client again.
 */
export async function recoverClient(db: PrismaClient, fb: FreshBooksClient, input: ClientRequest, staleId: number): Promise<number> {
  try {
    await fb.clients.restore(staleId);
    return staleId;
  } catch (error) {
    if (!(error instanceof FreshBooksNotFoundError)) throw error;
  }
  await db.clientMapping.deleteMany({ where: { shop: input.shop, accountId: input.accountId, freshbooksClientId: staleId } });
  await db.freshbooksClientDirectory.deleteMany({ where: { shop: input.shop, accountId: input.accountId, clientId: staleId } });
  return ensureClient(db, fb, input);
}
