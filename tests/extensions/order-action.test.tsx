// @vitest-environment happy-dom
/// <reference types="@shopify/ui-extensions/admin.order-details.action.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { englishTranslate, EXTENSIONS_DIR, isDisabled, json, orderState, shown } from "../helpers/extension";

/** The order page's "Send to FreshBooks" action, rendered offline by @shopify/ui-extensions-tester. */
const extension = getExtension("admin.order-details.action.render", {
  configSearchDir: path.join(EXTENSIONS_DIR, "freshbooks-order-action"),
});
const ORDER = "gid://shopify/Order/5550000001";

beforeEach(() => {
  extension.setUp();
  extension.shopify.data = { selected: [{ id: ORDER }] } as typeof extension.shopify.data;
  extension.shopify.i18n.translate = englishTranslate("freshbooks-order-action") as typeof extension.shopify.i18n.translate;
  extension.shopify.auth.idToken = vi.fn().mockResolvedValue("session-token");
  extension.shopify.close = vi.fn();
});
afterEach(() => extension.tearDown());

const primary = () => document.body.querySelector('s-button[slot="primary-action"]') as HTMLElement | null;

describe("the Send to FreshBooks action on the order page", () => {
  it("offers Send to FreshBooks for a skipped order, names the filter, and shows the outcome", async () => {
    const skipped = orderState({
      status: "skipped",
      label: "Skipped",
      tone: "neutral",
      skippedBy: "test orders",
      invoice: null,
      canSend: true,
    });
    extension.fetch = vi.fn(async (url: string | URL | Request) =>
      String(url) === "/api/extension/sync"
        ? json({ results: [{ orderId: skipped.orderId, outcome: "sent", state: { ...skipped, status: "queued" } }] })
        : json({ order: skipped }),
    );
    await extension.render();

    await vi.waitFor(() => expect(shown()).toContain("Not synced: skipped by the filter “test orders”."));
    expect(primary()?.textContent).toBe("Send to FreshBooks");
    expect(isDisabled(primary())).toBe(false);
    primary()!.click();

    await vi.waitFor(() => expect(shown()).toContain("1 skipped order queued to be sent to FreshBooks."));
    expect(extension.fetch).toHaveBeenCalledWith(
      "/api/extension/sync",
      expect.objectContaining({ method: "POST", body: JSON.stringify({ orderIds: [ORDER] }) }),
    );
    expect(primary()?.textContent).toBe("Done");
    primary()!.click();
    expect(extension.shopify.close).toHaveBeenCalled();
  });

  it("offers Sync again for a failed order, with its reason", async () => {
    const failed = orderState({
      status: "failed",
      label: "Failed",
      tone: "critical",
      reason: "FreshBooks was unreachable for 3 attempts.",
      invoice: null,
      canRetry: true,
    });
    extension.fetch = vi.fn(async (url: string | URL | Request) =>
      String(url) === "/api/extension/sync"
        ? json({ results: [{ orderId: failed.orderId, outcome: "queued", state: failed }] })
        : json({ order: failed }),
    );
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("FreshBooks was unreachable for 3 attempts."));
    expect(primary()?.textContent).toBe("Sync again");
    expect(isDisabled(primary())).toBe(false);
    primary()!.click();
    await vi.waitFor(() => expect(shown()).toContain("1 order queued to sync again."));
  });

  it("disables the button for a synced order: nothing to send twice", async () => {
    extension.fetch = vi.fn().mockResolvedValue(json({ order: orderState() }));
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("Nothing to do: the order is synced or already on its way."));
    expect(shown()).toContain("SHOP-1001");
    expect(isDisabled(primary())).toBe(true);
  });

  it("says when the order is not in the sync log", async () => {
    extension.fetch = vi.fn().mockResolvedValue(json({ error: "not_found" }, 404));
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("This order is not in the FreshBooks sync log."));
    expect(isDisabled(primary())).toBe(true);
  });

  it("shows that the request failed when the app does not answer, and lets staff try again", async () => {
    const failed = orderState({ status: "failed", label: "Failed", tone: "critical", canRetry: true });
    extension.fetch = vi.fn(async (url: string | URL | Request) =>
      String(url) === "/api/extension/sync" ? json({ error: "boom" }, 502) : json({ order: failed }),
    );
    await extension.render();
    await vi.waitFor(() => expect(isDisabled(primary())).toBe(false));
    primary()!.click();
    await vi.waitFor(() => expect(shown()).toContain("The request could not be sent. Try again."));
    expect(primary()?.textContent).toBe("Sync again");
  });
});
