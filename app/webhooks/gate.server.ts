import { env } from "../env.server";

/**
 * The intake's turn at the database. A flash sale sends hundreds of deliveries at once; each
 * needs a connection for two short statements (the shop's session, then the insert). Rather than
 * let them all race for the pool, where a waiter gives up after DATABASE_CONNECT_TIMEOUT_MS and
 * is answered 503 although the database is healthy, deliveries queue here, first come first
 * served, and at most `limit` of them hold connections at a time (a fifth of the pool is kept
 * for the admin pages and /healthz). A delivery waits at most until WEBHOOK_WAIT_MS after it reached
 * the server (its time already spent counts), which leaves room to answer inside Shopify's 5 s;
 * only a delivery that could not get its turn by then is answered 503 (Shopify retries it).
 * A database that is really down still answers 503 at once: the turn is given, the connection
 * fails.
 */
export class Gate {
  private active = 0;
  private readonly waiting: { resolve(): void; timer: NodeJS.Timeout }[] = [];

  constructor(
    readonly limit: number,
    readonly waitMs: number,
  ) {}

  /** Resolves when it is this delivery's turn; rejects once `waitMs` have passed since `arrivedAt` (performance.now()). */
  async enter(arrivedAt: number): Promise<{ leave(): void }> {
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active += 1;
      return this.turn();
    }
    const left = this.waitMs - (performance.now() - arrivedAt);
    if (left <= 0) throw new GateTimeout(this.waitMs);
    await new Promise<void>((resolve, reject) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(new GateTimeout(this.waitMs));
        }, left),
      };
      this.waiting.push(entry);
    });
    return this.turn();
  }

  /** Resolves once no delivery holds or waits for a turn (shutdown: the pool is closed after). */
  async drained(): Promise<void> {
    while (this.active > 0 || this.waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Deliveries holding or waiting for a turn (for logs and tests). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  private turn(): { leave(): void } {
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        const next = this.waiting.shift();
        if (next) {
          clearTimeout(next.timer);
          next.resolve(); // the turn passes on: `active` is unchanged
        } else {
          this.active -= 1;
        }
      },
    };
  }
}

export class GateTimeout extends Error {
  constructor(waitMs: number) {
    super(`no database turn within ${waitMs} ms of arrival`);
  }
}

/** Connections of the web process' pool kept free of webhooks (admin pages, /healthz): a fifth (2 of the default 10). */
function reserved(poolSize: number): number {
  return Math.floor(poolSize / 5);
}

let shared: Gate | undefined;

/** The web process' one gate, sized from its pool (made on first use, once the environment is read). */
export function intakeGate(): Gate {
  shared ??= new Gate(Math.max(1, env.DATABASE_POOL_SIZE - reserved(env.DATABASE_POOL_SIZE)), env.WEBHOOK_WAIT_MS);
  return shared;
}
