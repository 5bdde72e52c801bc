import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { childEnv } from "../env.server";

/**
 * Runs the Prisma CLI offline. Prisma 6 would try to download its Rust engines; with
 * `engineType = "client"` and the JS schema engine (prisma.config.ts) it never runs them, but
 * it still checks that these paths exist, so they point at a file that does (this Node binary).
 */
export function runPrisma(args: string[], options: { quiet?: boolean } = {}): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: childEnv({
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      }),
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`prisma ${args.join(" ")} failed (${signal ?? `exit ${code}`})\n${output}`)),
    );
  });
}
