import pg from "pg";
import type { Logger } from "../logger.server";

/**
 * Errors that say "the database cannot be reached right now" (down, restarting, failing over,
 * the connection dropped), as opposed to an error of the statement itself. Worth waiting out.
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "57P01", // admin_shutdown: the server is stopping (fast shutdown) or an administrator ended the session
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting up or shutting down
]);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true; // 08xxx: connection_exception
  return /Connection terminated|timeout exceeded when trying to connect|connection timeout/i.test(error.message);
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * The pool graphile-worker runs on in the worker process. graphile-worker (0.18) survives a
 * database outage badly on a pool of its own:
 *
 * - it does not await marking a job completed or failed (worker.js: `completeJob(job)`,
 *   `failJob(...)`), and retries that only for serialization failures and "starting up"
 *   (57P03): a job that ends while the database is down (ECONNREFUSED) leaves a rejected
 *   promise nobody handles, and Node ends the process, with every job it was running;
 * - the connections it holds (a job being fetched, the LISTEN connection) have no 'error'
 *   listener while checked out unless it made the pool itself.
 *
 * So this pool waits for the database: a connection that cannot be made for a reason that is
 * the database's state (down, starting, shutting down) is tried again with a short backoff for
 * up to `patienceMs`, so a restart of a few seconds delays the job's bookkeeping instead of
 * killing the worker. A statement error, or an outage longer than the patience, is passed on
 * as before. Every connection gets an 'error' listener for its whole life (an error of a
 * checked-out connection fails its query; the pool discards the connection).
 */
export class PatientPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly patience: { patienceMs: number; logger: Logger },
  ) {
    super(config);
    this.on("error", (error) => patience.logger.warn({ reason: error.message }, "idle database connection lost"));
    this.on("connect", (client) =>
      client.on("error", (error) => patience.logger.warn({ reason: error.message }, "database connection lost")),
    );
  }

  /** One try at a connection (the plain pool's). */
  protected connectOnce(): Promise<pg.PoolClient> {
    return super.connect();
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.patience.patienceMs;
    let waited = 0;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        const client = await this.connectOnce();
        if (waited > 0) this.patience.logger.info({ waitedMs: waited }, "database reachable again");
        return client;
      } catch (error) {
        if (this.ending || !isConnectionError(error) || Date.now() + delay > deadline) throw error;
        if (waited === 0) this.patience.logger.warn({ reason: (error as Error).message }, "database unreachable; waiting for it");
        await new Promise((resolve) => setTimeout(resolve, delay));
        waited += delay;
      }
    }
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.connectPatiently();
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release?: unknown) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }
}
