import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { enqueue } from "../app/jobs/enqueue.server";
import { loader } from "../app/routes/healthz";
import { routeArgs } from "./helpers/shopify";

describe("/healthz", () => {
  it("reports the database, the worker heartbeat, the queue and recent failures", async () => {
    await enqueue(prisma, "worker-heartbeat", {}, { runAt: new Date(Date.now() - 90_000) });
    await prisma.workerHeartbeat.create({ data: { id: "worker", beatAt: new Date(Date.now() - 30_000) } });

    const response = await loader(routeArgs(new Request("http://localhost/healthz")));
    const body = await response.json();

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: "ok", database: "ok", worker: { alive: true }, queue: { ready: 1 }, ordersFailedLastHour: 0 });
    expect(body.queue.oldestReadySeconds).toBeGreaterThanOrEqual(89);
  });

  it("says the worker is not alive when there has been no heartbeat", async () => {
    await prisma.workerHeartbeat.deleteMany();
    const body = await (await loader(routeArgs(new Request("http://localhost/healthz")))).json();
    expect(body.worker).toEqual({ lastHeartbeatAt: null, secondsSinceHeartbeat: null, alive: false });
  });
});
