import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: root });

/** The boundary errors ESLint reports for this source placed at this path (the file need not exist). */
async function forbidden(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === "no-restricted-imports").map((message) => message.message);
}

describe("the lint config's boundaries (eslint.config.js)", () => {
  it("refuses an import of app/dev/ in production code, and allows it inside app/dev/", async () => {
    const source = `import { startSandbox } from "../dev/freshbooks-sandbox/server";\nexport const s = startSandbox;\n`;
    expect(await forbidden("app/routes/app.fixture.tsx", source)).toEqual([expect.stringContaining("never imports app/dev/")]);
    expect(await forbidden("app/jobs/tasks/fixture.server.ts", source.replace("../dev/", "../../dev/"))).toHaveLength(1);
    expect(await forbidden("app/dev/demo/fixture.ts", source.replace("../dev/", "../"))).toEqual([]);
  });

  it("refuses an import of tests/ anywhere outside tests/", async () => {
    const source = `import { TEST_ENV } from "../../tests/test-env";\nexport const e = TEST_ENV;\n`;
    expect(await forbidden("app/sync/fixture.ts", source)).toEqual([expect.stringContaining("Nothing outside tests/")]);
    expect(await forbidden("bench/lib/fixture.ts", source)).toEqual([expect.stringContaining("Nothing outside tests/")]);
  });

  it("lets tests import the bench only through bench/index.ts", async () => {
    expect(
      await forbidden("tests/fixture.test.ts", `import type { Report } from "../bench/lib/report";\nexport type R = Report;\n`),
    ).toEqual([expect.stringContaining("public entry point")]);
    expect(await forbidden("tests/fixture.test.ts", `import type { Report } from "../bench";\nexport type R = Report;\n`)).toEqual([]);
  });

  it("keeps models/ and sync/ off the worker's internals (no jobs↔models/sync cycle), and the queue's leaves leaves", async () => {
    expect(
      await forbidden("app/sync/fixture.ts", `import { DEAD_AFTER_MS } from "../jobs/liveness.server";\nexport const d = DEAD_AFTER_MS;\n`),
    ).toHaveLength(1);
    expect(
      await forbidden("app/models/fixture.server.ts", `import { enqueue } from "../jobs/enqueue.server";\nexport const e = enqueue;\n`),
    ).toEqual([]);
    expect(await forbidden("app/jobs/catalog.ts", `import { logger } from "../logger.server";\nexport const l = logger;\n`)).toHaveLength(
      1,
    );
  });

  it("keeps the FreshBooks sandbox apart from the app (data files of app/data/ excepted)", async () => {
    expect(
      await forbidden("app/dev/freshbooks-sandbox/fixture.ts", `import { env } from "../../env.server";\nexport const e = env;\n`),
    ).toHaveLength(1);
    expect(
      await forbidden("app/dev/freshbooks-sandbox/fixture.ts", `import list from "../../data/currencies.json";\nexport const l = list;\n`),
    ).toEqual([]);
  });
});
