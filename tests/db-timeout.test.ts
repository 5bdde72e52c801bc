import { createServer, type Socket } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import { poolConfig } from "../app/db.server";

/**
 * A database that accepts the connection and then never answers (a hung server, a network that
 * drops packets): the app's pool gives up after DATABASE_CONNECT_TIMEOUT_MS instead of waiting
 * past Shopify's 5 s, so the webhook can answer 503 and be retried.
 */
describe("an unreachable database", () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("fails a query within the connect timeout, well inside Shopify's 5 s", async () => {
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const config = poolConfig(`postgresql://postgres:postgres@127.0.0.1:${port}/app`);
    expect(config.connectionTimeoutMillis).toBeLessThan(5000);
    const client = new PrismaClient({ adapter: new PrismaPg(config) });
    const started = performance.now();
    await expect(client.$queryRaw`select 1`).rejects.toThrow();
    const waited = performance.now() - started;
    expect(waited).toBeLessThan(5000); // Shopify gives a webhook 5 s
    await client.$disconnect().catch(() => {});
  });
});
