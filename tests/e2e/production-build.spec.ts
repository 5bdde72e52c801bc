import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO_PATHS } from "../../app/dev/demo/constants";

const root = path.resolve(import.meta.dirname, "../..");

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
 * The production build, exactly as `npm run build` made it for this suite (test:e2e builds first,
 * with remix.config.js and NODE_ENV=production): the server it serves must not contain the demo.
 * (A second `remix build` inside vitest, beside the demo test's own build, crashed esbuild's CSS
 * plugin now and then; this reads the build the e2e server runs.)
 */
test("the production build has no demo route, and not the demo's token signer or App Bridge stand-in", () => {
  const files = filesOf(path.join(root, "build"));
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
