import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RESULTS_DIR, ROOT } from "./config";

/** One target of the issue: what was measured against what was asked. */
export interface Check {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  /**
   * A correctness check (nothing lost, nothing duplicated, no errors, the scenario ran) rather
   * than a performance target: a failed invariant fails the run (exit 1) and the smoke tests.
   */
  invariant?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  settings: Record<string, unknown>;
  metrics: Record<string, unknown>;
  checks: Check[];
  notes: string[];
  elapsedMs?: number;
  error?: string;
}

export interface Report {
  startedAt: string;
  command: string;
  smoke: boolean;
  machine: Record<string, unknown>;
  results: BenchResult[];
}

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

export function machine(postgres: string): Record<string, unknown> {
  const cpus = os.cpus();
  let commit = "?";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  let build = "missing";
  try {
    build = statSync(path.join(ROOT, "build/server.js")).mtime.toISOString();
  } catch {
    // no build
  }
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? "?"}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    versions: {
      "graphile-worker": version("graphile-worker"),
      "@prisma/client": version("@prisma/client"),
      "@shopify/shopify-app-remix": version("@shopify/shopify-app-remix"),
    },
    commit,
    buildTime: build,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const cell = (value: unknown) => (typeof value === "object" ? JSON.stringify(value) : String(value)).replace(/\|/g, "\\|");

export function toMarkdown(report: Report): string {
  const lines = [
    `# Bench report ${report.startedAt}${report.smoke ? " (smoke sizes)" : ""}`,
    "",
    `Command: \`${report.command}\``,
    "",
    "## Machine",
    "",
  ];
  for (const [key, value] of Object.entries(report.machine)) lines.push(`- ${key}: ${cell(value)}`);
  for (const result of report.results) {
    lines.push("", `## ${result.title}`, "");
    if (result.error) lines.push(`**Error:** ${result.error}`, "");
    if (result.checks.length) {
      lines.push("| Target | Goal | Measured | Meets |", "|---|---|---|---|");
      for (const check of result.checks)
        lines.push(`| ${check.name} | ${cell(check.target)} | ${cell(check.measured)} | ${check.pass ? "yes" : "**no**"} |`);
      lines.push("");
    }
    lines.push(
      "<details><summary>settings and metrics</summary>",
      "",
      "```json",
      JSON.stringify({ settings: result.settings, metrics: result.metrics, elapsedMs: result.elapsedMs }, null, 2),
      "```",
      "</details>",
    );
    for (const note of result.notes) lines.push("", `- ${note}`);
  }
  return `${lines.join("\n")}\n`;
}

export function writeReport(report: Report): { markdown: string; json: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const markdown = toMarkdown(report);
  const json = JSON.stringify(report, null, 2);
  const files = { markdown: path.join(RESULTS_DIR, `${stamp}.md`), json: path.join(RESULTS_DIR, `${stamp}.json`) };
  writeFileSync(files.markdown, markdown);
  writeFileSync(files.json, json);
  writeFileSync(path.join(RESULTS_DIR, "latest.md"), markdown);
  writeFileSync(path.join(RESULTS_DIR, "latest.json"), json);
  return files;
}
