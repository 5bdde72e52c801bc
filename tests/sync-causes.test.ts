import { beforeEach, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { explain } from "../app/models/sync-causes";
import { failureGroups, orderDetail } from "../app/models/sync-log.server";
import { action as logAction } from "../app/routes/app._index";
import { action as orderAction } from "../app/routes/app.orders.$id";
import { connectThroughOAuth, useFreshBooksSandbox } from "./helpers/freshbooks";
import { usOrder } from "./helpers/orders";
import { routeArgs, seedOfflineSession, sessionToken, TEST_SHOP } from "./helpers/shopify";
import { deliverOrder, resetSyncTables, useWorker, waitForSync } from "./helpers/sync";
import { TEST_SHOPIFY } from "./test-env";

/** Reasons in our words, FreshBooks' own under Details; failures grouped by cause with their fix. */
const sandbox = await useFreshBooksSandbox();
useWorker();

function adminPost(path: string, form: Record<string, string>) {
  return new Request(`${TEST_SHOPIFY.appUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sessionToken()}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

function customerOrder(n: number) {
  const email = `buyer${n}@example.com`;
  return usOrder(n, { customer: { ...(usOrder(1).customer as object), id: 5000 + n, email }, email });
}

beforeEach(async () => {
  sandbox.state.reset();
  await resetSyncTables();
  await seedOfflineSession(process.env.DATABASE_URL!);
  await connectThroughOAuth();
});

describe("why an order failed, in our words", () => {
  it("the plan's client limit: our sentence and fix, FreshBooks' text under Details, one group with its Retry", async () => {
    sandbox.configure({ clientLimit: 1 });
    const orders = [customerOrder(1001), customerOrder(1002), customerOrder(1003)];
    for (const order of orders) await deliverOrder(order);
    const rows = await waitForSync(
      orders.map((order) => order.id),
      60_000,
    );
    expect(rows.map((row) => row?.status).sort()).toEqual(["failed", "failed", "synced"]);
    const failed = rows.find((row) => row?.status === "failed")!;

    const words = explain(failed)!;
    expect(words.what).toBe("Your FreshBooks plan's limit on clients is reached.");
    expect(words.fix).toMatch(/One shared client for all orders.*Settings.*then Retry/);
    expect(words.action).toBe("settings");
    // FreshBooks' own text is kept, for Details, and is not our headline.
    expect(words.details).toBe("You do not have access to perform the action requested.");
    expect(words.what).not.toContain(words.details!);

    expect(await failureGroups(prisma, TEST_SHOP)).toEqual([{ cause: "client_limit", status: "failed", count: 2 }]);

    // The merchant follows the fix (here: upgrades the FreshBooks plan), then the group's Retry syncs both.
    sandbox.configure({ clientLimit: 10 });
    const answer = await logAction(routeArgs(adminPost("/app?index", { intent: "retry-cause", cause: "client_limit" })));
    expect(answer).toEqual({ message: "2 orders queued for retry" });
    const retried = await waitForSync(
      orders.map((order) => order.id),
      60_000,
    );
    expect(retried.map((row) => row?.status)).toEqual(["synced", "synced", "synced"]);
    expect(retried.map((row) => row?.statusCause)).toEqual([null, null, null]);
    expect(await failureGroups(prisma, TEST_SHOP)).toEqual([]);
  });

  it("a refused invoice: our sentence, FreshBooks' field message under Details", async () => {
    sandbox.faults.enqueue({ method: "POST", path: "/invoices/invoices$", times: 10, fault: { kind: "status", status: 422 } });
    const order = usOrder(1001);
    await deliverOrder(order);
    const [failed] = await waitForSync([order.id]);
    expect(failed).toMatchObject({ status: "failed", statusCause: "invoice_refused" });
    expect(explain(failed!)).toMatchObject({ what: "FreshBooks did not accept the invoice.", action: "retry" });
    expect(failed?.statusDetail).toBeTruthy();
  });
});

describe("a synced order whose email failed", () => {
  it("says so, and 'Send the invoice email' sends it once", async () => {
    await prisma.shopSettings.create({ data: { shop: TEST_SHOP, emailInvoices: true } });
    sandbox.faults.enqueue({ method: "PUT", path: "/invoices/invoices/\\d+$", fault: { kind: "status", status: 503 } });
    const order = usOrder(1001);
    await deliverOrder(order);
    const [synced] = await waitForSync([order.id]);

    expect(synced).toMatchObject({ status: "synced", statusCause: "email_failed" });
    expect(explain(synced!)).toMatchObject({
      what: "The invoice is in FreshBooks, but its email to the customer was not sent.",
      action: "send-email",
    });
    expect(sandbox.state.emailsSent()).toHaveLength(0);

    const id = String(synced!.id);
    const send = () => orderAction({ ...routeArgs(adminPost(`/app/orders/${id}`, { intent: "send-email" })), params: { id } });
    expect(await send()).toEqual({ message: "Invoice email sent" });
    expect(sandbox.state.emailsSent()).toHaveLength(1);
    const after = await prisma.orderSync.findUniqueOrThrow({ where: { id: synced!.id } });
    expect(explain(after)).toBeNull();

    // A second click (another tab) sends nothing more.
    expect(await send()).toEqual({ error: "There is no invoice email left to send for this order." });
    expect(sandbox.state.emailsSent()).toHaveLength(1);
  });
});

describe("the order's page shows the payment FreshBooks recorded", () => {
  it("amount, date and type, as recorded", async () => {
    const order = usOrder(1001);
    await deliverOrder(order);
    const [synced] = await waitForSync([order.id]);
    const detail = await orderDetail(prisma, TEST_SHOP, String(synced!.id));
    const recorded = sandbox.state.payments()[0] as { amount: { amount: string; code: string }; date: string; type: string };
    expect(detail?.recordedPayment).toEqual({ amount: "49.10", code: "USD", date: recorded.date, type: recorded.type });
    expect(recorded.type).toBeTruthy();
  });
});
