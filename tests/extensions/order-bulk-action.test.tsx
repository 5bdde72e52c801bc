// @vitest-environment happy-dom
/// <reference types="@shopify/ui-extensions/admin.order-index.selection-action.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { englishTranslate, EXTENSIONS_DIR, json } from "../helpers/extension";

/** The order list's bulk "Send to FreshBooks", rendered offline by @shopify/ui-extensions-tester. */
const extension = getExtension("admin.order-index.selection-action.render", {
  configSearchDir: path.join(EXTENSIONS_DIR, "freshbooks-order-bulk-action"),
});
const selected = [1, 2, 3, 4, 5].map((n) => ({ id: `gid://shopify/Order/${n}` }));

beforeEach(() => {
  extension.setUp();
  extension.shopify.data = { selected } as typeof extension.shopify.data;
  extension.shopify.i18n.translate = englishTranslate("freshbooks-order-bulk-action") as typeof extension.shopify.i18n.translate;
  extension.shopify.auth.idToken = vi.fn().mockResolvedValue("session-token");
});
afterEach(() => extension.tearDown());

const primary = () => document.body.querySelector('s-button[slot="primary-action"]') as HTMLElement | null;
const shown = () => (document.body.textContent ?? "").replace(/\s+/g, " ");

describe("the bulk Send to FreshBooks action", () => {
  it("sends the selection in one request and counts each outcome", async () => {
    const outcomes = ["queued", "queued", "sent", "unchanged", "not_found"];
    extension.fetch = vi
      .fn()
      .mockResolvedValue(
        json({ results: selected.map((s, i) => ({ orderId: s.id.split("/").pop(), outcome: outcomes[i], state: null })) }),
      );
    await extension.render();

    await vi.waitFor(() => expect(primary()?.textContent).toBe("Sync 5 orders"));
    expect(shown()).toContain("5 orders selected.");
    expect(extension.fetch).not.toHaveBeenCalled(); // no per-order lookups for a selection
    primary()!.click();

    await vi.waitFor(() => expect(shown()).toContain("2 orders queued to sync again."));
    expect(shown()).toContain("1 skipped order queued to be sent to FreshBooks.");
    expect(shown()).toContain("1 order left as it is: synced or already on its way.");
    expect(shown()).toContain("1 order is not in the FreshBooks sync log.");
    expect(extension.fetch).toHaveBeenCalledTimes(1);
    expect(extension.fetch).toHaveBeenCalledWith(
      "/api/extension/sync",
      expect.objectContaining({ body: JSON.stringify({ orderIds: selected.map((s) => s.id) }) }),
    );
  });
});
