// `octo test` the way CI runs it (a child process): every sample's *.test.yaml passes, a failing
// test reads as a diff and lands in JUnit with exit 1, a malformed test file is exit 2 at its line.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadTestFile } from "../packages/runtime/src/testing/test-file.ts";
import { killAll, ROOT, startOcto } from "./test/octo-process.ts";

afterEach(() => killAll());

const SAMPLES = join(ROOT, "samples");

/** Every directory under samples/ holding an integration (a YAML file that is not a test file). */
function integrationDirs(dir = SAMPLES): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry.startsWith(".") || !statSync(path).isDirectory()) continue;
    const files = readdirSync(path);
    if (files.some((f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f))) out.push(path);
    out.push(...integrationDirs(path));
  }
  return out.sort();
}

const testFilesIn = (dir: string) => readdirSync(dir).filter((f) => /\.test\.ya?ml$/.test(f));

async function octoTest(args: string[]) {
  const octo = startOcto(["test", ...args]);
  const { code } = await octo.exited;
  return { code, output: octo.output() };
}

describe("octo test samples/", () => {
  it("every sample ships a test file, and all of their cases pass", async () => {
    const dirs = integrationDirs();
    expect(dirs.length).toBeGreaterThanOrEqual(16);
    const missing = dirs.filter((d) => testFilesIn(d).length === 0).map((d) => d.slice(ROOT.length + 1));
    expect(missing).toEqual([]);
    // The expected count comes from the files themselves, read by the same loader.
    let cases = 0;
    for (const dir of dirs)
      for (const f of testFilesIn(dir)) {
        const load = loadTestFile(join(dir, f));
        if (!load.ok) throw new Error(`${f} does not load`);
        expect(load.file.cases.length, f).toBeGreaterThan(0);
        cases += load.file.cases.length;
      }

    const junit = join(mkdtempSync(join(tmpdir(), "octo-test-samples-")), "junit.xml");
    const r = await octoTest(["samples/", "--junit", junit]);
    expect(r.code, r.output).toBe(0);
    expect(r.output.trimEnd().split("\n").at(-1)).toBe(`${cases} passed, 0 failed`);
    expect(r.output).not.toContain("✗");
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(`<testsuites name="octo test" tests="${cases}" failures="0"`);
    expect(xml.match(/<testsuite /g)?.length).toBe(dirs.reduce((n, d) => n + testFilesIn(d).length, 0));
  }, 60_000);

  it("a failing test prints a readable diff and the flow's error, writes the failure to JUnit, exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-test-failing-"));
    writeFileSync(
      join(dir, "orders.test.yaml"),
      `config: ${join(SAMPLES, "http-orders")}
cases:
  - name: a POST of 1500 is normal priority
    flow: orders-api
    request: { method: POST, path: /api/v1/orders/42, body: { amount: 1500 } }
    expect:
      status: 201
      output: { id: "42", tenant: public, amount: 1500, priority: normal, currency: EUR }
  - name: hello-invoke greets without a name
    flow: greet
    payload: {}
`,
    );
    writeFileSync(
      join(dir, "greet.test.yaml"),
      `config: ${join(SAMPLES, "hello-invoke", "hello-invoke.yaml")}
cases:
  - name: greets without a name
    flow: greet
    payload: {}
  - name: greets Ada
    flow: greet
    payload: { name: Ada }
    expect: { that: 'output.greeting == "hi, Ada!"' }
`,
    );
    const junit = join(dir, "reports", "junit.xml");
    const r = await octoTest([dir, "--junit", junit]);
    expect(r.code, r.output).toBe(1);
    expect(r.output).toContain("  ✗ a POST of 1500 is normal priority (");
    expect(r.output).toContain(
      ['        -   "priority": "normal",', '        +   "priority": "high",'].join("\n"),
    );
    expect(r.output).toContain(`      at ${join(dir, "orders.test.yaml")}:3:5`);
    expect(r.output).toContain("      flow greet failed in block set-payload:\n        no such key: name");
    expect(r.output).toContain(
      '      expect.that: output.greeting == "hi, Ada!"\n        is false: the left side is "hello, Ada!", the right side "hi, Ada!"',
    );
    expect(r.output.trimEnd().split("\n").at(-1)).toBe("0 passed, 4 failed");

    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain('tests="4" failures="4"');
    expect(xml).toMatch(
      /<testcase name="a POST of 1500 is normal priority" classname="[^"]*orders\.test\.yaml" time="[\d.]+">\s*<failure message="expect\.output: differs from what was expected:" type="AssertionError">/,
    );
    // The diff is in the failure's text (quotes need no escape there).
    expect(xml).toContain('-   "priority": "normal",\n        +   "priority": "high",');
  }, 30_000);

  it("a malformed test file is reported at file:line:col and exits 2 without running anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-test-malformed-"));
    writeFileSync(
      join(dir, "bad.test.yaml"),
      `config: ${join(SAMPLES, "hello-invoke")}
cases:
  - name: typo in a key
    flow: greet
    paylod: { name: Ada }
  - name: typo in an assertion
    flow: greet
    expect:
      that: outptu.greeting == "x"
`,
    );
    const r = await octoTest([dir]);
    expect(r.code, r.output).toBe(2);
    const file = join(dir, "bad.test.yaml");
    expect(r.output).toContain(
      `${file}:5:5: unknown key "paylod" in test file: "cases.0"; did you mean "payload"? [unknown-key]`,
    );
    expect(r.output).toContain(`${file}:9:13: CEL: undeclared variable 'outptu' (did you mean 'output'?)`);
    expect(r.output).toContain("2 errors in test files; nothing was run");
    expect(r.output).not.toContain("passed");
  }, 30_000);
});
