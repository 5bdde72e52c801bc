import { afterEach, describe, expect, it, vi } from "vitest";
import { FaultControl } from "../app/dev/freshbooks-sandbox/faults";

/** The sandbox's queued faults with a time window (the fault bench's 429 storms). */
describe("FreshBooks sandbox: a queued fault with forMs", () => {
  afterEach(() => vi.useRealTimers());

  it("answers the fault until it is used up or its window ends, whichever comes first", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const faults = new FaultControl(() => 0);
    const storm = { kind: "status", status: 429, retryAfter: 2 } as const;
    faults.enqueue({ path: "^/accounting/", times: 40, forMs: 2000, fault: storm });

    expect(faults.take("GET", "/accounting/account/A/users/clients")).toEqual(storm);
    vi.setSystemTime(1_001_999);
    expect(faults.take("POST", "/accounting/account/A/invoices/invoices")).toEqual(storm);
    vi.setSystemTime(1_002_000); // Retry-After has passed: the storm is over though 38 remain
    expect(faults.take("POST", "/accounting/account/A/invoices/invoices")).toBeNull();
    expect((faults.snapshot() as { queue: unknown[] }).queue).toEqual([]);
  });

  it("without forMs, lasts until used up, however long that takes", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const faults = new FaultControl(() => 0);
    faults.enqueue({ times: 2, fault: { kind: "status", status: 503 } });
    vi.setSystemTime(9_000_000);
    expect(faults.take("GET", "/x")).toMatchObject({ status: 503 });
    expect(faults.take("GET", "/x")).toMatchObject({ status: 503 });
    expect(faults.take("GET", "/x")).toBeNull();
  });
});
