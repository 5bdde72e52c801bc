import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { freshbooksFor } from "../app/freshbooks/connection.server";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { TEST_SHOP } from "./helpers/shopify";

const sandbox = await useFreshBooksSandbox();
useWorker();

const clients = () => sandbox.state.clients() as unknown as { id: number; email?: string; vis_state: number }[];
/** Client and invoice requests FreshBooks received (what issue 18 counts per order). */
const accountingCalls = () => sandbox.state.requests.filter((r) => /\/users\/clients|\/invoices\/invoices/.test(r.path)).length;

/** Order `n` of its own customer `email` (a distinct Shopify customer id). */
function orderOf(n: number, email: string) {
  const base = usOrder(n);
  return usOrder(n, { email, contact_email: email, customer: { ...(base.customer as object), id: 8_000_000_000 + n, email } });
}

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
});

async function sync(order: ReturnType<typeof orderOf>) {
  expect((await deliverOrder(order)).status).toBe(200);
  const [synced] = await waitForSync([order.id], 60_000);
  expect(synced?.status).toBe("synced");
}

describe("the directory of the business's FreshBooks clients", () => {
  it("a new customer costs a create and an invoice, a returning one the invoice alone, once the directory is imported", async () => {
    await sync(orderOf(1, "first@example.com")); // imports the (empty) directory
    let before = accountingCalls();
    await sync(orderOf(2, "new@example.com"));
    expect(accountingCalls() - before).toBe(2); // POST client, POST invoice: no searches
    before = accountingCalls();
    await sync(orderOf(3, "new@example.com"));
    expect(accountingCalls() - before).toBe(1);
    expect(clients().filter((c) => c.email === "new@example.com")).toHaveLength(1);
  });

  it("a client the business already had in FreshBooks is found through the import, not created again", async () => {
    const fb = await freshbooksFor(TEST_SHOP, { db: prisma });
    const existing = await fb.clients.create({ email: "Known@Example.com", fname: "Known" });
    await sync(orderOf(1, "known@example.com"));
    expect(clients()).toHaveLength(1);
    expect(await prisma.clientMapping.findFirst({ where: { customerKey: "email:known@example.com" } })).toMatchObject({
      freshbooksClientId: existing.id,
    });
  });

  it("a client created in FreshBooks after the import is seen once the directory is older than its freshness", async () => {
    await sync(orderOf(1, "first@example.com"));
    const fb = await freshbooksFor(TEST_SHOP, { db: prisma });
    const byHand = await fb.clients.create({ email: "later@example.com", fname: "Later" });
    // The freshness window (CLIENT_DIRECTORY_FRESH_MS) has passed.
    await prisma.freshbooksClientDirectoryState.updateMany({ data: { refreshedAt: new Date(Date.now() - 3_600_000) } });
    await sync(orderOf(2, "later@example.com"));
    expect(clients().filter((c) => c.email === "later@example.com")).toHaveLength(1);
    const order = await prisma.orderSync.findFirstOrThrow({ where: { orderNumber: 2 } });
    expect(order.freshbooksClientId).toBe(byHand.id);
    // The refresh asked only for the clients updated since the day before the last one.
    expect(
      sandbox.state.requests.some(
        (r) => r.method === "GET" && /search%5Bupdated_min%5D=|search\[updated_min\]=/.test(`${r.path}?${r.query}`),
      ),
    ).toBe(true);
  });

  it("a client create that succeeded but timed out is found by a search on the retry, not created twice", async () => {
    await sync(orderOf(1, "first@example.com"));
    sandbox.faults.enqueue({ method: "POST", path: "/users/clients$", fault: { kind: "timeout", afterHandling: true } });
    await sync(orderOf(2, "timeout@example.com"));
    expect(clients().filter((c) => c.email === "timeout@example.com")).toHaveLength(1);
    expect(await prisma.freshbooksClientIntent.count()).toBe(0);
  });
});
