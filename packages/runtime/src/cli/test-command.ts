// `octo test [paths…]`: finds *.test.yaml files, checks them all first (a bad file is exit 2 with
// file:line:col), runs every case in a fresh runtime, reports as text or JSON (+ JUnit XML), and
// exits 1 when a case failed.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatDiagnostic } from "../errors/diagnostic.ts";
import { loadRegistry } from "../plugin/load-plugins.ts";
import {
  displayPath,
  type FileResult,
  findTestFiles,
  formatCase,
  formatFileHeader,
  formatSummary,
  jsonReport,
  junitReport,
  loadTestFile,
  runTestFile,
  type TestFile,
  totals,
} from "../testing/index.ts";
import { selectCases } from "../testing/runner.ts";
import type { CliIO } from "./main.ts";

export interface TestFlags {
  junit?: string;
  filter?: string;
  reporter: string;
}

const REPORTERS = ["text", "json"] as const;

/** Runs `octo test`; returns the exit code (0 all passed, 1 a case failed, 2 bad input). */
export async function testCommand(io: CliIO, paths: readonly string[], flags: TestFlags): Promise<number> {
  if (!(REPORTERS as readonly string[]).includes(flags.reporter)) {
    io.stderr(
      `octo test: --reporter must be ${REPORTERS.join(" or ")}, not ${JSON.stringify(flags.reporter)}\n`,
    );
    return 2;
  }
  const found = findTestFiles(paths);
  for (const p of found.missing) io.stderr(`octo test: ${p} does not exist\n`);
  if (found.missing.length > 0) return 2;
  if (found.files.length === 0) {
    io.stderr(`octo test: no *.test.yaml files under ${paths.length > 0 ? paths.join(", ") : "."}\n`);
    return 2;
  }

  // Every file is checked before anything runs: a typo in one is never half a test run.
  const files: TestFile[] = [];
  let problems = 0;
  for (const path of found.files) {
    const load = loadTestFile(path, displayPath(path));
    if (load.ok) files.push(load.file);
    else
      for (const d of load.diagnostics) {
        io.stderr(`${formatDiagnostic(d)}\n`);
        problems++;
      }
  }
  if (problems > 0) {
    io.stderr(`${problems} error${problems === 1 ? "" : "s"} in test files; nothing was run\n`);
    return 2;
  }

  const text = flags.reporter === "text";
  const registry = await loadRegistry(io.env);
  const results: FileResult[] = [];
  for (const file of files) {
    if (selectCases(file, flags.filter).length === 0) continue;
    if (text) io.stdout(formatFileHeader(file.file));
    results.push(
      await runTestFile(file, registry, flags.filter, (c) => {
        if (text) io.stdout(formatCase(c));
      }),
    );
  }
  const t = totals(results);
  if (flags.junit !== undefined) {
    const path = resolve(flags.junit);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, junitReport(results));
  }
  if (text) io.stdout(formatSummary(t));
  else io.stdout(jsonReport(results));
  if (t.passed + t.failed === 0) {
    io.stderr(`octo test: no case matches --filter ${JSON.stringify(flags.filter ?? "")}\n`);
    return 1;
  }
  return t.failed > 0 ? 1 : 0;
}
