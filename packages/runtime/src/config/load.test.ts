// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in these strings is YAML env syntax, not a JS template
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { type LoadResult, loadConfig, loadSources } from "./load.ts";
import { YamlSource } from "./yaml-source.ts";

/** YAML text from lines, so line N of the file is argument N. */
const y = (...lines: string[]) => `${lines.join("\n")}\n`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory holding `files` (name → content). */
function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-load-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function ok(r: LoadResult) {
  if (!r.ok)
    throw new Error(
      r.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`).join("\n"),
    );
  return r.config;
}

function diagnosticsOf(r: LoadResult): Diagnostic[] {
  if (r.ok) throw new Error("expected the config to fail to load");
  return r.diagnostics;
}

const fromText = (text: string, file = "c.yaml") =>
  loadSources([new YamlSource(file, text)], { osEnv: {}, dotEnv: {} });

/** [code, "line:col", message] of every diagnostic. */
const summary = (ds: Diagnostic[]) =>
  ds.map((d) => [d.code, `${d.location?.line}:${d.location?.col}`, d.message]);

describe("a config file", () => {
  test("a single file loads with its service, flows and the directory as base", () => {
    const dir = tempDir({
      "orders.yaml": y(
        "service: { name: orders, environment: dev }",
        "flows:",
        "  - name: one",
        "    workers: 2",
        "    process:",
        "      - type: log",
      ),
    });
    const config = ok(loadConfig(join(dir, "orders.yaml"), { osEnv: {} }));
    expect(config.service).toEqual({ name: "orders", environment: "dev" });
    expect(config.flows.map((f) => f.value.name)).toEqual(["one"]);
    expect(config.flows[0]?.value.workers).toBe(2);
    expect(config.flows[0]?.source.file).toBe(join(dir, "orders.yaml"));
    expect(config.flows[0]?.path).toEqual(["flows", 0]);
    expect(config.baseDir).toBe(dir);
  });

  test("without service: the service is named after the file", () => {
    const dir = tempDir({ "hello-invoke.yaml": y("flows:", "  - name: f", "    process: []") });
    expect(ok(loadConfig(join(dir, "hello-invoke.yaml"), { osEnv: {} })).service).toEqual({
      name: "hello-invoke",
    });
  });

  test("a missing path is config-not-found", () => {
    const dir = tempDir();
    const missing = join(dir, "nope.yaml");
    const ds = diagnosticsOf(loadConfig(missing, { osEnv: {} }));
    expect(ds).toEqual([
      {
        code: "config-not-found",
        message: `config ${missing} does not exist`,
        location: { file: missing, line: 1, col: 1 },
      },
    ]);
  });

  test("a file with YAML syntax errors reports them located in that file", () => {
    const dir = tempDir({ "bad.yaml": y("flows:", "  - name: f", "   process: []") });
    const ds = diagnosticsOf(loadConfig(join(dir, "bad.yaml"), { osEnv: {} }));
    expect(ds.every((d) => d.code === "yaml-syntax")).toBe(true);
    expect(ds[0]?.location?.file).toBe(join(dir, "bad.yaml"));
    expect(ds[0]?.location?.line).toBe(3);
  });
});

describe("a config directory", () => {
  test("every .yaml/.yml file is merged: flows from all, one service, other files ignored", () => {
    const dir = tempDir({
      "a.yaml": y("service: { name: svc }", "flows:", "  - name: one", "    process: []"),
      "b.yml": y(
        "connectors:",
        "  - { name: c1, type: http }",
        "processors:",
        "  - { name: p1, type: log }",
        "flows:",
        "  - name: two",
        "    process: []",
        "  - name: three",
        "    process: []",
      ),
      "notes.txt": "garbage: [",
      "README.md": "# not yaml",
    });
    const config = ok(loadConfig(dir, { osEnv: {} }));
    expect(config.service).toEqual({ name: "svc" });
    expect(config.flows.map((f) => [f.value.name, f.source.file])).toEqual([
      ["one", join(dir, "a.yaml")],
      ["two", join(dir, "b.yml")],
      ["three", join(dir, "b.yml")],
    ]);
    expect(config.flows[2]?.path).toEqual(["flows", 1]);
    expect(config.connectors.map((c) => c.value)).toEqual([{ name: "c1", type: "http" }]);
    expect(config.processors.map((p) => p.value.name)).toEqual(["p1"]);
    expect(config.files.map((f) => f.file)).toEqual([join(dir, "a.yaml"), join(dir, "b.yml")]);
    expect(config.baseDir).toBe(dir);
  });

  test("env declared in one file can be used in another", () => {
    const dir = tempDir({
      "a.yaml": y("env:", '  - { name: N, default: "4" }'),
      "b.yaml": y("flows:", "  - name: f", "    workers: ${N}", "    process: []"),
    });
    expect(ok(loadConfig(dir, { osEnv: {} })).flows[0]?.value.workers).toBe(4);
  });

  test("two service: blocks → duplicate-service at the second, naming the first file", () => {
    const dir = tempDir({
      "a.yaml": y("service: { name: svc }"),
      "b.yaml": y("flows:", "  - name: two", "    process: []", "service:", "  name: other"),
    });
    const ds = diagnosticsOf(loadConfig(dir, { osEnv: {} }));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("duplicate-service");
    expect(ds[0]?.message).toBe("service: is declared more than once");
    expect(ds[0]?.hint).toBe(`keep one service: block (the first is in ${join(dir, "a.yaml")})`);
    expect(ds[0]?.location).toEqual({ file: join(dir, "b.yaml"), line: 5, col: 3 });
  });

  test("duplicate flow names across files → error at the second name, message names the first location", () => {
    const dir = tempDir({
      "a.yaml": y("service: { name: svc }", "flows:", "  - name: one", "    process: []"),
      "b.yaml": y("flows:", "  - name: two", "    process: []", "  - name: one", "    process: []"),
    });
    const ds = diagnosticsOf(loadConfig(dir, { osEnv: {} }));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("duplicate-flow");
    expect(ds[0]?.message).toBe(`duplicate flow name "one" (first defined at ${join(dir, "a.yaml")}:3:5)`);
    expect(ds[0]?.hint).toContain("flow names must be unique across all files");
    expect(ds[0]?.location).toEqual({ file: join(dir, "b.yaml"), line: 4, col: 11 });
  });

  test("duplicate connector, processor and env var names are reported too", () => {
    const ds = diagnosticsOf(
      fromText(
        y(
          "env:",
          "  - { name: E }",
          "  - { name: E }",
          "connectors:",
          "  - { name: c, type: http }",
          "  - { name: c, type: cron }",
          "processors:",
          "  - { name: p, type: log }",
          "  - { name: p, type: log }",
        ),
      ),
    );
    expect(summary(ds)).toEqual([
      ["duplicate-env-var", "3:13", 'duplicate env var name "E" (first defined at c.yaml:2:5)'],
      ["duplicate-connector", "6:13", 'duplicate connector name "c" (first defined at c.yaml:5:5)'],
      ["duplicate-processor", "9:13", 'duplicate processor name "p" (first defined at c.yaml:8:5)'],
    ]);
  });

  test("a directory's flow tests (*.test.yaml) are not part of its integration", () => {
    const dir = tempDir({
      "a.yaml": y("flows:", "  - name: f", "    process: []"),
      "a.test.yaml": y("cases:", "  - name: c", "    flow: f"),
    });
    const r = loadConfig(dir, { osEnv: {} });
    expect(r.ok && r.config.files.map((f) => f.text)).toEqual([
      y("flows:", "  - name: f", "    process: []"),
    ]);
    const only = tempDir({ "a.test.yaml": y("cases: []") });
    expect(diagnosticsOf(loadConfig(only, { osEnv: {} })).map((d) => d.code)).toEqual(["config-empty"]);
  });

  test("an empty directory is config-empty", () => {
    const dir = tempDir({ "notes.txt": "not yaml" });
    const ds = diagnosticsOf(loadConfig(dir, { osEnv: {} }));
    expect(ds).toEqual([
      {
        code: "config-empty",
        message: `no .yaml or .yml files in ${dir}`,
        location: { file: dir, line: 1, col: 1 },
      },
    ]);
  });

  test("a YAML error in one file does not hide a schema error in another", () => {
    const dir = tempDir({
      "a.yaml": y("flows:", "  - name: f", "   process: []"),
      "b.yaml": y("flows:", "  - name: g", "    workerz: 1", "    process: []"),
    });
    const ds = diagnosticsOf(loadConfig(dir, { osEnv: {} }));
    expect(ds.map((d) => [d.code, d.location?.file])).toEqual([
      ["yaml-syntax", join(dir, "a.yaml")],
      ["unknown-key", join(dir, "b.yaml")],
    ]);
  });
});

describe(".env beside the config", () => {
  const config = y(
    "env:",
    "  - { name: KEY, required: true }",
    "  - { name: QUOTED }",
    "  - { name: BOTH }",
    "flows:",
    "  - name: f",
    "    description: ${QUOTED}",
    "    process: []",
  );
  const dotEnv = y("# comment", "KEY=from-dotenv", "QUOTED='a # b'", "BOTH=dotenv");

  test("is read for a directory config", () => {
    const dir = tempDir({ "c.yaml": config, ".env": dotEnv });
    const loaded = ok(loadConfig(dir, { osEnv: {} }));
    expect(loaded.env.values).toEqual({ KEY: "from-dotenv", QUOTED: "a # b", BOTH: "dotenv" });
    expect(loaded.flows[0]?.value.description).toBe("a # b");
  });

  test("is read for a file config, and the OS env still wins", () => {
    const dir = tempDir({ "c.yaml": config, ".env": dotEnv });
    const loaded = ok(loadConfig(join(dir, "c.yaml"), { osEnv: { BOTH: "os" } }));
    expect(loaded.env.values).toEqual({ KEY: "from-dotenv", QUOTED: "a # b", BOTH: "os" });
  });

  test("an explicit dotEnv option replaces the file", () => {
    const dir = tempDir({ "c.yaml": config, ".env": dotEnv });
    const loaded = ok(loadConfig(dir, { osEnv: {}, dotEnv: { KEY: "given" } }));
    expect(loaded.env.values).toEqual({ KEY: "given", QUOTED: "", BOTH: "" });
  });

  test("without .env a required var is missing", () => {
    const dir = tempDir({ "c.yaml": config });
    const ds = diagnosticsOf(loadConfig(dir, { osEnv: {} }));
    expect(summary(ds)).toEqual([["env-missing", "2:5", "required env var KEY is not set"]]);
    expect(ds[0]?.location?.file).toBe(join(dir, "c.yaml"));
  });
});

describe("shape errors", () => {
  test.each([
    ["a list", y("- a", "- b")],
    ["a string", y("just a string")],
    ["a number", y("42")],
  ])("top level that is %s → config-shape", (_what, text) => {
    const ds = diagnosticsOf(fromText(text));
    expect(ds).toEqual([
      {
        code: "config-shape",
        message: "the top level of a config must be a map",
        hint: "start with service:, env:, connectors: or flows:",
        location: { file: "c.yaml", line: 1, col: 1 },
        excerpt: `${text.split("\n")[0]}\n^`,
      },
    ]);
  });

  test("an empty file loads as an empty config", () => {
    const config = ok(fromText(""));
    expect(config.flows).toEqual([]);
    expect(config.service).toEqual({ name: "octo" });
  });

  test("unknown top-level key: did you mean, at the key's position, and the rest still loads", () => {
    const r = fromText(
      y(
        "service: { name: s }",
        "flow:",
        "  - name: x",
        "    process: []",
        "flows:",
        "  - name: f",
        "    process: []",
      ),
    );
    const ds = diagnosticsOf(r);
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-key");
    expect(ds[0]?.message).toBe('unknown key "flow" in config; did you mean "flows"?');
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 2, col: 1 });
    expect(ds[0]?.excerpt).toBe("flow:\n^");
    expect(ds[0]?.hint).toContain("flows");
    // the valid parts are kept for further checks
    expect(r.ok === false && r.partial?.flows.map((f) => f.value.name)).toEqual(["f"]);
  });

  test("unknown flow key workerz → did you mean workers, at the key's line:col", () => {
    const ds = diagnosticsOf(fromText(y("flows:", "  - name: f", "    process: []", "    workerz: 2")));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-key");
    expect(ds[0]?.message).toBe('unknown key "workerz" in flow "f"; did you mean "workers"?');
    expect(ds[0]?.hint).toBe(
      "allowed keys: name, description, workers, buffer, pool, source, process, error",
    );
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 4, col: 5 });
    expect(ds[0]?.excerpt).toBe("    workerz: 2\n    ^");
  });

  test("unknown key in an env declaration and in service:", () => {
    const ds = diagnosticsOf(
      fromText(y("service: { name: s, enviroment: dev }", "env:", "  - { name: A, requird: true }")),
    );
    expect(summary(ds)).toEqual([
      ["unknown-key", "3:16", 'unknown key "requird" in env: "0"; did you mean "required"?'],
      ["unknown-key", "1:21", 'unknown key "enviroment" in config: "service"; did you mean "environment"?'],
    ]);
  });

  test('workers: "many" → readable type error at the value', () => {
    const ds = diagnosticsOf(fromText(y("flows:", "  - name: f", '    workers: "many"', "    process: []")));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("invalid-type");
    expect(ds[0]?.message).toBe('flow "f": "workers" must be a number, not the string "many"');
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 3, col: 14 });
  });

  test("workers: 2.5 → must be an integer", () => {
    const ds = diagnosticsOf(fromText(y("flows:", "  - name: f", "    workers: 2.5", "    process: []")));
    expect(summary(ds)).toEqual([
      ["invalid-type", "3:14", 'flow "f": "workers" must be an integer, not number 2.5'],
    ]);
  });

  test("process: {} → must be a list, not a map", () => {
    const ds = diagnosticsOf(fromText(y("flows:", "  - name: f", "    process: {}")));
    expect(summary(ds)).toEqual([["invalid-type", "3:14", 'flow "f": "process" must be a list, not a map']]);
  });

  test("a flow without process: says it is required, at the flow", () => {
    const ds = diagnosticsOf(fromText(y("flows:", "  - name: f", "    workers: 1")));
    expect(summary(ds)).toEqual([["invalid-type", "2:5", 'flow "f": "process" is required']]);
  });

  test("top-level sections with the wrong type", () => {
    const ds = diagnosticsOf(fromText(y("flows: {}")));
    expect(summary(ds)).toEqual([["invalid-type", "1:8", 'config: "flows" must be a list, not a map']]);
  });

  test("ALL errors of a file with several problems are reported, each at its own position", () => {
    const ds = diagnosticsOf(
      fromText(
        y(
          "flow: []", // 1
          "env:", // 2
          "  - { name: 1A }", // 3
          "connectors:", // 4
          "  - { name: c, typ: http }", // 5
          "flows:", // 6
          "  - name: f", // 7
          "    workerz: 2", // 8
          "    process: []", // 9
          "  - name: g", // 10
          '    workers: "many"', // 11
          "    process: {}", // 12
          "  - name: h", // 13
          "    workers: 0", // 14
          "    buffer: -1", // 15
          "    process: []", // 16
          "    source: 3", // 17
        ),
      ),
    );
    expect(summary(ds)).toEqual([
      [
        "invalid-format",
        "3:13",
        'env: "0.name": env names are letters, digits and _, not starting with a digit',
      ],
      ["unknown-key", "1:1", 'unknown key "flow" in config; did you mean "flows"?'],
      ["invalid-type", "5:5", 'connector "c": "type" is required'],
      ["unknown-key", "5:16", 'unknown key "typ" in connector "c"; did you mean "type"?'],
      ["unknown-key", "8:5", 'unknown key "workerz" in flow "f"; did you mean "workers"?'],
      ["invalid-type", "11:14", 'flow "g": "workers" must be a number, not the string "many"'],
      ["invalid-type", "12:14", 'flow "g": "process" must be a list, not a map'],
      ["invalid-too-small", "14:14", 'flow "h": "workers": Too small: expected number to be >=1'],
      ["invalid-too-small", "15:13", 'flow "h": "buffer": Too small: expected number to be >=0'],
      ["invalid-type", "17:13", 'flow "h": "source" must be a map (key: value), not number 3'],
    ]);
  });
});

describe("regressions", () => {
  test("a mistyped env: key gets a suggestion, and the allowed keys list env", () => {
    // load.ts validates the top level with documentSchema.omit({ env: true }), so "env" is
    // missing from the did-you-mean candidates and from the hint.
    const ds = diagnosticsOf(fromText(y("envs:", "  - { name: A }")));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.message).toBe('unknown key "envs" in config; did you mean "env"?');
    expect(ds[0]?.hint).toBe("allowed keys: service, env, connectors, processors, flows");
  });

  test("a wrongly typed top-level section does not hide the errors of the flows in the same file", () => {
    // `service: 3` fails the top-level schema and load.ts `continue`s past the whole file.
    const ds = diagnosticsOf(
      fromText(y("service: 3", "flows:", "  - name: f", "    workerz: 2", "    process: []")),
    );
    expect(summary(ds)).toEqual([
      ["invalid-type", "1:10", 'config: "service" must be a map (key: value), not number 3'],
      ["unknown-key", "4:5", 'unknown key "workerz" in flow "f"; did you mean "workers"?'],
    ]);
  });

  test("connectors: {} does not hide the errors of the flows in the same file", () => {
    const ds = diagnosticsOf(
      fromText(y("connectors: {}", "flows:", "  - name: f", "    workerz: 2", "    process: []")),
    );
    expect(summary(ds)).toEqual([
      ["invalid-type", "1:13", 'config: "connectors" must be a list, not a map'],
      ["unknown-key", "4:5", 'unknown key "workerz" in flow "f"; did you mean "workers"?'],
    ]);
  });

  test("a directory entry named *.yaml that is itself a directory does not crash loadConfig", () => {
    const dir = tempDir({ "a.yaml": y("flows:", "  - name: f", "    process: []") });
    mkdirSync(join(dir, "old.yaml"));
    // Today readFileSync throws EISDIR out of loadConfig; it should be skipped (or reported).
    let result: LoadResult | undefined;
    expect(() => {
      result = loadConfig(dir, { osEnv: {} });
    }).not.toThrow();
    expect(result?.ok).toBe(true);
  });
});
