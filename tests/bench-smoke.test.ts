import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../bench";

/**
 * A short run of each benchmark (`bench/run.ts --smoke`): the production build against the
 * FreshBooks sandbox on a bench database of its own. Asserts the invariants (nothing lost,
 * nothing duplicated, a report written), never the timings, which this shared machine cannot promise.
 */
const root = path.resolve(import.meta.dirname, "..");
const latest = path.join(root, "bench/results/latest.json");

function smoke(name: string, params: string[], timeoutMs: number): Report {
  rmSync(latest, { force: true }); // the report read below is this run's, not an earlier one
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/run.ts", "--smoke", "--only", name, ...params.flatMap((p) => ["--param", p])],
    {
      cwd: root,
      env: { ...process.env },
      encoding: "utf8",
      timeout: timeoutMs,
    },
  );
  const report = JSON.parse(readFileSync(latest, "utf8")) as Report;
  expect(
    report.results.map((r) => r.name),
    run.stderr,
  ).toEqual([name]);
  return report;
}

describe("bench smoke runs (npm run bench -- --smoke)", () => {
  // Caps, not expectations: each bench bounds its own waits by its work (a fault scenario by its
  // drain limit), so these only stop a run that hangs. The fault suite runs eight scenarios on
  // one stack (~4 minutes on an idle 2-core machine), including the 429 storm and the 5xx plus
  // 20 req/s round of issue #11 at a small size.
  it.each([
    ["intake", [], 600_000],
    ["latency", [], 600_000],
    ["calls", [], 600_000],
    ["burst", ["orders=100"], 600_000],
    ["synclog", [], 600_000],
    ["faults", ["orders=20"], 1_800_000],
    ["import", [], 600_000],
  ] as const)(
    "%s: runs, writes its report and loses or duplicates nothing",
    (name, params, timeoutMs) => {
      const report = smoke(name, [...params], timeoutMs);
      const [result] = report.results;
      expect(result?.error).toBeUndefined();
      const invariants = result?.checks.filter((check) => check.invariant) ?? [];
      expect(invariants.length).toBeGreaterThan(0);
      expect(invariants.filter((check) => !check.pass)).toEqual([]);
    },
    1_900_000,
  );
});
