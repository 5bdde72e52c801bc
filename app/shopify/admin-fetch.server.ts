/**
 * The one seam between the Shopify library and the network for Admin API calls. The library
 * builds every Admin client with `customFetchApi: abstractFetch` from @shopify/shopify-api's
 * runtime (a live binding read each time a client is built), so replacing that function is how
 * Shopify's own test set-ups reach a fake. In development, tests, the demo and the benches
 * (SHOPIFY_ADMIN_API_URL set; in production only a sandbox on this machine) requests for https://<shop>/admin/… are sent
 * to the Shopify Admin sandbox with the shop in X-Forwarded-Host; nothing else changes: the
 * request, its headers, the client's parsing, errors and retries are the library's own.
 */
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { env } from "../env.server";

/** The fetch the process had when this module loaded (Node's own). */
const networkFetch: typeof fetch = globalThis.fetch.bind(globalThis);

function targetOf(input: Parameters<typeof fetch>[0]): URL {
  if (typeof input === "string") return new URL(input);
  if (input instanceof URL) return input;
  return new URL(input.url);
}

/** Where a request of the library goes: unchanged, unless a sandbox is configured and it is an Admin API path. */
export function rewriteForSandbox(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  sandbox: string | undefined,
): { url: string; init: RequestInit | undefined } | null {
  if (!sandbox) return null;
  const target = targetOf(input);
  if (!target.pathname.startsWith("/admin/")) return null;
  const rewritten = new URL(`${target.pathname}${target.search}`, sandbox);
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set("x-forwarded-host", target.host);
  return { url: rewritten.toString(), init: { ...init, headers } };
}

export function installAdminApiFetch(): void {
  setAbstractFetchFunc(async (input, init) => {
    const rewritten = rewriteForSandbox(input, init, env.SHOPIFY_ADMIN_API_URL);
    if (!rewritten) return networkFetch(input, init);
    if (input instanceof Request && !init) {
      return networkFetch(new Request(rewritten.url, { method: input.method, body: await input.text(), headers: rewritten.init?.headers }));
    }
    return networkFetch(rewritten.url, rewritten.init);
  });
}
