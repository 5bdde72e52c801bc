/**
 * `tsx tests/run-parallel.ts <npm script>…`: runs npm scripts at the same time, each line of
 * their output prefixed with the script's name, and exits with the first failure's code (0 when
 * all pass). `npm test` runs the browser tests beside the bench smoke runs this way: both mostly
 * wait (on a browser, on drains), on ports of their own, so together they take the longer one's time.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write("usage: tsx tests/run-parallel.ts <npm script> [<npm script>…]\n");
  process.exit(2);
}

const width = Math.max(...scripts.map((script) => script.length));
const codes = await Promise.all(
  scripts.map(
    (script) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"], env: process.env });
        const prefix = `[${script.padEnd(width)}] `;
        for (const [stream, out] of [
          [child.stdout, process.stdout],
          [child.stderr, process.stderr],
        ] as const) {
          createInterface({ input: stream }).on("line", (line) => out.write(prefix + line + "\n"));
        }
        child.on("error", (error) => {
          process.stderr.write(`${prefix}could not start: ${error.message}\n`);
          resolve(1);
        });
        child.on("close", (code, signal) => {
          const seconds = Math.round((Date.now() - started) / 1000);
          process.stdout.write(`${prefix}${code === 0 ? "passed" : `failed (${signal ?? `exit ${code}`})`} after ${seconds} s\n`);
          resolve(code ?? 1);
        });
      }),
  ),
);
process.exit(codes.find((code) => code !== 0) ?? 0);
