// The runner on real configs in temporary directories: isolation, inputs, the implicit and explicit
// expectations, unmocked calls, timeouts and redaction.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../errors/diagnostic.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";
import { configSources, type FileResult, runTestFile } from "./runner.ts";
import { loadTestFile } from "./test-file.ts";

const CONFIG = `
service: { name: runner-test }
env:
  - { name: GREETING, default: hello }
  - { name: TOKEN, default: "tok-3f9a-secret", secret: true }
  - { name: UPSTREAM, default: "https://upstream.example.com" }
connectors:
  - { name: api, type: http, settings: { port: 8080, basePath: /api } }
  - { name: up, type: http-client, settings: { baseURL: "\${UPSTREAM}" } }
flows:
  - name: greet
    process:
      - type: set-payload
        settings: { value: '{"text": env.GREETING + ", " + body.name, "tenant": vars.tenant}' }
  - name: put
    process:
      - { type: object-write, settings: { key: '"k"', value: body } }
  - name: get
    process:
      - { type: object-read, settings: { key: '"k"' } }
  - name: leak
    process:
      - { type: set-payload, settings: { value: '{"token": env.TOKEN}' } }
  - name: route
    source: { connector: api, type: http, settings: { path: "/items/{id}", headers: [X-Tenant] } }
    process:
      - type: set-payload
        settings: { value: '{"id": vars.id, "tenant": vars["X-Tenant"]}' }
  - name: other-route
    source: { connector: api, type: http, settings: { path: /other } }
    process:
      - { type: set-payload, settings: { value: '"other"' } }
  - name: recover
    process:
      - type: handle-errors
        process:
          - { type: rest, settings: { connector: up, path: /x } }
        error:
          - { type: set-payload, settings: { value: '"recovered"' } }
  - name: slow
    process:
      - { type: rest, settings: { connector: up, path: /slow } }
`;

/** Writes the config and a test file into a fresh directory and runs it. */
async function run(tests: string, filter?: string): Promise<FileResult> {
  const dir = mkdtempSync(join(tmpdir(), "octo-runner-"));
  writeFileSync(join(dir, "app.yaml"), CONFIG);
  writeFileSync(join(dir, "app.test.yaml"), tests);
  const load = loadTestFile(join(dir, "app.test.yaml"), "app.test.yaml");
  if (!load.ok) throw new Error(load.diagnostics.map(formatDiagnostic).join("\n"));
  return runTestFile(load.file, defaultRegistry(), filter);
}

const messages = (r: FileResult, i = 0) => r.cases[i]?.failures.map((f) => f.message) ?? [];

