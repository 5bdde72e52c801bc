/**
 * Start-up and shutdown of the demo: whatever starts registers how to stop it; Ctrl-C (or
 * SIGTERM) stops everything in reverse order, once. A second Ctrl-C exits at once.
 */
export class Stopped extends Error {
  constructor() {
    super("stopped");
  }
}

export class Lifecycle {
  private readonly cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
  private readonly sleepers = new Set<() => void>();
  private stoppingFlag = false;

  constructor(private readonly log: (message: string) => void) {}

  get stopping(): boolean {
    return this.stoppingFlag;
  }

  /** Throws Stopped once shutdown has begun, so start-up goes no further. */
  checkpoint(): void {
    if (this.stoppingFlag) throw new Stopped();
  }

  /** Registers how to stop something just started; runs it at once if shutdown has begun. */
  async onStop(name: string, run: () => Promise<void>): Promise<void> {
    if (this.stoppingFlag) {
      await run();
      throw new Stopped();
    }
    this.cleanups.push({ name, run });
  }

  /** Waits `ms`, or less when shutdown begins. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
      if (this.stoppingFlag) wake();
    });
  }

  /** Runs until shutdown begins. */
  untilStopped(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (this.stoppingFlag ? resolve() : void this.sleep(60_000).then(check));
      check();
    });
  }

  /**
   * The terminal sends Ctrl-C to the whole process group, and npm and tsx relay it too, so one
   * Ctrl-C can arrive here two or three times within milliseconds: only a SIGINT a second
   * after the first counts as "stop now".
   */
  handleSignals(): void {
    let firstAt = 0;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        if (this.stoppingFlag) {
          if (signal === "SIGINT" && Date.now() - firstAt > 1000) process.exit(130);
          return;
        }
        firstAt = Date.now();
        process.stdout.write("\n");
        void this.shutdown(0);
      });
    }
  }

  async shutdown(code: number): Promise<never> {
    if (!this.stoppingFlag) {
      this.stoppingFlag = true;
      for (const wake of [...this.sleepers]) wake();
      this.log("stopping");
      for (const cleanup of this.cleanups.reverse()) {
        try {
          await cleanup.run();
          this.log(`stopped ${cleanup.name}`);
        } catch (error) {
          process.stderr.write(`[demo] stopping ${cleanup.name} failed: ${String(error)}\n`);
          code = code || 1;
        }
      }
      this.log("all stopped");
      process.exit(code);
    }
    return new Promise<never>(() => {});
  }
}
