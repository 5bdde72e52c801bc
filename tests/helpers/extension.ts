import { readFileSync } from "node:fs";
import path from "node:path";
import type { OrderState } from "../../extensions/shared/backend";

/**
 * Helpers for rendering the order-page extensions with @shopify/ui-extensions-tester (offline:
 * a mock `shopify` global, the extension rendered into happy-dom's document.body).
 */
export const EXTENSIONS_DIR = path.resolve(import.meta.dirname, "../../extensions");

/**
 * `shopify.i18n.translate` as the admin does it: the extension's English locale, `{{name}}`
 * filled in, and `{one, other}` chosen by the `count` replacement.
 */
export function englishTranslate(extension: string) {
  const strings = JSON.parse(readFileSync(path.join(EXTENSIONS_DIR, extension, "locales/en.default.json"), "utf8")) as Record<
    string,
    unknown
  >;
  return (key: string, replacements: Record<string, unknown> = {}): string => {
    let found = key
      .split(".")
      .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), strings);
    if (found && typeof found === "object" && typeof replacements.count === "number") {
      found = (found as Record<string, unknown>)[new Intl.PluralRules("en").select(replacements.count)];
    }
    if (typeof found !== "string") throw new Error(`missing translation ${key} in ${extension}`);
    return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(replacements[name] ?? ""));
  };
}

export function orderState(overrides: Partial<OrderState> = {}): OrderState {
  return {
    orderId: "5550000001",
    orderName: "#1001",
    status: "synced",
    label: "Synced",
    tone: "success",
    reason: null,
    invoice: { number: "SHOP-1001", url: "https://my.freshbooks.com/#/invoice/AbC12-4242" },
    tieOut: { currency: "USD", shopifyTotal: "49.10", freshbooksTotal: "49.10", difference: null },
    payment: { recorded: true, recordingOn: true },
    skippedBy: null,
    lastAttemptAt: "2026-12-01T10:00:00.000Z",
    canRetry: false,
    canSend: false,
    syncLogUrl: "https://admin.shopify.com/store/demo/apps/key/app/orders/1",
    ...overrides,
  };
}

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** The visible text of the rendered extension, whitespace collapsed. */
export const shown = () => (document.body.textContent ?? "").replace(/\s+/g, " ").trim();

/** A prop Preact set on an `s-*` element: a property when the element defines it, else an attribute. */
export function prop(element: Element | null | undefined, name: string): unknown {
  if (!element) return undefined;
  const value = (element as unknown as Record<string, unknown>)[name];
  if (value !== undefined) return value;
  return element.getAttribute(name) ?? element.getAttribute(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)) ?? undefined;
}

/** A disabled `s-button`: the property when defined, else Preact's attribute (removed when false). */
export function isDisabled(element: Element | null | undefined): boolean {
  const value = prop(element, "disabled");
  return value === true || value === "true" || value === "";
}
