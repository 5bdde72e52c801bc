import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * A second `npm run demo` on the same port: one line that says which port and what to do, no
 * stack trace, nothing started. Ports of its own (held here by a plain TCP server).
 */
describe("npm run demo when its port is taken", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it("says so in one line and exits", async () => {
    const held = createServer();
    servers.push(held);
    await new Promise<void>((resolve) => held.listen(3263, resolve));
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const demo = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "app/dev/demo/main.ts",
        "--no-build",
        "--port",
        "3263",
        "--sandbox-port",
        "4263",
        "--db-port",
        "54363",
        "--data-dir",
        path.resolve(".data/demo-ports-test"),
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    demo.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(demo, "exit")) as [number | null];

    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      "[demo] port 3263 (--port) is already in use: is another demo running? Stop it, or choose other ports (npm run demo -- --port N).",
    ]);
  }, 120_000);
});
