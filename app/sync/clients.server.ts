import type { PrismaClient } from "@prisma/client";
import { withAdvisoryLock } from "../db/advisory-lock.server";
import type { FreshBooksClient } from "../freshbooks/client.server";
import type { Settings } from "../models/settings.server";
import type { MappedCustomer } from "./mapping";

export const FALLBACK_KEY = "fallback";
export const SHARED_KEY = "shared";

/**
 * The FreshBooks client for an order, never duplicated: our mapping first; else an exact email
 * search (deleted clients included, restored rather than duplicated); else create. Serialized per
 * shop + customer with a transaction-scoped advisory lock, so two orders from the same new
 * customer processed at once create one client. Orders without a usable identity (guest, POS)
 * and the "one shared client" setting use one per-shop client.
 */
export async function ensureClient(
  db: PrismaClient,
  fb: FreshBooksClient,
  input: { shop: string; accountId: string; customer: MappedCustomer | null; settings: Settings; currency: string },
): Promise<number> {
  const shared = input.settings.clientStrategy === "shared";
  const key = shared ? SHARED_KEY : (input.customer?.key ?? FALLBACK_KEY);
  const mappingKey = { shop: input.shop, accountId: input.accountId, customerKey: key };

  const known = await db.clientMapping.findUnique({ where: { shop_accountId_customerKey: mappingKey } });
  if (known) return known.freshbooksClientId;

  // Serialized per shop + account + customer; the lock waits on a connection of its own.
  return withAdvisoryLock(`client|${input.shop}|${input.accountId}|${key}`, async () => {
    const again = await db.clientMapping.findUnique({ where: { shop_accountId_customerKey: mappingKey } });
    if (again) return again.freshbooksClientId;

    let clientId: number | undefined;
    if (!shared && input.customer?.email) {
      const found = await fb.clients.findByEmail(input.customer.email);
      if (found) {
        if (found.vis_state !== 0) await fb.clients.restore(found.id);
        clientId = found.id;
      }
    }
    if (clientId === undefined) {
      const created = await fb.clients.create(
        shared || !input.customer
          ? { organization: input.settings.fallbackClientName, currency_code: input.currency }
          : input.customer.client,
      );
      clientId = created.id;
    }
    await db.clientMapping.create({ data: { ...mappingKey, freshbooksClientId: clientId } });
    return clientId;
  });
}
