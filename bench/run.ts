/**
 * `npm run bench [-- --only intake,burst] [--smoke] [--param name=value]`: the benchmarks and the
 * fault-injection suite of issue 7, each on its own fresh stack, one after another. Writes
 * bench/results/<timestamp>.{md,json} and latest.{md,json}. Exit code 1 when an invariant
 * (lost / duplicated) or a bench failed; missed performance targets are reported, not fatal.
 */
import { appEnv } from "./lib/config";
import type { BenchResult, Report } from "./lib/report";

Object.assign(process.env, appEnv({ LOG_LEVEL: "silent" }));

const BENCHES = ["intake", "latency", "calls", "burst", "synclog", "faults", "import"] as const;
type BenchName = (typeof BENCHES)[number];

function parseArgs(argv: string[]): { only: BenchName[]; smoke: boolean; params: Record<string, string> } {
  let only: BenchName[] = [...BENCHES];
  let smoke = false;
  const params: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--smoke") smoke = true;
    else if (arg === "--only") {
      const names = (argv[++i] ?? "").split(",").filter(Boolean);
      const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name));
      if (unknown.length) throw new Error(`unknown bench ${unknown.join(", ")}; choose from ${BENCHES.join(", ")}`);
      only = names as BenchName[];
    } else if (arg === "--param") {
      const [key, value] = (argv[++i] ?? "").split("=");
      if (!key || value === undefined) throw new Error("--param needs name=value");
      params[key] = value;
    } else throw new Error(`unknown argument ${arg}. Usage: bench/run.ts [--only ${BENCHES.join(",")}] [--smoke] [--param name=value]`);
  }
  return { only, smoke, params };
}

const args = parseArgs(process.argv.slice(2));

// Stopped from outside (Ctrl-C, the smoke test's timeout): take the bench's PostgreSQL, server
// and workers down too, or they would hold the bench ports for the next run.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: stopping the bench stack\n`);
    void import("./lib/stack").then(({ stopLiveStacks }) => stopLiveStacks()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}
const { Params } = await import("./lib/params");
const { machine, writeReport } = await import("./lib/report");
const params = new Params(args.smoke, args.params);
const runners: Record<BenchName, () => Promise<BenchResult>> = {
  intake: async () => (await import("./intake")).intakeBench(params),
  latency: async () => (await import("./latency")).latencyBench(params),
  calls: async () => (await import("./calls")).callsBench(params),
  burst: async () => (await import("./burst")).burstBench(params),
  synclog: async () => (await import("./synclog")).syncLogBench(params),
  faults: async () => (await import("./faults")).faultsBench(params),
  import: async () => (await import("./import")).importBench(params),
};

const report: Report = {
  startedAt: new Date().toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
  smoke: args.smoke,
  machine: {},
  results: [],
};
let postgres = "?";
for (const name of args.only) {
  const started = performance.now();
  process.stderr.write(`[bench] ${name}${args.smoke ? " (smoke)" : ""}…\n`);
  let result: BenchResult;
  try {
    result = await runners[name]();
    postgres = String(result.metrics.postgres ?? postgres);
  } catch (error) {
    result = {
      name,
      title: name,
      settings: {},
      metrics: {},
      checks: [],
      notes: [],
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  result.elapsedMs = Math.round(performance.now() - started);
  report.results.push(result);
  for (const check of result.checks)
    process.stderr.write(`[bench]   ${check.pass ? "ok  " : "MISS"} ${check.name}: ${check.measured} (target ${check.target})\n`);
  if (result.error) process.stderr.write(`[bench]   ERROR ${result.error}\n`);
}
report.machine = machine(postgres);
const files = writeReport(report);
process.stderr.write(`[bench] report: ${files.markdown}\n`);
const broken = report.results.some((r) => r.error || r.checks.some((c) => c.invariant && !c.pass));
process.exit(broken ? 1 : 0);
