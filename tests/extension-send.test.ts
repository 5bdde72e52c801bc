import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action as orderAction, loader as orderLoader } from "../app/routes/api.extension.orders.$orderId";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { orderFixture } from "./helpers/orders";
import { routeArgs, seedOfflineSession, sessionToken, settle } from "./helpers/shopify";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { TEST_SHOPIFY } from "./test-env";

/** "Send to FreshBooks" on a test order, from the order block to the invoice in FreshBooks (sandbox, real worker). */
const sandbox = await useFreshBooksSandbox();
useWorker();

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await connectThroughOAuth();
  await seedOfflineSession(process.env.DATABASE_URL!);
});

function fromBlock(method: "GET" | "POST", orderId: string) {
  const request = new Request(`${TEST_SHOPIFY.appUrl}/api/extension/orders/${orderId}`, {
    method,
    headers: { Origin: "https://extensions.shopifycdn.com", Authorization: `Bearer ${sessionToken()}` },
  });
  return settle(() => (method === "GET" ? orderLoader : orderAction)(routeArgs(request, { orderId }))) as Promise<Response>;
}

describe("Send to FreshBooks", () => {
  it("sends a test order the filter skipped: one invoice, and the block then shows it synced with its invoice", async () => {
    const order = orderFixture("us-discount-tax-shipping", { test: true } as never);
    await deliverOrder(order);
    expect((await waitForSync([order.id]))[0]?.status).toBe("skipped");
    const gid = `gid://shopify/Order/${order.id}`;
    expect((await (await fromBlock("GET", gid)).json()).order).toMatchObject({
      status: "skipped",
      skippedBy: "test orders",
      canSend: true,
    });

    expect((await (await fromBlock("POST", gid)).json()).outcome).toBe("sent");
    const [synced] = await waitForSync([order.id]);

    expect(synced?.status).toBe("synced");
    expect(sandbox.state.invoices()).toHaveLength(1);
    const block = (await (await fromBlock("GET", gid)).json()).order;
    expect(block).toMatchObject({
      status: "synced",
      label: "Synced",
      invoice: { number: synced?.invoiceNumber },
      tieOut: { freshbooksTotal: "49.10", difference: null },
    });

    // A second click (or a stale page) sends nothing more.
    expect((await (await fromBlock("POST", gid)).json()).outcome).toBe("unchanged");
    expect(sandbox.state.invoices()).toHaveLength(1);
    expect(await prisma.orderSync.count()).toBe(1);
  });
});
