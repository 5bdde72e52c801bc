import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PATHS } from "../app/dev/demo/constants";

const root = path.resolve(import.meta.dirname, "..");
let dir: string;

/** Every file of a build directory, with its text. */
function filesOf(directory: string): { file: string; text: string }[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(js|json)$/.test(entry.name))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file: path.relative(directory, file), text: readFileSync(file, "utf8") };
    });
}

/**
 * The production Remix build, exactly as `npm run build` makes it (remix.config.js, NODE_ENV=production),
 * written to a directory of its own so it never races the build/ that Playwright or the demo use.
 */
beforeAll(async () => {
  mkdirSync(path.join(root, ".data"), { recursive: true });
  dir = mkdtempSync(path.join(root, ".data/build-check-"));
  writeFileSync(
    path.join(dir, "remix.config.js"),
    `import config from ${JSON.stringify(pathToFileURL(path.join(root, "remix.config.js")).href)};\n` +
      `export default { ...config, appDirectory: ${JSON.stringify(path.join(root, "app"))} };\n`,
  );
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const child = spawn(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build", dir], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`remix build failed (${code}):\n${output}`);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the production build", () => {
  it("has no demo route, and not the demo's token signer or App Bridge stand-in", () => {
    const files = filesOf(path.join(dir, "build"));
    expect(files.some((entry) => entry.file.startsWith("server/"))).toBe(true);
    const server = files.find((entry) => entry.file === path.join("server", "index.js"));
    expect(server?.text).toMatch(/"routes\/app\.settings"/); // the real routes are there

    for (const { file, text } of files) {
      expect(text, file).not.toMatch(/routes\/demo\./);
      for (const demoPath of Object.values(DEMO_PATHS)) expect(text, `${file} mentions ${demoPath}`).not.toContain(`"${demoPath}"`);
      expect(text, file).not.toContain("demo-api-secret-not-for-production");
      expect(text, file).not.toMatch(/function signSessionToken|function appBridgeStandIn/);
    }
  });
});
