import { env } from "../env.server";
import { logger } from "../logger.server";
import { recordReceivedOrders, type PgQueryable } from "../models/order-sync.server";
import { intakeGate } from "./gate.server";

/** Received orders one statement records at most (docs/decisions/0019). */
export const INTAKE_BATCH = 500;
/** How often the worker looks for received orders a web process left behind. */
export const INTAKE_SWEEP_MS = 1_000;
/** The worker takes a received order only once it is older than the web processes' longest deferral plus this. */
const SWEEP_MARGIN_MS = 5_000;
/**
 * While deliveries keep coming, a batch starts at most this often: a busy shop's orders are
 * recorded in batches of dozens (one statement, one add_jobs each) rather than one by one. An
 * order arriving after a quiet moment is recorded at once.
 */
const BATCH_SPACING_MS = 25;
/** How often a deferring recorder looks again whether deliveries still queue. */
const DEFER_POLL_MS = 50;
/** After a failed batch, the recorder tries again this much later (its rows wait; nothing is lost). */
const RETRY_AFTER_FAILURE_MS = 1_000;

export interface RecorderOptions {
  /**
   * Deliveries are queueing for the database: recording can wait (the web process' intake gate).
   * Absent: never busy.
   */
  busy?: () => boolean;
  /** The longest a received order is left unrecorded while `busy` (0: never). */
  maxDeferMs?: number;
  /**
   * The workers are running out of orders to sync: recording goes on even while `busy`, so
   * FreshBooks is never left idle by a deferral. Absent: never.
   */
  starving?: () => Promise<boolean>;
  /** Only received orders at least this old (the worker's sweep: what a web process left behind). */
  minAgeMs?: number;
}

/**
 * The deferred intake's second half (docs/decisions/0019): turns received orders (`order_intake`
 * rows the webhook stored with its delivery) into sync records and jobs, in batches. `kick()` after
 * each stored delivery: one run at a time per recorder; deliveries stored while a batch runs are
 * taken by the next one, so a quiet shop's order is recorded a few milliseconds after its 200 and a
 * busy one's in batches. While deliveries queue for the database (`busy`: a flash sale beyond what
 * the process takes), recording waits, up to `maxDeferMs` after the oldest order it has not
 * recorded, as long as the workers have enough to do (`starving`): the database serves the
 * deliveries first (a delivery not answered within Shopify's 5 s comes back minutes later), and
 * FreshBooks, whose rate limit bounds a sale of thousands of orders, is kept busy all the same. Recorders in
 * several processes share the work (their batches skip each other's rows). A failed batch leaves
 * its rows for a retry a second later; the worker's recorder (`startIntakeSweep`) takes whatever a
 * web process that died between its 200 and its batch left behind.
 */
export class IntakeRecorder {
  private running: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** performance.now() of the oldest kick whose orders this recorder has not yet recorded. */
  private pendingSince: number | undefined;

  constructor(
    private readonly db: PgQueryable,
    private readonly options: RecorderOptions = {},
  ) {}

  /** Records what is waiting, now or right after the batch under way. */
  kick(): void {
    this.pendingSince ??= performance.now();
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once no batch runs or is due (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No batch starts any more, none is deferred; what was received is recorded first (shutdown). */
  async stop(): Promise<void> {
    clearTimeout(this.retry);
    await this.idle();
    this.stopped = true;
    if (this.pendingSince !== undefined) await this.drain(false);
  }

  /** Deliveries queue, the oldest unrecorded order may wait longer, and the workers have enough to do. */
  private async deferring(): Promise<boolean> {
    const { busy, maxDeferMs = 0, starving } = this.options;
    if (!busy || maxDeferMs <= 0 || this.pendingSince === undefined) return false;
    if (!busy() || performance.now() - this.pendingSince >= maxDeferMs) return false;
    return !(await starving?.().catch(() => true));
  }

  /** The orders pending since `since` were not all recorded: the oldest pending is the earlier of it and any kick since. */
  private stillPending(since: number | undefined): void {
    if (since !== undefined && (this.pendingSince === undefined || since < this.pendingSince)) this.pendingSince = since;
  }

  private async drain(mayDefer = true): Promise<void> {
    let started = 0;
    do {
      this.again = false;
      for (;;) {
        const wait = started + BATCH_SPACING_MS - performance.now();
        if (started > 0 && wait > 0) await sleep(wait);
        while (mayDefer && !this.stopped && (await this.deferring())) await sleep(DEFER_POLL_MS);
        started = performance.now();
        const since = this.pendingSince;
        this.pendingSince = undefined;
        let taken: number;
        try {
          const batch = await recordReceivedOrders(this.db, INTAKE_BATCH, null, this.options.minAgeMs ?? 0);
          if (batch.taken > 0) logger.debug({ ...batch }, "received orders recorded");
          taken = batch.taken;
        } catch (error) {
          this.stillPending(since);
          logger.warn(
            { reason: error instanceof Error ? error.message : String(error) },
            "received orders could not be recorded yet; trying again shortly",
          );
          if (this.stopped) return;
          clearTimeout(this.retry);
          this.retry = setTimeout(() => this.kick(), RETRY_AFTER_FAILURE_MS);
          this.retry.unref();
          return;
        }
        if (taken < INTAKE_BATCH) break;
        // More are waiting: the oldest of them is at least as old as the oldest before this batch.
        this.stillPending(since);
      }
    } while (this.again);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let shared: IntakeRecorder | undefined;

/** While deferring, recording goes on whenever fewer jobs than this are due: the workers always have a batch or two ahead. */
const FED_JOBS = 2 * INTAKE_BATCH;

/** Fewer than FED_JOBS jobs due and not taken (any task, any shop: a bounded look at graphile-worker's queue). */
async function workersStarving(db: PgQueryable): Promise<boolean> {
  const { rows } = await db.query<{ due: number }>({
    name: "intake-jobs-due",
    text: `select count(*)::int as due from (
      select 1 from graphile_worker._private_jobs where locked_at is null and run_at <= now() limit $1) due`,
    values: [FED_JOBS],
  });
  return (rows[0]?.due ?? 0) < FED_JOBS;
}

/**
 * The web process' recorder on the given pool (made on first use): it defers while deliveries
 * queue at its intake gate and the workers have a thousand jobs due.
 */
export function intakeRecorder(db: PgQueryable): IntakeRecorder {
  shared ??= new IntakeRecorder(db, {
    busy: () => intakeGate().load.waiting > 0,
    maxDeferMs: env.INTAKE_MAX_DEFER_MS,
    starving: () => workersStarving(db),
  });
  return shared;
}

/** Resolves once this process' recorder has no batch running or deferred (tests: the order is recorded by then). */
export async function intakeIdle(): Promise<void> {
  await shared?.idle();
}

/** Shutdown of a web process: what it received is recorded before its pool closes. */
export async function stopIntakeRecorder(): Promise<void> {
  await shared?.stop();
}

/**
 * The worker's share: every `everyMs`, the received orders a web process left behind (it died
 * after answering, or its batches kept failing): those older than any web process defers
 * (INTAKE_MAX_DEFER_MS) plus a margin, so a busy web tier's deferral is not undone here. Its own
 * recorder, on the worker's pool.
 */
export function startIntakeSweep(
  db: PgQueryable,
  everyMs: number,
  minAgeMs = env.INTAKE_MAX_DEFER_MS + SWEEP_MARGIN_MS,
): { stop(): Promise<void> } {
  const recorder = new IntakeRecorder(db, { minAgeMs });
  recorder.kick();
  const timer = setInterval(() => recorder.kick(), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await recorder.idle();
    },
  };
}
