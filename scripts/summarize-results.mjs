// Add up the vitest JSON reports, pytest's JUnit XML and Playwright's JSON report in a folder and print the closing line
// "N passed, N failed[, N skipped]". Exits 1 when any test failed or a report is missing.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const folder = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const expected = ['vitest-pglite.json', 'vitest-postgres.json', 'pytest.xml', 'fuzz-api-ana.xml', 'fuzz-api-admin.xml', 'playwright.json'];
const found = new Set(readdirSync(folder));

for (const name of expected) {
  if (!found.has(name)) {
    console.log(`${name}: missing, so its suite did not finish; counted as one failure`);
    failed += 1;
    continue;
  }
  const text = readFileSync(path.join(folder, name), 'utf8');
  if (name === 'playwright.json') {
    // Playwright's JSON reporter: expected = passed, unexpected = failed, flaky = passed on retry.
    const { stats, errors = [] } = JSON.parse(text);
    const ok = stats.expected + stats.flaky;
    const bad = stats.unexpected + errors.length;
    passed += ok;
    failed += bad;
    skipped += stats.skipped;
    console.log(`${name}: ${ok} passed, ${bad} failed, ${stats.skipped} skipped`);
  } else if (name.endsWith('.json')) {
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    // A file that fails to load has no tests but still fails the run.
    const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0);
    failed += brokenFiles.length;
    console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles.length} failed, ${report.numPendingTests} skipped`);
  } else {
    const attribute = (key) => Number(new RegExp(`<testsuite[^>]*\\s${key}="(\\d+)"`).exec(text)?.[1] ?? 0);
    const tests = attribute('tests');
    const bad = attribute('failures') + attribute('errors');
    const skips = attribute('skipped');
    passed += tests - bad - skips;
    failed += bad;
    skipped += skips;
    console.log(`${name}: ${tests - bad - skips} passed, ${bad} failed, ${skips} skipped`);
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
