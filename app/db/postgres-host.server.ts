import { spawn } from "node:child_process";
import { once } from "node:events";

export interface PostgresHost {
  adminUrl: string;
  stop(): Promise<void>;
}

/** Starts app/db/postgres-host.ts in its own process group (see there why). */
export async function startPostgresHost(dataDir: string, port: number, env: NodeJS.ProcessEnv): Promise<PostgresHost> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/db/postgres-host.ts", dataDir, String(port)], {
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
