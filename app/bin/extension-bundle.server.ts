import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Bundles an admin UI extension offline the way the Shopify CLI does (esbuild; digest of the CLI's
 * bundle step in docs/extensions.md): one generated entry per target that imports the target's
 * module from shopify.extension.toml and registers it with `shopify.extend`, bundled with Preact
 * as the JSX runtime, ESM, minified. A broken import fails the build, and the result is
 * measured against Shopify's 64 KB limit (gzip as the proxy for "compressed", UNCONFIRMED).
 *
 * esbuild and smol-toml are development dependencies, loaded when a bundle is asked for: the
 * demo's order page uses this module, and the production server (which has neither) must still
 * start with it in the build.
 */
export const BUNDLE_LIMIT_BYTES = 64 * 1024;

export interface ExtensionBundle {
  handle: string;
  targets: string[];
  bytes: number;
  gzipBytes: number;
  code: string;
}

interface ExtensionToml {
  api_version?: string;
  extensions?: { handle?: string; type?: string; targeting?: { module?: string; target?: string }[] }[];
}

/** The extension folders under `root` (those with a shopify.extension.toml). */
export async function extensionDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const toml = path.join(root, entry.name, "shopify.extension.toml");
    if (
      await stat(toml).then(
        () => true,
        () => false,
      )
    )
      dirs.push(path.join(root, entry.name));
  }
  return dirs.sort();
}

export async function bundleExtension(dir: string): Promise<ExtensionBundle> {
  const [{ build }, { parse }] = await Promise.all([import("esbuild"), import("smol-toml")]);
  const config = parse(await readFile(path.join(dir, "shopify.extension.toml"), "utf8")) as ExtensionToml;
  const extension = config.extensions?.[0];
  const targeting = extension?.targeting ?? [];
  if (!extension?.handle || targeting.length === 0) throw new Error(`${dir}: shopify.extension.toml names no handle or target`);
  const lines = targeting.map((entry, index) => {
    if (!entry.module || !entry.target) throw new Error(`${dir}: a [[extensions.targeting]] entry lacks module or target`);
    return `import Target_${index} from ${JSON.stringify(entry.module)};\nshopify.extend(${JSON.stringify(entry.target)}, (...args) => Target_${index}(...args));`;
  });
  const result = await build({
    stdin: { contents: lines.join("\n"), resolveDir: dir, sourcefile: `${extension.handle}-entry.js`, loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    target: "es6",
    minify: true,
    legalComments: "none",
    jsx: "automatic",
    jsxImportSource: "preact",
    loader: { ".js": "jsx", ".esnext": "ts" },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`${dir}: esbuild wrote nothing`);
  return {
    handle: extension.handle,
    targets: targeting.map((entry) => entry.target ?? ""),
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    code: output.text,
  };
}
