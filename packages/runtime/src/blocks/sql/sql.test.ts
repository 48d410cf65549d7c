// The sql block's load-time checks: each mistake is a located error that says what to do.
// (Running queries on real databases is covered in connectors/database/database.test.ts.)
import { describe, expect, it } from "vitest";
import { invokeOnce } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";

const head = `
connectors:
  - { name: db, type: database, settings: { driver: sqlite, dsn: ":memory:" } }
  - { name: ticker, type: cron }
flows:
  - name: q
    process:
`;

/** Line 8 onwards: the block under test, as YAML lines. */
const config = (...block: string[]) => head + block.map((l) => `      ${l}`).join("\n");

function load(yaml: string) {
  return loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], { registry: defaultRegistry(), osEnv: {} });
}

function loadErrors(yaml: string): string[] {
  const r = load(yaml);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

describe("sql block at load", () => {
  it("loads a valid block and runs it", async () => {
    const yaml = config(
      "- type: sql",
      "  settings:",
      "    connector: db",
      `    query: "SELECT ? AS a, ? AS b, 'is this a ?' AS c"`,
      "    args: [body.a, body.b + 1.0]",
      "    single: true",
    );
    const { outcome } = await invokeOnce(yaml, "q", { a: "x", b: 1 });
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ a: "x", b: 2, c: "is this a ?" });
  });

  it("reports an args list that does not match the placeholders, where args is", () => {
    const errors = loadErrors(
      config(
        "- type: sql",
        "  settings:",
        "    connector: db",
        "    query: INSERT INTO t (a, b) VALUES (?, ?)",
        "    args: [body.a]",
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^t\.yaml:12:17: query has 2 placeholders \(\?\) but args lists 1 value \[sql-args-count\]\n {2}hint: give one args value per \?/,
    );
  });

  it("does not count a ? in a literal or comment when checking args", () => {
    const r = load(
      config(
        "- type: sql",
        "  settings:",
        "    connector: db",
        `    query: "SELECT 'a?' AS x, ? AS y /* ? */"`,
        "    args: [body]",
      ),
    );
    expect(r.ok).toBe(true);
  });

  it("reports placeholders without args", () => {
    const errors = loadErrors(
      config("- type: sql", "  settings:", "    connector: db", "    query: SELECT * FROM t WHERE id = ?"),
    );
    expect(errors[0]).toMatch(
      /^t\.yaml:11:\d+: query has 1 placeholder \(\?\) but no args \[sql-args-count\]/,
    );
  });

  it("reports a connector of another type", () => {
    const errors = loadErrors(
      config("- type: sql", "  settings:", "    connector: ticker", '    query: "SELECT 1"'),
    );
    expect(errors[0]).toMatch(
      /^t\.yaml:10:\d+: connector "ticker" is a cron, not a database \[unknown-connector\]\n {2}hint: database connectors: db/,
    );
  });

  it("reports a connector that does not exist", () => {
    const errors = loadErrors(
      config("- type: sql", "  settings:", "    connector: dv", '    query: "SELECT 1"'),
    );
    expect(errors[0]).toMatch(/^t\.yaml:10:\d+: no connector named "dv".*did you mean "db"/);
  });

  it("reports exec together with single", () => {
    const errors = loadErrors(
      config(
        "- type: sql",
        "  settings:",
        "    connector: db",
        '    query: "DELETE FROM t"',
        "    exec: true",
        "    single: true",
      ),
    );
    expect(errors[0]).toMatch(/^t\.yaml:13:\d+: exec and single cannot both be true \[sql-exec-single\]/);
  });

  it("reports more than one statement", () => {
    const errors = loadErrors(
      config("- type: sql", "  settings:", "    connector: db", '    query: "DELETE FROM t; DROP TABLE t"'),
    );
    expect(errors[0]).toMatch(
      /^t\.yaml:11:\d+: query holds 2 statements; a sql block runs one \[sql-multiple-statements\]/,
    );
  });

  it("reports a query with no statement", () => {
    const errors = loadErrors(
      config("- type: sql", "  settings:", "    connector: db", '    query: "-- nothing to do"'),
    );
    expect(errors[0]).toMatch(/^t\.yaml:11:\d+: query holds no SQL statement \[sql-empty-query\]/);
  });

  it("reports CEL that does not compile, in either form of args", () => {
    const list = loadErrors(
      config("- type: sql", "  settings:", "    connector: db", '    query: "SELECT ?"', "    args: [body.]"),
    );
    expect(list[0]).toMatch(/^t\.yaml:12:\d+: CEL: /);
    const single = loadErrors(
      config("- type: sql", "  settings:", "    connector: db", '    query: "SELECT ?"', '    args: "[body"'),
    );
    expect(single[0]).toMatch(/^t\.yaml:12:\d+: CEL: /);
  });

  it("reports a missing query, a missing connector and args of the wrong shape", () => {
    const errors = loadErrors(config("- type: sql", "  settings:", "    args: { a: 1 }")).join("\n");
    expect(errors).toMatch(/"settings\.connector" is required/);
    expect(errors).toMatch(/"settings\.query" is required/);
    expect(errors).toMatch(/t\.yaml:10:17: sql block: "settings\.args" has the wrong type/);
  });
});
