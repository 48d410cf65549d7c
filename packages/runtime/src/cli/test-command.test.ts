// `octo test` in-process with captured IO: exit codes, reporters, JUnit output, --filter.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { octoInProcess } from "../../test/cli-in-process.ts";

const octo = (args: string[]) => octoInProcess(args, { env: { OCTO_PLUGINS: "" } });

const CONFIG = `
flows:
  - name: greet
    process:
      - type: set-payload
        settings: { value: '{"greeting": "hello, " + body.name + "!"}' }
`;

/** A directory with the config and the given test files. */
function project(tests: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-test-cmd-"));
  writeFileSync(join(dir, "greet.yaml"), CONFIG);
  for (const [name, text] of Object.entries(tests)) writeFileSync(join(dir, name), text);
  return dir;
}

const PASSING = `
cases:
  - { name: greets Ada, flow: greet, payload: { name: Ada }, expect: { output: { greeting: "hello, Ada!" } } }
  - { name: greets Bo, flow: greet, payload: { name: Bo }, expect: { output: { greeting: "hello, Bo!" } } }
`;

const FAILING = `
cases:
  - name: expects the wrong greeting
    flow: greet
    payload: { name: Ada }
    expect:
      output: { greeting: "hello, Grace!" }
`;

describe("octo test", () => {
  it("runs every case, prints ✓ per case and N passed, N failed, and exits 0", async () => {
    const dir = project({ "greet.test.yaml": PASSING });
    const r = await octo(["test", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  ✓ greets Ada (");
    expect(r.stdout).toContain("  ✓ greets Bo (");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("2 passed, 0 failed");
    expect(r.stderr).toBe("");
  });

  it("a failed case prints ✗ with a diff, writes JUnit and exits 1", async () => {
    const dir = project({ "a.test.yaml": PASSING, "b.test.yaml": FAILING });
    const junit = join(dir, "out", "junit.xml");
    const r = await octo(["test", dir, "--junit", junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("  ✗ expects the wrong greeting (");
    expect(r.stdout).toContain('-   "greeting": "hello, Grace!"\n        +   "greeting": "hello, Ada!"');
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("2 passed, 1 failed");
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain('<testsuites name="octo test" tests="3" failures="1"');
    expect(xml).toMatch(
      /<testcase name="expects the wrong greeting" [^>]*>\s*<failure message="expect.output: /,
    );
  });

  it("--filter runs only matching cases; --reporter json prints one document", async () => {
    const dir = project({ "a.test.yaml": PASSING, "b.test.yaml": FAILING });
    const r = await octo(["test", dir, "--filter", "ADA", "--reporter", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ passed: 1, failed: 0 });
    // Only the file with a matching case is reported.
    expect(doc.files.map((f: { cases: { name: string }[] }) => f.cases.map((c) => c.name))).toEqual([
      ["greets Ada"],
    ]);
    expect(r.code).toBe(0);
    const wrong = await octo(["test", dir, "--filter", "wrong", "--reporter", "json"]);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ passed: 0, failed: 1 });
    expect(wrong.code).toBe(1);
    const none = await octo(["test", dir, "--filter", "nothing matches this"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no case matches --filter "nothing matches this"');
  });

  it("a malformed test file is reported with file:line:col, nothing runs, and it exits 2", async () => {
    const dir = project({
      "a.test.yaml": PASSING,
      "bad.test.yaml": "cases:\n  - name: x\n    flow: greet\n    expekt: {}\n",
    });
    const r = await octo(["test", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.test\.yaml:4:5: unknown key "expekt" .*did you mean "expect"\?/);
    expect(r.stderr).toContain("1 error in test files; nothing was run");
    expect(r.stdout).toBe("");
  });

  it("bad arguments exit 2: a missing path, no test files, an unknown reporter", async () => {
    expect(await octo(["test", "/no/such/path"])).toMatchObject({
      code: 2,
      stderr: "octo test: /no/such/path does not exist\n",
    });
    const empty = mkdtempSync(join(tmpdir(), "octo-test-empty-"));
    expect(await octo(["test", empty])).toMatchObject({
      code: 2,
      stderr: `octo test: no *.test.yaml files under ${empty}\n`,
    });
    expect((await octo(["test", empty, "--reporter", "xml"])).stderr).toBe(
      'octo test: --reporter must be text or json, not "xml"\n',
    );
  });
});