describe("test runner", () => {
  it("invokes a flow with payload, vars and the test's env", async () => {
    const r = await run(`
env: { GREETING: hi }
cases:
  - name: file env
    flow: greet
    payload: { name: Ada }
    vars: { tenant: acme }
    expect:
      status: completed
      output: { text: "hi, Ada", tenant: acme }
      that: vars.tenant == "acme" && env.GREETING == "hi"
  - name: case env wins
    flow: greet
    payload: { name: Ada }
    vars: { tenant: t }
    env: { GREETING: hey }
    expect:
      output: { text: "hey, Ada", tenant: t }
`);
    expect(r.cases.map((c) => [c.name, c.status, c.failures])).toEqual([
      ["file env", "passed", []],
      ["case env wins", "passed", []],
    ]);
  });

  it("each case has a fresh runtime: what one case stored, the next never sees", async () => {
    const r = await run(`
cases:
  - { name: store, flow: put, payload: { n: 1 }, expect: { output: { n: 1 } } }
  - { name: read, flow: get, payload: null, expect: { output: null } }
`);
    expect(r.cases.map((c) => c.status)).toEqual(["passed", "passed"]);
  });

  it("a failing expectation reports what it saw; a failed flow fails a case that did not expect it", async () => {
    const r = await run(`
cases:
  - name: wrong output
    flow: greet
    payload: { name: Ada }
    vars: { tenant: x }
    expect: { output: { text: "hello, Grace", tenant: x } }
  - name: unexpected failure
    flow: greet
    payload: {}
  - name: expected failure
    flow: greet
    payload: {}
    expect: { status: failed, that: 'error.flow == "greet" && error.message.contains("name")' }
`);
    expect(r.cases.map((c) => c.status)).toEqual(["failed", "failed", "passed"]);
    expect(r.cases[0]?.failures[0]).toMatchObject({
      label: "expect.output",
      diff: expect.stringContaining('-   "text": "hello, Grace"\n+   "text": "hello, Ada"'),
    });
    expect(messages(r, 1)).toEqual([
      "the flow failed; add expect.status (failed, or the HTTP status) when that is what the case tests",
    ]);
    expect(r.cases[1]?.flowError).toMatchObject({ flow: "greet", block: "set-payload" });
  });

  it("sends a request through the flow's HTTP source and checks which flow served it", async () => {
    const r = await run(`
cases:
  - name: served
    flow: route
    request: { path: /api/items/7, headers: { X-Tenant: acme } }
    expect:
      status: 200
      output: { id: "7", tenant: acme }
      that: vars.id == "7" && headers["content-type"].startsWith("application/json")
  - name: served by another flow
    flow: route
    request: { path: /api/other }
  - name: no route
    flow: route
    request: { path: /api/nothing }
  - name: not an http flow
    flow: greet
    request: { path: /api/items/1 }
`);
    expect(r.cases.map((c) => c.status)).toEqual(["passed", "failed", "failed", "failed"]);
    expect(messages(r, 1)).toEqual(["GET /api/other was served by flow other-route, not route"]);
    expect(messages(r, 2)[0]).toMatch(/^GET \/api\/nothing reached no flow \(HTTP 404: /);
    expect(messages(r, 3)).toEqual(["flow greet has no http source: give payload: instead of request:"]);
  });

  it("a call no mock answers fails the case even when the flow recovered from it", async () => {
    const r = await run(`
cases:
  - { name: recovered, flow: recover, payload: null, expect: { output: recovered } }
`);
    expect(r.cases[0]?.status).toBe("failed");
    expect(messages(r)).toEqual([
      "unmocked call: http-client up: GET https://upstream.example.com/x (a test never reaches the network; add a mock for it)",
    ]);
  });

  it("a case that runs past its timeout fails saying so", async () => {
    const r = await run(`
cases:
  - name: slow
    flow: slow
    payload: null
    timeout: 50ms
    mocks: { http: [{ url: /slow, delay: 300ms, body: late }] }
`);
    expect(messages(r)).toEqual(["the case did not finish within 50 ms"]);
  });

  it("a config that does not load with the test's env, or a flow it lacks, fails the case", async () => {
    const r = await run(`
cases:
  - { name: bad env, flow: greet, env: { UPSTREAM: "not a url" } }
  - { name: no such flow, flow: nope }
`);
    expect(messages(r, 0)[0]).toMatch(/^the config does not load:\n.*app\.yaml:\d+:\d+: /);
    expect(messages(r, 1)).toEqual([
      'no flow named "nope"; flows: greet, put, get, leak, route, other-route, recover, slow',
    ]);
  });

  it("only the test's env counts: the shell's variables never reach the config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-runner-env-"));
    // PATH is set in every shell; declared required here, it must come from the test.
    writeFileSync(
      join(dir, "app.yaml"),
      "env: [{ name: PATH, required: true }]\nflows: [{ name: f, process: [] }]\n",
    );
    writeFileSync(join(dir, ".env"), "PATH=/from/dotenv\n");
    writeFileSync(
      join(dir, "app.test.yaml"),
      "cases:\n  - { name: a, flow: f }\n  - { name: b, flow: f, env: { PATH: /x } }\n",
    );
    const load = loadTestFile(join(dir, "app.test.yaml"));
    if (!load.ok) throw new Error("test file did not load");
    const r = await runTestFile(load.file, defaultRegistry());
    expect(messages(r, 0)[0]).toContain("required env var PATH is not set");
    expect(r.cases[1]?.status).toBe("passed");
  });

  it("secret values never reach a report", async () => {
    const r = await run(`
cases:
  - { name: leak, flow: leak, payload: null, expect: { output: { token: other } } }
`);
    const text = JSON.stringify(r);
    expect(text).not.toContain("tok-3f9a-secret");
    expect(text).toContain("[REDACTED]");
  });

  it("--filter selects cases by name, case-insensitively", async () => {
    const r = await run(
      `
cases:
  - { name: Alpha, flow: put, payload: 1 }
  - { name: beta, flow: put, payload: 2 }
`,
      "ALPHA",
    );
    expect(r.cases.map((c) => c.name)).toEqual(["Alpha"]);
  });

  it("the config is the directory's YAML files without its test files", () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-runner-cfg-"));
    writeFileSync(join(dir, "b.yaml"), "flows: []\n");
    writeFileSync(join(dir, "a.yml"), "flows: []\n");
    writeFileSync(join(dir, "a.test.yaml"), "cases: []\n");
    writeFileSync(join(dir, "notes.txt"), "x\n");
    mkdirSync(join(dir, "sub.yaml"));
    const sources = configSources(dir);
    expect(typeof sources === "string" ? sources : sources.map((s) => s.file.split("/").pop())).toEqual([
      "a.yml",
      "b.yaml",
    ]);
    const empty = mkdtempSync(join(tmpdir(), "octo-runner-empty-"));
    expect(configSources(empty)).toMatch(/^no integration YAML files beside the test in /);
  });
});
