import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import path from "node:path";

export interface PostgresHost {
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts app/db/postgres-host.ts in its own process group (see there why): its build
 * (build/postgres-host.js, plain node) when there is one, else through tsx. A process run with
 * tsx keeps an esbuild service that may print a Go deadlock dump when the process exits.
 */
export async function startPostgresHost(dataDir: string, port: number, env: NodeJS.ProcessEnv): Promise<PostgresHost> {
  const built = path.resolve("build/postgres-host.js");
  const entry = existsSync(built) ? [built] : ["--import", "tsx", "app/db/postgres-host.ts"];
  const child = spawn(process.execPath, [...entry, dataDir, String(port)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
    env,
  });
  const exited = once(child, "exit");
  const message: { ready?: string; error?: string } = await Promise.race([
    once(child, "message").then(([first]) => first as { ready?: string; error?: string }),
    exited.then(([code]): { error: string } => ({ error: `the PostgreSQL host exited (${String(code)})` })),
  ]);
  if (!message.ready) throw new Error(`embedded PostgreSQL did not start: ${message.error ?? "unknown"}`);
  return {
    adminUrl: message.ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send("stop");
      await exited;
    },
  };
}
