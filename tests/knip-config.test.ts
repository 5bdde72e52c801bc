import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/**
 * `npm run lint` ends with knip (docs/decisions/0018). These run knip with this repository's
 * knip.json over a small project laid out like ours, so a change to the config that stops it
 * reporting dead code fails here (the repository itself must stay clean, which lint checks).
 */
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function knip(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "knip-config-"));
  dirs.push(dir);
  await copyFile(path.join(root, "knip.json"), path.join(dir, "knip.json"));
  const all = { "package.json": JSON.stringify({ name: "fixture", private: true, type: "module" }), ...files };
  for (const [name, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  try {
    const { stdout } = await run(path.join(root, "node_modules/.bin/knip"), ["--no-progress", "--no-config-hints"], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, output: failed.stdout ?? "" };
  }
}

describe("knip's config (knip.json)", () => {
  it("fails on an export nothing imports and on a file nothing imports; passes once they are gone", async () => {
    const entry = `import { used } from "../sync/lib";\nused();\n`;
    const dead = await knip({
      "app/bin/main.ts": entry,
      "app/sync/lib.ts": `export function used() {}\nexport function neverCalled() {}\n`,
      "app/sync/orphan.ts": `export const orphan = 1;\n`,
    });
    expect(dead.code).toBe(1);
    expect(dead.output).toMatch(/neverCalled/);
    expect(dead.output).toMatch(/app\/sync\/orphan\.ts/);

    const clean = await knip({ "app/bin/main.ts": entry, "app/sync/lib.ts": `export function used() {}\n` });
    expect(clean).toEqual({ code: 0, output: expect.not.stringMatching(/Unused/) });
  }, 120_000);

  it("counts a file started by path as used (the demo's web server is an entry)", async () => {
    const result = await knip({
      "app/bin/main.ts": `console.log("app/dev/demo/web-server.ts");\n`,
      "app/dev/demo/web-server.ts": `console.log("serving");\n`,
    });
    expect(result).toEqual({ code: 0, output: expect.not.stringMatching(/web-server/) });
  }, 120_000);
});
