import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../bench/lib/report";

/**
 * A short run of each benchmark (`bench/run.ts --smoke`): the production build against the
 * FreshBooks sandbox on a bench database of its own. Asserts the invariants (nothing lost,
 * nothing duplicated, a report written), never the timings, which this shared machine cannot promise.
 */
const root = path.resolve(import.meta.dirname, "..");
const INVARIANT = /lost|duplicate|clients for one email|connection kept|non-2xx during the outage/i;

function smoke(name: string, params: string[] = []): Report {
  const run = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", "--smoke", "--only", name, ...params.flatMap((p) => ["--param", p])], {
    cwd: root,
    env: { ...process.env },
    encoding: "utf8",
    timeout: 240_000,
  });
  const report = JSON.parse(readFileSync(path.join(root, "bench/results/latest.json"), "utf8")) as Report;
  expect(report.results.map((r) => r.name), run.stderr).toEqual([name]);
  return report;
}

describe("bench smoke runs (npm run bench -- --smoke)", () => {
  it.each([
    ["intake", []],
    ["latency", []],
    ["calls", []],
    ["burst", ["orders=100"]],
    ["synclog", []],
    ["faults", ["orders=20"]],
  ] as const)("%s: runs, writes its report and loses or duplicates nothing", (name, params) => {
    const report = smoke(name, [...params]);
    const [result] = report.results;
    expect(result?.error).toBeUndefined();
    expect(result?.checks.length).toBeGreaterThan(0);
    const broken = result?.checks.filter((check) => INVARIANT.test(check.name) && !check.pass) ?? [];
    expect(broken).toEqual([]);
  }, 240_000);
});
