// @vitest-environment happy-dom
/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
import { getExtension } from "@shopify/ui-extensions-tester";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { englishTranslate, EXTENSIONS_DIR, json, orderState, prop, shown } from "../helpers/extension";

/** The order block, rendered offline by @shopify/ui-extensions-tester in each state staff can see. */
const extension = getExtension("admin.order-details.block.render", {
  configSearchDir: path.join(EXTENSIONS_DIR, "freshbooks-order-block"),
});
const ORDER = "gid://shopify/Order/5550000001";

beforeEach(() => {
  extension.setUp();
  extension.shopify.data = { selected: [{ id: ORDER }] } as typeof extension.shopify.data;
  extension.shopify.i18n.translate = englishTranslate("freshbooks-order-block") as typeof extension.shopify.i18n.translate;
  extension.shopify.auth.idToken = vi.fn().mockResolvedValue("session-token");
});
afterEach(() => {
  extension.tearDown();
  vi.useRealTimers();
});

const badge = () => document.body.querySelector("s-badge");
const button = (label: string) =>
  [...document.body.querySelectorAll("s-button")].find((b) => b.textContent?.trim() === label) as HTMLElement | undefined;

describe("the FreshBooks order block", () => {
  it("shows a spinner while it loads, then the synced order: badge, invoice link, tie-out, payment", async () => {
    let answer!: (response: Response) => void;
    extension.fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    await extension.render();

    await vi.waitFor(() => expect(document.body.querySelector("s-spinner")).not.toBeNull());
    expect(shown()).toContain("Loading the FreshBooks state…");
    await vi.waitFor(() =>
      expect(extension.fetch).toHaveBeenCalledWith(
        `/api/extension/orders/${encodeURIComponent(ORDER)}`,
        expect.objectContaining({ headers: expect.objectContaining({ Authorization: "Bearer session-token" }) }),
      ),
    );

    answer(json({ order: orderState() }));
    await vi.waitFor(() => expect(badge()?.textContent).toBe("Synced"));
    expect(prop(badge(), "tone")).toBe("success");
    const link = [...document.body.querySelectorAll("s-link")].find((l) => l.textContent === "SHOP-1001");
    expect(prop(link, "href")).toBe("https://my.freshbooks.com/#/invoice/AbC12-4242");
    expect(prop(link, "target")).toBe("_blank");
    expect(shown()).toMatch(/Shopify total\s*49\.10 USD/);
    expect(shown()).toMatch(/FreshBooks total\s*49\.10 USD/);
    expect(shown()).toMatch(/Difference\s*None/);
    expect(shown()).toMatch(/Payment\s*Recorded in FreshBooks/);
    expect(button("Retry")).toBeUndefined();
    expect(prop(document.body.querySelector("s-admin-block"), "collapsedSummary")).toBe("Synced · SHOP-1001");
  });

  it("shows a difference in the tie-out", async () => {
    extension.fetch = vi.fn().mockResolvedValue(
      json({
        order: orderState({
          status: "synced_with_difference",
          label: "Synced with difference",
          tone: "warning",
          canRetry: true,
          reason: "FreshBooks' total 49.09 differs from Shopify's 49.10 USD by 0.01",
          tieOut: { currency: "USD", shopifyTotal: "49.10", freshbooksTotal: "49.09", difference: "0.01" },
        }),
      }),
    );
    await extension.render();
    await vi.waitFor(() => expect(shown()).toMatch(/Difference\s*0\.01 USD/));
    expect(shown()).toContain("FreshBooks' total 49.09 differs");
  });

  it("shows why an order failed in plain words, and Retry re-queues it", async () => {
    const failed = orderState({
      status: "failed",
      label: "Failed",
      tone: "critical",
      reason: "FreshBooks refused the invoice: the client was archived.",
      invoice: null,
      tieOut: { currency: "USD", shopifyTotal: "49.10", freshbooksTotal: null, difference: null },
      payment: { recorded: false, recordingOn: true },
      canRetry: true,
    });
    const queued = { ...failed, status: "queued", label: "Queued", tone: "info", reason: null, canRetry: false };
    extension.fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) =>
      String(url) === "/api/extension/sync"
        ? json({ results: [{ orderId: failed.orderId, outcome: "queued", state: queued, sent: JSON.parse(String(init?.body)) }] })
        : json({ order: failed }),
    );
    await extension.render();

    await vi.waitFor(() => expect(badge()?.textContent).toBe("Failed"));
    expect(shown()).toContain("FreshBooks refused the invoice: the client was archived.");
    expect(shown()).toMatch(/Invoice\s*Not created yet/);
    button("Retry")!.click();

    await vi.waitFor(() => expect(shown()).toContain("Queued: the order syncs again in a moment."));
    expect(extension.fetch).toHaveBeenCalledWith(
      "/api/extension/sync",
      expect.objectContaining({ method: "POST", body: JSON.stringify({ orderIds: [ORDER] }) }),
    );
    expect(badge()?.textContent).toBe("Queued");
    expect(button("Retry")).toBeUndefined();
  });

  it("says which filter skipped the order, and Send to FreshBooks sends it", async () => {
    const skipped = orderState({
      status: "skipped",
      label: "Skipped",
      tone: "neutral",
      skippedBy: "test orders",
      reason: "Order #1001 is a test order; test orders are not sent to FreshBooks.",
      invoice: null,
      canSend: true,
    });
    extension.fetch = vi.fn(async (url: string | URL | Request) =>
      String(url) === "/api/extension/sync"
        ? json({
            results: [
              {
                orderId: skipped.orderId,
                outcome: "sent",
                state: { ...skipped, status: "queued", label: "Queued", tone: "info", canSend: false, skippedBy: null },
              },
            ],
          })
        : json({ order: skipped }),
    );
    await extension.render();

    await vi.waitFor(() => expect(shown()).toContain("Not synced: skipped by the filter “test orders”."));
    expect(shown()).not.toContain("Shopify total"); // nothing to tie out: it was never sent
    button("Send to FreshBooks")!.click();
    await vi.waitFor(() => expect(shown()).toContain("Queued: the order is sent to FreshBooks in a moment."));
    expect(button("Send to FreshBooks")).toBeUndefined();
  });

  it("follows a queued order until it is synced, without flashing the spinner", async () => {
    const queued = orderState({
      status: "queued",
      label: "Queued",
      tone: "info",
      invoice: null,
      tieOut: { currency: "USD", shopifyTotal: "49.10", freshbooksTotal: null, difference: null },
    });
    extension.fetch = vi.fn(async () => json({ order: queued }));
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("Waiting to sync."));
    const before = (extension.fetch as ReturnType<typeof vi.fn>).mock.calls.length;

    extension.fetch = vi.fn(async () => json({ order: orderState() }));
    await vi.waitFor(() => expect(badge()?.textContent).toBe("Synced"), { timeout: 10_000, interval: 250 });
    expect(before).toBe(1);
    expect(document.body.querySelector("s-spinner")).toBeNull();
  });

  it("says so when the order is not in the sync log (404)", async () => {
    extension.fetch = vi.fn().mockResolvedValue(json({ error: "not_found" }, 404));
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("This order is not in the FreshBooks sync log."));
    expect(badge()).toBeNull();
  });

  it("shows an error with Try again when the app does not answer, and recovers", async () => {
    extension.fetch = vi
      .fn()
      .mockResolvedValueOnce(json({ error: "boom" }, 500))
      .mockResolvedValueOnce(json({ order: orderState() }));
    await extension.render();
    await vi.waitFor(() => expect(shown()).toContain("The app did not answer."));
    expect(prop(document.body.querySelector("s-banner"), "tone")).toBe("critical");

    button("Try again")!.click();
    await vi.waitFor(() => expect(badge()?.textContent).toBe("Synced"));
  });

  it("asks for a new session token once when the app answers 401", async () => {
    extension.fetch = vi
      .fn()
      .mockResolvedValueOnce(json({}, 401))
      .mockResolvedValueOnce(json({ order: orderState() }));
    await extension.render();
    await vi.waitFor(() => expect(badge()?.textContent).toBe("Synced"));
    expect(extension.shopify.auth.idToken).toHaveBeenCalledTimes(2);
  });
});
