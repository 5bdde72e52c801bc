import { EnvError, loadDotEnv } from "../env.server";

/**
 * Shared shell of the command-line entries: loads `.env`, runs `main`, and turns a
 * configuration problem into a readable message and exit code 1 instead of a stack trace.
 */
export function runMain(main: () => Promise<void>): void {
  loadDotEnv();
  main().catch((error: unknown) => {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      if (error instanceof Error && error.cause) process.stderr.write(`caused by: ${String(error.cause)}\n`);
    }
    process.exit(1);
  });
}

/**
 * Calls `stop` once on SIGINT/SIGTERM. While it runs, a repeated SIGTERM (a supervisor that
 * signals the whole process group, then the process) is ignored; a second Ctrl-C exits at once.
 */
export function onShutdown(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (signal === "SIGINT") process.exit(130);
        return;
      }
      stopping = true;
      stop(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }
}
