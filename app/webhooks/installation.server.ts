import { pool } from "../db.server";
import { env } from "../env.server";
import { offlineSessionId } from "./validate.server";

/**
 * Is the app installed in this shop (does it hold the shop's offline session)? Asked by the
 * topics that need it (orders/create: an order of a shop without an installation is dropped),
 * never by the others. A yes is remembered for INSTALLATION_CACHE_TTL_MS (5 s in production, so a
 * flash sale asks once per process and shop, not once per delivery); a no is never remembered (a
 * fresh install's first order must not be dropped). app/uninstalled forgets the shop at once in
 * its own process; another web process may take the shop's orders for up to the TTL after an
 * uninstall (Shopify stops sending them anyway); such an order waits like every order of an
 * uninstalled shop (syncing is paused) until a reinstall or shop/redact.
 */
const installed = new Map<string, number>();

export async function isInstalled(shop: string, { now = performance.now(), ttlMs = env.INSTALLATION_CACHE_TTL_MS } = {}): Promise<boolean> {
  const until = installed.get(shop);
  if (until !== undefined && until > now) return true;
  const { rowCount } = await pool.query({
    name: "webhook-installation",
    text: 'select 1 from "Session" where id = $1',
    values: [offlineSessionId(shop)],
  });
  const yes = (rowCount ?? 0) > 0;
  if (yes && ttlMs > 0) installed.set(shop, now + ttlMs);
  else installed.delete(shop);
  return yes;
}

/** Called when the shop's sessions are deleted (app/uninstalled, shop/redact). */
export function forgetInstallation(shop: string): void {
  installed.delete(shop);
}
