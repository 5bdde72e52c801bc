import path from "node:path";
import { BUNDLE_LIMIT_BYTES, bundleExtension, extensionDirs } from "./extension-bundle.server";

/**
 * `npx tsx app/bin/build-extensions.ts`: bundles every extension in extensions/ offline as the
 * Shopify CLI would and prints its size; exits 1 on a broken import or a bundle over 64 KB.
 * (tests/extensions/bundle.test.ts runs the same check in `npm test`.)
 */
let failed = false;
for (const dir of await extensionDirs(path.resolve("extensions"))) {
  try {
    const bundle = await bundleExtension(dir);
    const over = bundle.gzipBytes > BUNDLE_LIMIT_BYTES;
    failed ||= over;
    process.stdout.write(`${bundle.handle}: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped${over ? " — OVER the 64 KB limit" : ""}\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`${path.basename(dir)}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
