import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** Every file the production app is made of: its sources and the configs at the root. */
function productionSources(): string[] {
  const files = ["remix.config.js", "prisma.config.ts"];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.(ts|tsx|js)$/.test(name)) files.push(file);
    }
  };
  walk("app");
  return files;
}

const sources = productionSources().map((file) => readFileSync(file, "utf8"));
const scripts = Object.values(pkg.scripts);

function isImported(name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const specifier = new RegExp(`["']${escaped}(/[^"']*)?["']`);
  return sources.some((text) => specifier.test(text));
}

function isRunByAScript(name: string): boolean {
  return scripts.some((script) => new RegExp(`(^|[\\s&;])${name}(\\s|$)`).test(script));
}

describe("package.json", () => {
  it("ships no runtime dependency the app neither imports nor runs (each one is attack surface and install time)", () => {
    const unused = Object.keys(pkg.dependencies).filter((name) => !isImported(name) && !isRunByAScript(name));
    expect(unused).toEqual([]);
  });
});
