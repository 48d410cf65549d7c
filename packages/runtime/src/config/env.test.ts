// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in these strings is YAML env syntax, not a JS template
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { readDotEnv, resolveEnv, substituteEnv } from "./env.ts";
import { type LoadedConfig, loadSources } from "./load.ts";
import { YamlSource } from "./yaml-source.ts";

/** YAML text from lines, so line N of the file is argument N. */
const y = (...lines: string[]) => `${lines.join("\n")}\n`;

function load(text: string, osEnv: Record<string, string> = {}, dotEnv: Record<string, string> = {}) {
  return loadSources([new YamlSource("c.yaml", text)], { osEnv, dotEnv });
}

function loaded(
  text: string,
  osEnv: Record<string, string> = {},
  dotEnv: Record<string, string> = {},
): LoadedConfig {
  const r = load(text, osEnv, dotEnv);
  if (!r.ok)
    throw new Error(
      r.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`).join("\n"),
    );
  return r.config;
}

function failed(
  text: string,
  osEnv: Record<string, string> = {},
  dotEnv: Record<string, string> = {},
): Diagnostic[] {
  const r = load(text, osEnv, dotEnv);
  if (r.ok) throw new Error("expected the config to fail to load");
  return r.diagnostics;
}

/** The settings of the first block of the first flow, after env substitution. */
function firstSettings(config: LoadedConfig): Record<string, unknown> {
  const block = config.flows[0]?.value.process[0] as { settings?: Record<string, unknown> } | undefined;
  return block?.settings ?? {};
}

describe("resolution order: OS env > .env > default", () => {
  const text = y(
    "env:",
    "  - { name: A, default: from-default }",
    "  - { name: B, default: from-default }",
    "  - { name: C, default: from-default }",
    "  - { name: D }",
  );

  test("each variable takes the first source that has it", () => {
    const config = loaded(text, { A: "os" }, { A: "dot", B: "dot" });
    expect(config.env.values).toEqual({ A: "os", B: "dot", C: "from-default", D: "" });
  });

  test("an OS value wins over .env even when it is empty", () => {
    const config = loaded(text, { A: "" }, { A: "dot" });
    expect(config.env.values.A).toBe("");
  });

  test("numbers and booleans as defaults resolve to their string form", () => {
    const config = loaded(y("env:", "  - { name: P, default: 8080 }", "  - { name: T, default: true }"));
    expect(config.env.values).toEqual({ P: "8080", T: "true" });
  });

  test("undeclared OS variables are not exposed", () => {
    const config = loaded(text, { OTHER: "x", PATH: "/bin" });
    expect(Object.keys(config.env.values).sort()).toEqual(["A", "B", "C", "D"]);
  });
});

describe("required variables", () => {
  const text = y("env:", "  - { name: KEY, required: true }");

  test("satisfied by the OS env", () => {
    expect(loaded(text, { KEY: "os-key" }).env.values.KEY).toBe("os-key");
  });

  test("satisfied by .env", () => {
    expect(loaded(text, {}, { KEY: "dot-key" }).env.values.KEY).toBe("dot-key");
  });

  test("missing without a default: located env-missing error", () => {
    const diags = failed(
      y("service: { name: s }", "env:", "  - { name: X }", "  - { name: KEY, required: true }"),
    );
    expect(diags).toHaveLength(1);
    expect(diags[0]?.code).toBe("env-missing");
    expect(diags[0]?.message).toBe("required env var KEY is not set");
    expect(diags[0]?.hint).toBe("set KEY in the environment or in a .env file beside the config");
    expect(diags[0]?.location).toEqual({ file: "c.yaml", line: 4, col: 5 });
  });

  test("a default does not satisfy required, and the error says so", () => {
    const diags = failed(
      y("env:", "  - { name: OK, default: x }", "  - { name: KEY, required: true, default: fallback }"),
    );
    expect(diags).toHaveLength(1);
    const [d] = diags;
    expect(d?.code).toBe("env-missing");
    expect(d?.message).toBe("required env var KEY is not set");
    expect(d?.hint).toContain("its default does not satisfy required: true");
    expect(d?.hint).toContain('drop "required" if the default is enough');
    expect(d?.location).toEqual({ file: "c.yaml", line: 3, col: 5 });
  });

  test("a required var with a default is satisfied by the OS env or .env", () => {
    const text2 = y("env:", "  - { name: KEY, required: true, default: fallback }");
    expect(loaded(text2, { KEY: "os" }).env.values.KEY).toBe("os");
    expect(loaded(text2, {}, { KEY: "dot" }).env.values.KEY).toBe("dot");
  });

  test("every missing required var is reported, not only the first", () => {
    const diags = failed(
      y("env:", "  - { name: A, required: true }", "  - { name: B, required: true, default: b }"),
    );
    expect(diags.map((d) => [d.code, d.message, d.location?.line])).toEqual([
      ["env-missing", "required env var A is not set", 2],
      ["env-missing", "required env var B is not set", 3],
    ]);
  });
});

describe("${VAR} substitution", () => {
  const envBlock = [
    "env:",
    '  - { name: PORT, default: "8080" }',
    '  - { name: ON, default: "true" }',
    '  - { name: OFF, default: "false" }',
    '  - { name: RATIO, default: "1.5" }',
    '  - { name: NEG, default: "-3" }',
    "  - { name: WORD, default: hello }",
    '  - { name: EMPTY, default: "" }',
  ];
  const withSettings = (...settings: string[]) =>
    y(
      ...envBlock,
      "flows:",
      "  - name: f",
      "    process:",
      "      - type: set-payload",
      "        settings:",
      ...settings.map((s) => `          ${s}`),
    );

  test("a whole-string reference takes the value's natural type", () => {
    const config = loaded(
      withSettings(
        'port: "${PORT}"',
        'on: "${ON}"',
        'off: "${OFF}"',
        'ratio: "${RATIO}"',
        'neg: "${NEG}"',
        'word: "${WORD}"',
        'empty: "${EMPTY}"',
        "unquoted: ${PORT}",
      ),
    );
    const s = firstSettings(config);
    expect(s.port).toBe(8080);
    expect(s.on).toBe(true);
    expect(s.off).toBe(false);
    expect(s.ratio).toBe(1.5);
    expect(s.neg).toBe(-3);
    expect(s.word).toBe("hello");
    expect(s.empty).toBe("");
    expect(s.unquoted).toBe(8080);
  });

  test("a whole-string reference gives an int to an int field (workers: ${N})", () => {
    const config = loaded(
      y(
        "env:",
        '  - { name: N, default: "3" }',
        "flows:",
        "  - name: f",
        "    workers: ${N}",
        "    process: []",
      ),
    );
    expect(config.flows[0]?.value.workers).toBe(3);
  });

  test("the OS value (not the default) is what gets typed", () => {
    const config = loaded(withSettings('port: "${PORT}"'), { PORT: "9090" });
    expect(firstSettings(config).port).toBe(9090);
  });

  test("inside a longer string it interpolates and stays a string", () => {
    const config = loaded(
      withSettings(
        'a: "port ${PORT} ok"',
        'b: "${PORT}${PORT}"',
        "c: \"'${WORD}-' + body.x\"",
        'd: "${ON}!"',
      ),
    );
    const s = firstSettings(config);
    expect(s.a).toBe("port 8080 ok");
    expect(s.b).toBe("80808080");
    expect(s.c).toBe("'hello-' + body.x");
    expect(s.d).toBe("true!");
  });

  test("$${X} is an escape: it stays a literal ${X}, declared or not, without an error", () => {
    const config = loaded(withSettings('a: "$${PORT}"', 'b: "$${UNDECLARED}"', 'c: "x $${WORD} ${WORD}"'));
    const s = firstSettings(config);
    expect(s.a).toBe("${PORT}");
    expect(s.b).toBe("${UNDECLARED}");
    expect(s.c).toBe("x ${WORD} hello");
  });

  test("substitution reaches nested maps and lists", () => {
    const config = loaded(withSettings("nested: { list: [a, '${WORD}', { deep: '${PORT}' }] }"));
    expect(firstSettings(config).nested).toEqual({ list: ["a", "hello", { deep: 8080 }] });
  });

  test("an undeclared ${NOPE} is a located env-undeclared error listing the declared names", () => {
    const diags = failed(withSettings("ok: x", 'bad: "${NOPE}"'));
    expect(diags).toHaveLength(1);
    const [d] = diags;
    expect(d?.code).toBe("env-undeclared");
    expect(d?.message).toBe("${NOPE} references an env var that is not declared");
    expect(d?.hint).toBe("declare it under env: (declared: PORT, ON, OFF, RATIO, NEG, WORD, EMPTY)");
    // line 15 is `bad: "${NOPE}"` (8 env lines, 5 flow lines, `ok: x`); the value starts at column 16
    expect(d?.location).toEqual({ file: "c.yaml", line: 15, col: 16 });
    expect(d?.excerpt).toBe('          bad: "${NOPE}"\n               ^');
  });

  test("an undeclared name inside a longer string is reported too, once per reference", () => {
    const diags = failed(withSettings('bad: "a ${NOPE1} b ${NOPE2}"'));
    expect(diags.map((d) => [d.code, d.message, d.location?.line, d.location?.col])).toEqual([
      ["env-undeclared", "${NOPE1} references an env var that is not declared", 14, 16],
      ["env-undeclared", "${NOPE2} references an env var that is not declared", 14, 16],
    ]);
  });

  test("with no env: block at all, the hint shows how to declare the name", () => {
    const diags = failed(y("flows:", "  - name: f", "    description: ${MISSING}", "    process: []"));
    expect(diags).toHaveLength(1);
    expect(diags[0]?.code).toBe("env-undeclared");
    expect(diags[0]?.hint).toBe("declare it under env:, e.g. - { name: MISSING }");
    expect(diags[0]?.location).toEqual({ file: "c.yaml", line: 3, col: 18 });
  });
});

describe("secrets", () => {
  test("secret names and non-empty secret values are collected", () => {
    const config = loaded(
      y(
        "env:",
        "  - { name: TOKEN, secret: true }",
        "  - { name: PASS, secret: true, default: pw-default }",
        "  - { name: UNSET, secret: true }",
        "  - { name: PUBLIC, default: visible }",
      ),
      { TOKEN: "tok-123" },
    );
    expect([...config.env.secretNames].sort()).toEqual(["PASS", "TOKEN", "UNSET"]);
    expect([...config.env.secretValues].sort()).toEqual(["pw-default", "tok-123"]);
    expect(config.env.secretValues.has("visible")).toBe(false);
    expect(config.env.secretValues.has("")).toBe(false);
  });
});

describe("resolveEnv and substituteEnv directly", () => {
  const src = new YamlSource(
    "d.yaml",
    y("env:", "  - { name: A, required: true, default: d }", "  - { name: B }"),
  );

  test("resolveEnv reports missing required vars at the declaration", () => {
    const { env, diagnostics } = resolveEnv(
      [
        { name: "A", required: true, default: "d", source: src, path: ["env", 0] },
        { name: "B", source: src, path: ["env", 1] },
      ],
      {},
      { B: "b" },
    );
    expect(env.values).toEqual({ A: "d", B: "b" });
    expect(diagnostics.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([
      ["env-missing", 2, 5],
    ]);
  });

  test("substituteEnv leaves non-strings and strings without ${ untouched", () => {
    const env = { values: { A: "1" }, secretNames: new Set<string>(), secretValues: new Set<string>() };
    const diagnostics: Diagnostic[] = [];
    const input = { n: 5, b: false, nil: null, s: "plain $ text {A}", list: ["${A}"] };
    expect(substituteEnv(input, env, src, [], diagnostics)).toEqual({
      n: 5,
      b: false,
      nil: null,
      s: "plain $ text {A}",
      list: [1],
    });
    expect(diagnostics).toEqual([]);
  });
});

describe("readDotEnv", () => {
  const dir = mkdtempSync(join(tmpdir(), "octo-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("parses a real file: quotes, comments, empty values", () => {
    const file = join(dir, ".env");
    writeFileSync(
      file,
      [
        "# a comment line",
        "PLAIN=plain",
        'DOUBLE="double quoted"',
        "SINGLE='single # not a comment'",
        "TRAILING=value # trailing comment",
        "EMPTY=",
        'MULTI="multi',
        'line"',
        "",
      ].join("\n"),
    );
    expect(readDotEnv(file)).toEqual({
      PLAIN: "plain",
      DOUBLE: "double quoted",
      SINGLE: "single # not a comment",
      TRAILING: "value",
      EMPTY: "",
      MULTI: "multi\nline",
    });
  });

  test("an absent file reads as empty", () => {
    expect(readDotEnv(join(dir, "does-not-exist.env"))).toEqual({});
  });
});
