import { readFile } from "node:fs/promises";
import path from "node:path";
import { bundleExtension } from "../../bin/extension-bundle.server";
import prisma from "../../db.server";
import { DEMO_PATHS, DEMO_SHOP } from "./constants";
import { requireDemoMode } from "./gate.server";

/**
 * The demo's stand-in for Shopify's order page (`/demo/order`): the order's summary with the
 * app's FreshBooks block in the side column, as the admin shows admin blocks. The block is the
 * real extension (extensions/freshbooks-order-block), bundled as the Shopify CLI bundles it and
 * run in its own frame (the admin runs extensions apart from the page) with a small stand-in for
 * the `shopify` global; its fetch reaches the app's real backend with a real session token for
 * the demo shop. Demo mode only (404 otherwise), never in production.
 */
export const DEMO_ORDER_PATHS = { page: DEMO_PATHS.orderPage, blockScript: DEMO_PATHS.orderBlockScript } as const;

const BLOCK_DIR = path.resolve("extensions/freshbooks-order-block");
const BLOCK_TARGET = "admin.order-details.block.render";

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside a <script>: nothing in it can close the tag. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const html = (body: string) => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });

/** The most recent demo order in each state: the page's switcher. */
async function ordersByState() {
  return prisma.$queryRaw<{ order_id: string; order_name: string; status: string }[]>`
    select distinct on (status) order_id, order_name, status from order_sync
    where shop = ${DEMO_SHOP} order by status, created_at desc`;
}

