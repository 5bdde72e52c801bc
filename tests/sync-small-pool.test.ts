import { describe, expect, it } from "vitest";

// A worker whose Prisma pool (2) is smaller than its concurrency (8): orders from one new
// customer wait for each other's client lock without holding pooled connections, so nothing
// stalls (before, every pooled connection sat in a transaction waiting for the lock).
// The pool is made when app/db.server is first imported, so the setting goes in (through the one
// door, tests/helpers/env.ts) before the imports below.
const { useEnv } = await import("./helpers/env");
useEnv({ DATABASE_POOL_SIZE: "2" });
const { default: prisma } = await import("../app/db.server");
const { connectThroughOAuth, useFreshBooksSandbox } = await import("./helpers/freshbooks");
const { usOrder } = await import("./helpers/orders");
const { deliverOrder, useWorker, waitForSync } = await import("./helpers/sync");

const sandbox = await useFreshBooksSandbox();
useWorker(8);

describe("a worker with a small database pool", () => {
  it("syncs 16 simultaneous orders from one new customer: one client, 16 invoices, no stall", async () => {
    await connectThroughOAuth();
    sandbox.faults.setLatency(20);
    const orders = Array.from({ length: 16 }, (_, i) => usOrder(6000 + i));
    await Promise.all(orders.map((order) => deliverOrder(order)));

    const rows = await waitForSync(
      orders.map((o) => o.id),
      30_000,
    );

    expect(rows.map((row) => row.status)).toEqual(orders.map(() => "synced"));
    expect(sandbox.state.clients()).toHaveLength(1);
    expect(sandbox.state.invoices()).toHaveLength(16);
    // One client, mapped under the customer id and the email (orders sharing either find it).
    const [client] = sandbox.state.clients() as unknown as { id: number }[];
    const mappings = await prisma.clientMapping.findMany({ orderBy: { customerKey: "asc" } });
    expect(mappings.map((m) => [m.customerKey, m.freshbooksClientId])).toEqual([
      ["customer:7123456789012", client!.id],
      ["email:jane.doe@example.com", client!.id],
    ]);
  });
});
