/** Child processes of the demo: build steps, the PostgreSQL host, the web server and the worker. */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { once } from "node:events";

/** Runs a command to completion; its output is shown only if it fails. */
export function runQuietly(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed (${signal ?? `exit ${code}`})\n${output}`)),
    );
  });
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends, for whatever reason. */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** The end of its log, for when it dies. */
  tail(): string;
}

/**
 * Starts an entry (build/worker.js; or node arguments, such as the demo's web server from source
 * through tsx) with its output in `logFile`.
 */
export function startAppProcess(name: string, entry: string | string[], env: NodeJS.ProcessEnv, logFile: string): AppProcess {
  // Straight into the file (not through this process), so a child's last words are kept even
  // if the demo itself is gone.
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, ["--enable-source-maps", ...(typeof entry === "string" ? [entry] : entry)], {
    stdio: ["ignore", log, log],
    env,
  });
  closeSync(log);
  const exited = once(child, "exit").then(([code, signal]) => (signal ? String(signal) : `exit ${String(code)}`));
  return {
    name,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
    tail() {
      try {
        return readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      } catch {
        return "";
      }
    },
  };
}

/** Polls `url` until it answers 2xx (the web server's /healthz), or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!alive()) throw new Error(`${url}: the process exited before it answered`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
