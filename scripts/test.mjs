// The real `npm test` (runs under the toolchain's Node 24): type-check, lint/format check,
// then every Vitest project, then the browser suite (`--no-e2e`, i.e. `npm run check`, leaves it out). Ends with one plain line "N passed, N failed[, N skipped]"
// summed over every suite; each static check counts as one test.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const resultsDir = join(root, ".test-results");
const vitestJson = join(resultsDir, "vitest.json");
let passed = 0;
let failed = 0;
let skipped = 0;

function exec(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  return r.status ?? 1;
}

function check(label, cmd, args) {
  console.log(`\n▶ ${label}`);
  if (exec(cmd, args) === 0) {
    passed++;
  } else {
    failed++;
    console.log(`✗ ${label} failed`);
  }
}

check("typecheck (tsc --noEmit)", "pnpm", ["exec", "tsc", "--noEmit", "-p", "tsconfig.json"]);
// The web app has its own settings (DOM, JSX, bundler resolution): its own check.
check("typecheck web (tsc --noEmit)", "pnpm", ["exec", "tsc", "--noEmit", "-p", "apps/web/tsconfig.json"]);
check("lint + format (biome check)", "pnpm", ["exec", "biome", "check", "."]);

console.log("\n▶ vitest");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const vitestStatus = exec("pnpm", [
  "exec",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
try {
  const report = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that fails to load has no tests but must still fail the run.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === "failed" && f.assertionResults.length === 0,
  );
  failed += brokenFiles.length;
  if (vitestStatus !== 0 && report.numFailedTests === 0 && brokenFiles.length === 0) failed++;
} catch {
  console.log("✗ vitest produced no report");
  failed++;
}

// The samples' flow tests (*.test.yaml) through `octo test`, counted case by case from its JUnit file.
runFlowTests();

function runFlowTests() {
  console.log("\n▶ octo test samples/");
  const junit = join(resultsDir, "octo-test.xml");
  const status = exec(process.execPath, [
    join(root, "packages/runtime/bin/octo.js"),
    "test",
    "samples/",
    "--junit",
    junit,
  ]);
  try {
    const suites = /<testsuites\b[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"/.exec(
      readFileSync(junit, "utf8"),
    );
    if (!suites) throw new Error("no <testsuites> element");
    const [tests, failures] = [Number(suites[1]), Number(suites[2])];
    passed += tests - failures;
    failed += failures;
    if (status !== 0 && failures === 0) failed++;
  } catch {
    // Exit 2 (a malformed test file) writes no JUnit file: the step itself fails.
    console.log("✗ octo test produced no JUnit report");
    failed++;
  }
}

// The end-to-end suite: the platform in Debian's Chromium (e2e/), counted test by test.
if (!process.argv.includes("--no-e2e")) runE2e();

function runE2e() {
  console.log("\n▶ e2e (playwright)");
  const e2eJson = join(resultsDir, "e2e.json");
  const e2eStatus = exec("pnpm", ["--filter", "@octo/e2e", "exec", "playwright", "test"]);
  try {
    const { stats } = JSON.parse(readFileSync(e2eJson, "utf8"));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
    skipped += stats.skipped;
    if (e2eStatus !== 0 && stats.unexpected === 0) failed++;
  } catch {
    console.log("✗ playwright produced no report");
    failed++;
  }
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 ? 0 : 1);
