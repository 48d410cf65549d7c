import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlSource } from "../config/yaml-source.ts";
import { formatDiagnostic } from "../errors/diagnostic.ts";
import { DEFAULT_CASE_TIMEOUT_MS, isTestFile, loadTestFile, parseTestFile } from "./test-file.ts";

const DIR = "/repo/samples/x";

function parse(text: string) {
  return parseTestFile(new YamlSource("x.test.yaml", text), DIR);
}

function errors(text: string): string[] {
  const r = parse(text);
  if (r.ok) throw new Error("expected the test file to be refused");
  return r.diagnostics.map(formatDiagnostic);
}

describe("test files", () => {
  it("loads cases with file-level env and mocks merged under each case's own", () => {
    const r = parse(`
env: { A: one, N: 2 }
mocks:
  http: [{ url: /shared, body: shared }]
cases:
  - name: first
    flow: main
    payload: { x: 1 }
    vars: { tenant: acme }
    env: { A: own }
    mocks:
      http: [{ method: post, url: /own, status: 201 }]
    expect:
      status: completed
      output: null
      that: output == null
  - name: second
    request: { path: /orders, query: { q: [a, b] } }
    timeout: 2s
`);
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    const [first, second] = r.file.cases;
    expect(r.file.config).toBe(DIR);
    expect(first).toMatchObject({
      name: "first",
      flow: "main",
      payload: { x: 1 },
      vars: { tenant: "acme" },
      env: { A: "own", N: "2" },
      expect: { status: "completed", output: { value: null } },
      timeoutMs: DEFAULT_CASE_TIMEOUT_MS,
      location: "x.test.yaml:6:5",
    });
    // The case's own mock is tried first; methods are upper-cased; status defaults to 200.
    expect(first?.mocks.http.map((m) => [m.method, m.url, m.status])).toEqual([
      ["POST", "/own", 201],
      [undefined, "/shared", 200],
    ]);
    expect(first?.expect.that.map((a) => [a.label, a.source])).toEqual([["expect.that", "output == null"]]);
    expect(second).toMatchObject({
      flow: undefined,
      payload: null,
      request: { method: "GET", path: "/orders", query: { q: ["a", "b"] } },
      expect: { that: [] },
      timeoutMs: 2000,
    });
    // No `output:` written: nothing to compare.
    expect(second?.expect.output).toBeUndefined();
  });

  it("config: is relative to the test file and must exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-test-file-"));
    writeFileSync(join(dir, "app.yaml"), "flows: []\n");
    writeFileSync(join(dir, "ok.test.yaml"), "config: app.yaml\ncases: [{ name: a, flow: f }]\n");
    writeFileSync(join(dir, "bad.test.yaml"), "config: nope.yaml\ncases: [{ name: a, flow: f }]\n");
    const ok = loadTestFile(join(dir, "ok.test.yaml"));
    expect(ok.ok && ok.file.config).toBe(join(dir, "app.yaml"));
    const bad = loadTestFile(join(dir, "bad.test.yaml"), "bad.test.yaml");
    expect(bad.ok ? [] : bad.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^bad\.test\.yaml:1:9: config nope\.yaml does not exist .*\[test-config-not-found\]/,
      ),
    ]);
  });

  it("an unknown key is located, with a did-you-mean", () => {
    expect(errors("cases:\n  - name: a\n    flow: f\n    expcet: { status: failed }\n")[0]).toMatch(
      /^x\.test\.yaml:4:5: unknown key "expcet" in test file: "cases\.0"; did you mean "expect"\? \[unknown-key\]/,
    );
  });

  it("a CEL assertion that does not compile points into the expression", () => {
    const [e] = errors("cases:\n  - name: a\n    flow: f\n    expect:\n      that:\n        - outptu == 1\n");
    expect(e).toMatch(/^x\.test\.yaml:6:11: CEL: undeclared variable 'outptu' \(did you mean 'output'\?\)/);
    expect(e).toContain(
      "hint: assertions see output, status, vars, calls, events, logs, error, headers, env",
    );
  });

  it("an expression YAML read as a map gets a hint to quote it", () => {
    const [e] = errors(
      'cases:\n  - name: a\n    flow: f\n    expect:\n      that:\n        - output.contains("a: b")\n',
    );
    expect(e).toMatch(
      /^x\.test\.yaml:6:11: test file: "cases\.0\.expect\.that\.0" must be a string, not a map/,
    );
    expect(e).toContain("hint: quote the expression");
  });

  it("refuses what cannot run: no flow, payload with a request, url and urlPattern, a bad regex", () => {
    const out = errors(`
cases:
  - name: no flow
    payload: 1
  - name: both inputs
    request: { path: /x }
    payload: 1
  - name: mocks
    flow: f
    mocks:
      http:
        - { url: /a, urlPattern: a }
        - { method: GET }
        - { urlPattern: "(" }
      database:
        - { statementPattern: "[" }
      llm:
        - { text: a, json: 1 }
        - {}
`);
    expect(out.map((l) => l.split("\n")[0])).toEqual([
      'x.test.yaml:3:5: test file: "cases.0.flow": give flow (or an HTTP request:) [invalid-custom]',
      'x.test.yaml:7:14: test file: "cases.1.payload": a request case sends request.body, not payload [invalid-custom]',
      'x.test.yaml:12:18: test file: "cases.2.mocks.http.0.url": give either url or urlPattern, not both [invalid-custom]',
      'x.test.yaml:13:11: test file: "cases.2.mocks.http.1.url": give url or urlPattern [invalid-custom]',
      'x.test.yaml:14:25: test file: "cases.2.mocks.http.2.urlPattern": is not a valid regular expression [invalid-custom]',
      'x.test.yaml:16:31: test file: "cases.2.mocks.database.0.statementPattern": is not a valid regular expression [invalid-custom]',
      'x.test.yaml:18:28: test file: "cases.2.mocks.llm.0.json": give either text or json, not both [invalid-custom]',
      'x.test.yaml:19:11: test file: "cases.2.mocks.llm.1": give text, json, toolCalls or error [invalid-custom]',
    ]);
  });

  it("case names are unique in a file", () => {
    expect(errors("cases:\n  - { name: a, flow: f }\n  - { name: a, flow: g }\n")[0]).toMatch(
      /^x\.test\.yaml:3:13: duplicate case name "a" \(first at cases\[0\]\) \[duplicate-case\]/,
    );
  });

  it("YAML syntax errors and a file without cases are located too", () => {
    expect(errors("cases: [\n")[0]).toMatch(/^x\.test\.yaml:\d+:\d+: YAML syntax error/);
    expect(errors("cases: []\n")[0]).toMatch(/^x\.test\.yaml:1:8: test file: "cases": /);
    expect(errors("- a\n")[0]).toMatch(/^x\.test\.yaml:1:1: test file must be a map/);
  });

  it("names test files by their .test.yaml / .test.yml ending", () => {
    expect(["a.test.yaml", "b.TEST.yml", "c.yaml", "test.yaml", "d.test.json"].map(isTestFile)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
