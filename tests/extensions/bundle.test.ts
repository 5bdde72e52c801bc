import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { BUNDLE_LIMIT_BYTES, bundleExtension, extensionDirs } from "../../app/bin/extension-bundle.server";
import { EXTENSIONS_DIR } from "../helpers/extension";

/**
 * The build check: every extension bundles offline as the Shopify CLI bundles it (esbuild,
 * Preact, ESM), within Shopify's 64 KB limit, on an API version that stays deployable.
 */
const dirs = await extensionDirs(EXTENSIONS_DIR);

describe("extension bundles", () => {
  it("finds the three order-page extensions", () => {
    expect(dirs.map((dir) => path.basename(dir))).toEqual([
      "freshbooks-order-action",
      "freshbooks-order-block",
      "freshbooks-order-bulk-action",
    ]);
  });

  it.each(dirs.map((dir) => [path.basename(dir), dir]))("%s bundles, registers its target and stays under 64 KB", async (_name, dir) => {
    const bundle = await bundleExtension(dir);
    for (const target of bundle.targets) expect(bundle.code).toContain(`shopify.extend("${target}"`);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
    expect(bundle.code).not.toMatch(/from\s*["']/); // nothing left to resolve at run time
  });

  it.each(dirs.map((dir) => [path.basename(dir), dir]))("%s is on API 2026-01 or later and has its English strings", async (_name, dir) => {
    const toml = parse(await readFile(path.join(dir, "shopify.extension.toml"), "utf8")) as {
      api_version: string;
      extensions: { name: string; description: string }[];
    };
    expect(toml.api_version >= "2026-01").toBe(true);
    const english = JSON.parse(await readFile(path.join(dir, "locales/en.default.json"), "utf8")) as Record<string, unknown>;
    for (const key of [toml.extensions[0]!.name, toml.extensions[0]!.description].filter((value) => value.startsWith("t:"))) {
      expect(english[key.slice(2)], key).toEqual(expect.any(String));
    }
  });

  it("fails on a broken import, as the CLI would", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "broken-extension-"));
    try {
      await mkdir(path.join(dir, "src"));
      await writeFile(
        path.join(dir, "shopify.extension.toml"),
        'api_version = "2026-07"\n[[extensions]]\nname = "Broken"\nhandle = "broken"\ntype = "ui_extension"\n[[extensions.targeting]]\nmodule = "./src/Block.tsx"\ntarget = "admin.order-details.block.render"\n',
      );
      await writeFile(path.join(dir, "src/Block.tsx"), 'import { nothing } from "./missing";\nexport default async () => nothing();\n');
      await expect(bundleExtension(dir)).rejects.toThrow(/Could not resolve "\.\/missing"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
