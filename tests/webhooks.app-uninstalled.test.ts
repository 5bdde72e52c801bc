import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { action } from "../app/routes/webhooks.app.uninstalled";
import { routeArgs, seedOfflineSession, settle, TEST_SHOP, webhookRequest } from "./helpers/shopify";

const OTHER_SHOP = "someone-else.myshopify.com";

async function sessionsOf(shop: string) {
  return prisma.session.count({ where: { shop } });
}

describe("app/uninstalled webhook", () => {
  it("deletes the uninstalled shop's sessions and keeps other shops'", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!, TEST_SHOP);
    await seedOfflineSession(process.env.DATABASE_URL!, OTHER_SHOP);

    const response = await action(routeArgs(webhookRequest({ topic: "app/uninstalled", body: { id: 1, myshopify_domain: TEST_SHOP } })));

    expect(response.status).toBe(200);
    expect(await sessionsOf(TEST_SHOP)).toBe(0);
    expect(await sessionsOf(OTHER_SHOP)).toBe(1);
  });

  it("answers 200 to a repeated delivery after the sessions are gone", async () => {
    const response = await action(routeArgs(webhookRequest({ topic: "app/uninstalled", body: { id: 1, myshopify_domain: TEST_SHOP } })));
    expect(response.status).toBe(200);
  });

  it("refuses a forged delivery with 401 and deletes nothing", async () => {
    await seedOfflineSession(process.env.DATABASE_URL!, TEST_SHOP);

    const forged = webhookRequest({ topic: "app/uninstalled", body: { id: 1, myshopify_domain: TEST_SHOP }, secret: "not-the-app-secret" });
    const response = (await settle(() => action(routeArgs(forged)))) as Response;

    expect(response.status).toBe(401);
    expect(await sessionsOf(TEST_SHOP)).toBe(1);
  });

  it("refuses a delivery whose body was changed after signing", async () => {
    const signed = webhookRequest({ topic: "app/uninstalled", body: { id: 1, myshopify_domain: TEST_SHOP } });
    const tampered = new Request(signed.url, { method: "POST", headers: signed.headers, body: '{"id":2}' });
    const response = (await settle(() => action(routeArgs(tampered)))) as Response;
    expect(response.status).toBe(401);
  });

  it("answers 400 when Shopify's headers are missing", async () => {
    const request = new Request("http://localhost:3100/webhooks/app/uninstalled", { method: "POST", body: "{}" });
    const response = (await settle(() => action(routeArgs(request)))) as Response;
    expect(response.status).toBe(400);
  });

  it("answers 405 to anything but POST", async () => {
    const request = new Request("http://localhost:3100/webhooks/app/uninstalled", { method: "PUT", body: "{}" });
    const response = (await settle(() => action(routeArgs(request)))) as Response;
    expect(response.status).toBe(405);
  });
});