/** `/demo/order?order=<Shopify order id>` (the latest order when none is given); `&frame=block` is the block's frame. */
export async function demoOrderPage(url: URL): Promise<Response> {
  requireDemoMode();
  const wanted = url.searchParams.get("order");
  const order = await prisma.orderSync.findFirst({
    where: { shop: DEMO_SHOP, ...(wanted && /^\d{1,20}$/.test(wanted) ? { orderId: wanted } : {}) },
    orderBy: { createdAt: "desc" },
  });
  if (url.searchParams.get("frame") === "block") return blockFrame(order?.orderId ?? wanted ?? "0");
  if (!order)
    return html(page("No orders yet", `<p class="card">The demo has no orders yet: wait for the first webhooks, then reload.</p>`));

  const payload = order.payload as { line_items?: { title?: string; quantity?: number; price?: string }[] } | null;
  const lines = (payload?.line_items ?? [])
    .slice(0, 20)
    .map(
      (line) =>
        `<tr><td>${escapeHtml(String(line.title ?? ""))}</td><td>× ${escapeHtml(String(line.quantity ?? ""))}</td><td>${escapeHtml(String(line.price ?? ""))}</td></tr>`,
    )
    .join("");
  const switcher = (await ordersByState())
    .map(
      (row) =>
        `<a href="${DEMO_ORDER_PATHS.page}?order=${escapeHtml(row.order_id)}"${row.order_id === order.orderId ? ' aria-current="page"' : ""}>${escapeHtml(row.order_name)} <small>${escapeHtml(row.status.replaceAll("_", " "))}</small></a>`,
    )
    .join(" ");
  const frameUrl = `${DEMO_ORDER_PATHS.page}?order=${encodeURIComponent(order.orderId)}&frame=block`;
  return html(
    page(
      `Order ${order.orderName}`,
      `<nav class="switcher">Try an order in each state: ${switcher} · <a href="${DEMO_PATHS.entry}">Open the sync log</a></nav>
      <h1>${escapeHtml(order.orderName)} <small>${escapeHtml(order.processedAt?.toISOString().slice(0, 10) ?? "")}</small></h1>
      <div class="layout">
        <main>
          <section class="card"><h2>Items</h2><table>${lines || "<tr><td>No line items</td></tr>"}</table>
          <p class="total">Total <strong>${escapeHtml(order.totalPrice)} ${escapeHtml(order.currency)}</strong></p></section>
        </main>
        <aside>
          <section class="card block"><iframe title="FreshBooks (app block)" src="${escapeHtml(frameUrl)}"></iframe></section>
        </aside>
      </div>`,
    ),
  );
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Shopify admin (demo)</title>
<style>
  body { margin: 0; font: 14px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; background: #f1f1f1; color: #303030; }
  header { background: #1a1a1a; color: #e3e3e3; padding: 10px 16px; font-weight: 600; }
  .wrap { max-width: 1000px; margin: 0 auto; padding: 16px; }
  .switcher { margin-bottom: 12px; } .switcher a { margin-right: 8px; } .switcher a[aria-current] { font-weight: 700; }
  h1 { font-size: 20px; } h1 small { font-weight: 400; color: #616161; font-size: 13px; }
  .layout { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; }
  @media (max-width: 720px) { .layout { grid-template-columns: 1fr; } }
  .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 0 #1a1a1a12, 0 0 0 1px #00000010; padding: 16px; }
  .card h2 { font-size: 14px; margin: 0 0 8px; } table { width: 100%; border-collapse: collapse; } td { padding: 4px 0; }
  .total { text-align: right; } .block { padding: 0; overflow: hidden; } iframe { border: 0; width: 100%; height: 420px; display: block; }
</style></head><body><header>Shopify admin · ${escapeHtml(DEMO_SHOP)} <small>(offline demo)</small></header><div class="wrap">${content}</div></body></html>`;
}

/**
 * The block's frame: the stand-in `shopify` global (target data, session tokens from the demo,
 * the extension's English strings, `extend` running the target), styles standing in for the
 * admin's Polaris web components, and the bundled extension.
 */
async function blockFrame(orderId: string): Promise<Response> {
  const strings = JSON.parse(await readFile(path.join(BLOCK_DIR, "locales/en.default.json"), "utf8")) as unknown;
  const setup = `
    const strings = ${scriptJson(strings)};
    const lookup = (key) => key.split(".").reduce((node, part) => (node && typeof node === "object" ? node[part] : undefined), strings);
    window.shopify = {
      extension: { target: ${scriptJson(BLOCK_TARGET)} },
      data: { selected: [{ id: ${scriptJson(`gid://shopify/Order/${orderId}`)} }] },
      auth: { idToken: () => fetch(${scriptJson(DEMO_PATHS.sessionToken)}).then((r) => r.text()) },
      i18n: { translate: (key, values = {}) => String(lookup(key) ?? key).replace(/\\{\\{(\\w+)\\}\\}/g, (_, name) => String(values[name] ?? "")) },
      extend: (_target, run) => run(),
    };
    // Links: the admin opens them; here the sync log link opens the demo's sync log.
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("s-link[href]");
      if (!link) return;
      const href = link.getAttribute("href");
      if (href.startsWith("https://admin.shopify.com/")) window.top.location.href = ${scriptJson(DEMO_PATHS.entry)};
      else window.open(href, "_blank", "noopener");
    });`;
  return html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>FreshBooks block</title>
<style>
  body { margin: 0; padding: 16px; font: 14px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; color: #303030; }
  s-admin-block::before { content: attr(heading); display: block; font-weight: 650; margin-bottom: 12px; }
  s-admin-block, s-stack, s-banner, s-paragraph { display: block; }
  s-stack[direction="inline"] { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
  s-stack[direction="block"] > * + * { margin-top: 10px; } s-stack[justify-content="space-between"], s-stack[justifyContent="space-between"] { justify-content: space-between; }
  s-text[color="subdued"] { color: #616161; } s-text[tone="critical"] { color: #8e1f0b; }
  s-badge { display: inline-block; border-radius: 8px; padding: 2px 8px; background: #e3e3e3; font-size: 12px; font-weight: 550; }
  s-badge[tone="success"] { background: #cdfee1; color: #0c5132; } s-badge[tone="warning"], s-badge[tone="caution"] { background: #ffef9d; color: #4f4700; }
  s-badge[tone="critical"] { background: #fedad9; color: #8e1f0b; } s-badge[tone="info"] { background: #e0f0ff; color: #00527c; }
  s-banner { border-radius: 8px; padding: 8px 12px; background: #eaf4ff; } s-banner[tone="critical"] { background: #fee9e8; } s-banner[tone="success"] { background: #e4f8ec; } s-banner[tone="warning"] { background: #fff5d1; }
  s-button { display: inline-block; cursor: pointer; border-radius: 8px; padding: 6px 12px; background: #fff; box-shadow: 0 0 0 1px #c9c9c9; font-weight: 550; }
  s-button[variant="primary"] { background: #303030; color: #fff; box-shadow: none; } s-button[disabled] { opacity: .5; pointer-events: none; }
  s-link { color: #005bd3; text-decoration: underline; cursor: pointer; }
  s-spinner::before { content: "⟳"; display: inline-block; animation: spin 1s linear infinite; } @keyframes spin { to { transform: rotate(360deg); } }
</style>
<script>${setup}</script>
<script type="module" src="${DEMO_ORDER_PATHS.blockScript}"></script></head><body></body></html>`);
}

let bundled: Promise<string> | undefined;

/** The block extension, bundled as the Shopify CLI would (once per demo run). */
export async function demoOrderBlockScript(): Promise<Response> {
  requireDemoMode();
  bundled ??= bundleExtension(BLOCK_DIR).then((bundle) => bundle.code);
  const code = await bundled.catch((error: unknown) => {
    bundled = undefined;
    throw error;
  });
  return new Response(code, { headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
}
