// Prints the suite's totals as one closing line, "N passed, N failed", from the JSON reports
// vitest and Playwright write to test-reports/. A missing report counts as a failure.
import { readFileSync } from "node:fs";

function read(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = read("test-reports/vitest.json");
const benchSmoke = read("test-reports/vitest-bench-smoke.json");
for (const report of [vitest, benchSmoke]) {
  if (report) {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  } else failed += 1;
}
const playwright = read("test-reports/playwright.json");
if (playwright) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky;
  skipped += playwright.stats.skipped;
} else failed += 1;
console.log(
  `vitest ${vitest ? vitest.numPassedTests : "?"} passed, bench smoke ${benchSmoke ? benchSmoke.numPassedTests : "?"} passed, playwright ${playwright ? playwright.stats.expected : "?"} passed`,
);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
