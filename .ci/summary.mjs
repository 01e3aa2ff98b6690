// Sums the Vitest and Playwright JSON reports into one closing line:
//   tests: N passed, M failed, K skipped
// Exits 1 if anything failed, a report is missing or unreadable, or nothing ran.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const reports = fileURLToPath(
  new URL("../node_modules/.tmp/", import.meta.url),
);
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;

/** @param {string} file */
function read(file) {
  try {
    return JSON.parse(readFileSync(reports + file, "utf8"));
  } catch (error) {
    console.error(`summary: cannot read ${reports}${file}: ${String(error)}`);
    broken = true;
    return null;
  }
}

const unit = read("unit-results.json");
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  skipped += unit.numPendingTests + unit.numTodoTests;
  // A test file that fails to load has no failed tests, only a failed result.
  for (const file of unit.testResults ?? []) {
    if (file.status === "failed" && file.assertionResults.length === 0) {
      console.error(`summary: ${file.name} failed to run: ${file.message}`);
      failed += 1;
    }
  }
}

const e2e = read("e2e-results.json");
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
  for (const error of e2e.errors ?? []) {
    console.error(`summary: Playwright error: ${error.message}`);
    failed += 1;
  }
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
