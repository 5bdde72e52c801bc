import pg from "pg";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { PatientPool } from "../app/db/patient-pool.server";
import { logger } from "../app/logger.server";
import { workerLogger } from "../app/jobs/worker-logger.server";
import { startWatchdog, type StallReport } from "../app/jobs/watchdog.server";

/**
 * A database restart while a worker starts (the bench's "PostgreSQL stopped for 3 s", 1 run in 3):
 * graphile-worker 0.18 reads its task ids once, on its first poll for a job, and keeps that
 * promise; when the first poll meets the outage, the rejected promise stays cached and every
 * later poll fails at once, for ever, while the process looks alive. Reproduced here with the
 * real graphile-worker on a pool whose connections are refused for a moment right after the
 * worker's migration (its first connection), as they are while Postgres restarts.
 */
const url = process.env.DATABASE_URL!;
const TASK = "outage-test-task";

/** Refuses connections (ECONNREFUSED, like a stopped server) from the second one on, until `restart()`. */
class RestartingDatabasePool extends PatientPool {
  private connects = 0;
  private down = false;

  constructor(patienceMs: number) {
    super({ connectionString: url, max: 10 }, { patienceMs, logger });
  }

  restart(): void {
    this.down = false;
  }

  protected override connectOnce(): Promise<pg.PoolClient> {
    this.connects += 1;
    if (this.connects === 2) this.down = true; // right after graphile-worker's migration
    if (this.down) return Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
    return super.connectOnce();
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRunner(pool: pg.Pool, done: () => void): Promise<{ runner: Runner; events: WorkerEvents }> {
  const events = new EventEmitter() as WorkerEvents;
  const runner = await run({
    pgPool: pool,
    concurrency: 2,
    taskList: { [TASK]: async () => done() },
    noHandleSignals: true,
    logger: workerLogger,
    events,
    pollInterval: 200,
  });
  cleanups.push(async () => {
    await runner.stop().catch(() => {});
    await pool.end();
  });
  return { runner, events };
}

async function addJob(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("select graphile_worker.add_job($1::text, '{}'::json)", [TASK]);
  await client.end();
}

describe("a database restart while the worker starts", () => {
  it("on a plain pool, leaves graphile-worker polling in vain for ever; the watchdog reports it", async () => {
    let ran = false;
    const pool = new RestartingDatabasePool(0);
    const { events } = await startRunner(pool, () => (ran = true));
    events.once("worker:getJob:error", () => pool.restart()); // its first poll met the outage; the database is back
    const stalled = new Promise<StallReport>((resolve) => {
      const watchdog = startWatchdog({
        events,
        connectionString: url,
        concurrency: 2,
        taskNames: [TASK],
        onStall: resolve,
        getJobStallMs: 3_000,
        checkEveryMs: 500,
      });
      cleanups.push(async () => watchdog.stop());
    });
    await addJob();

    const report = await stalled; // the test's timeout is the cap
    expect(report.kind).toBe("getJob");
    expect(report.dueJobs).toBe(1);
    expect(ran).toBe(false); // the database answered all along after the restart; the job never ran
  });

  it("on the worker's patient pool, waits the restart out and runs the job", async () => {
    let ran: () => void = () => {};
    const finished = new Promise<void>((resolve) => (ran = resolve));
    const pool = new RestartingDatabasePool(60_000);
    await startRunner(pool, () => ran());
    setTimeout(() => pool.restart(), 1_500);
    await addJob();
    await expect(finished).resolves.toBeUndefined(); // the test's timeout is the cap
  });
});

describe("the patient pool", () => {
  it("passes on an error of the statement itself at once", async () => {
    const pool = new PatientPool({ connectionString: url, max: 1 }, { patienceMs: 60_000, logger });
    cleanups.push(() => pool.end());
    await expect(pool.query("select * from no_such_table")).rejects.toThrow(/no_such_table/);
  });

  it("gives up on an unreachable database after its patience", async () => {
    const pool = new PatientPool(
      { connectionString: "postgresql://postgres:postgres@127.0.0.1:1/none", max: 1 },
      { patienceMs: 300, logger },
    );
    cleanups.push(() => pool.end());
    await expect(pool.connect()).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("advisory locks across a dropped connection", () => {
  it("a lock connection the server drops while its job works is discarded, not fatal to the worker", async () => {
    const { withAdvisoryLock } = await import("../app/db/advisory-lock.server");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanups.push(() => admin.end());

    const result = await withAdvisoryLock("client|outage-test", async () => {
      // The server ends the session holding the lock (a restart, a failover, an administrator).
      // This key's lock only: other test files share the database and take advisory locks of their own.
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1
           and ((classid::int8 << 32) | objid::int8) = hashtextextended($1, 0)`,
        ["client|outage-test"],
      );
      expect(rows).toHaveLength(1);
      await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
      for (let gone = false; !gone;) {
        gone = (await admin.query("select 1 from pg_stat_activity where pid = $1", [rows[0]!.pid])).rowCount === 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // the client reads the end of its socket
      return "work done";
    });

    // Before: an 'error' event with no listener, an uncaught exception, the worker process gone.
    expect(result).toBe("work done");
    await expect(withAdvisoryLock("client|outage-test", async () => "next job")).resolves.toBe("next job");
  });
});
