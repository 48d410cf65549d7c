// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} in these strings is YAML env syntax, not a JS template
import { describe, expect, test } from "vitest";
import { type Path, YamlSource } from "./yaml-source.ts";

/** YAML text from lines, so line N of the file is argument N. */
const y = (...lines: string[]) => `${lines.join("\n")}\n`;

/** "line:col" of an offset. */
function lc(src: YamlSource, offset: number | undefined): string {
  if (offset === undefined) return "undefined";
  const { line, col } = src.at(offset);
  return `${line}:${col}`;
}

describe("YAML syntax errors are located", () => {
  test("bad indentation: a mapping item out of column", () => {
    const src = new YamlSource("bad.yaml", y("a:", "  b: 1", " c: 2"));
    expect(src.value).toBeUndefined();
    expect(src.errors).toHaveLength(1);
    const [e] = src.errors;
    expect(e?.code).toBe("yaml-syntax");
    expect(e?.message).toBe("YAML syntax error: All mapping items must start at the same column");
    expect(e?.hint).toMatch(/indentation/);
    expect(e?.location).toEqual({ file: "bad.yaml", line: 3, col: 1 });
    expect(e?.excerpt).toBe(" c: 2\n^");
  });

  test("unclosed single and double quotes are syntax errors (code, message, value withheld)", () => {
    const single = new YamlSource("q.yaml", y("a: 'abc", "b: 2"));
    expect(single.value).toBeUndefined();
    expect(single.errors.map((e) => [e.code, e.message])).toEqual([
      ["yaml-syntax", "YAML syntax error: Missing closing 'quote"],
    ]);
    expect(single.errors[0]?.location?.file).toBe("q.yaml");

    const double = new YamlSource("q.yaml", y("x: 1", 'a: "abc'));
    expect(double.value).toBeUndefined();
    expect(double.errors.map((e) => [e.code, e.message])).toEqual([
      ["yaml-syntax", 'YAML syntax error: Missing closing "quote'],
    ]);
  });

  test("duplicate key at the top level points at the second key", () => {
    const src = new YamlSource("dup.yaml", y("a: 1", "b: 2", "a: 3"));
    expect(src.value).toBeUndefined();
    expect(src.errors).toHaveLength(1);
    expect(src.errors[0]?.code).toBe("yaml-syntax");
    expect(src.errors[0]?.message).toBe("YAML syntax error: Map keys must be unique");
    expect(src.errors[0]?.location).toEqual({ file: "dup.yaml", line: 3, col: 1 });
    expect(src.errors[0]?.excerpt).toBe("a: 3\n^");
  });

  test("duplicate key nested in a flow item points at the second key's column", () => {
    const src = new YamlSource("dup.yaml", y("flows:", "  - name: x", "    process: []", "    name: y"));
    expect(src.errors.map((e) => e.message)).toEqual(["YAML syntax error: Map keys must be unique"]);
    expect(src.errors[0]?.location).toEqual({ file: "dup.yaml", line: 4, col: 5 });
    expect(src.errors[0]?.excerpt).toBe("    name: y\n    ^");
  });

  test("valid YAML has no errors and exposes its value", () => {
    const src = new YamlSource("ok.yaml", y("a:", "  b: [1, 2]", "c: x"));
    expect(src.errors).toEqual([]);
    expect(src.value).toEqual({ a: { b: [1, 2] }, c: "x" });
  });

  test("an empty file is valid with an undefined-or-null value", () => {
    const src = new YamlSource("empty.yaml", "");
    expect(src.errors).toEqual([]);
    expect(src.value ?? null).toBeNull();
  });
});

describe("offsetOf / keyOffset / diagnosticAt", () => {
  const text = y(
    "service: { name: s }", // 1
    "flows:", // 2
    "  - name: f", // 3
    "    workers: 2", // 4
    "    process:", // 5
    "      - type: log", // 6
    "        settings: { level: info }", // 7
  );
  const src = new YamlSource("c.yaml", text);

  test("offsetOf points at the value", () => {
    expect(src.errors).toEqual([]);
    expect(lc(src, src.offsetOf(["flows", 0, "name"]))).toBe("3:11");
    expect(lc(src, src.offsetOf(["flows", 0, "workers"]))).toBe("4:14");
    expect(lc(src, src.offsetOf(["flows", 0, "process", 0]))).toBe("6:9");
    expect(lc(src, src.offsetOf(["flows", 0, "process", 0, "settings", "level"]))).toBe("7:28");
    expect(lc(src, src.offsetOf(["service", "name"]))).toBe("1:18");
  });

  test("offsetOf of a missing path falls back to its nearest existing ancestor", () => {
    expect(lc(src, src.offsetOf(["flows", 0, "nope", "deeper"]))).toBe("3:5");
    expect(lc(src, src.offsetOf(["flows", 7]))).toBe("3:3");
    expect(lc(src, src.offsetOf(["nothing"]))).toBe("1:1");
    expect(src.offsetOf([])).toBe(0);
  });

  test("keyOffset points at the key itself, not its value", () => {
    expect(lc(src, src.keyOffset(["flows", 0], "workers"))).toBe("4:5");
    expect(lc(src, src.keyOffset(["flows", 0], "process"))).toBe("5:5");
    expect(lc(src, src.keyOffset(["flows", 0, "process", 0, "settings"], "level"))).toBe("7:21");
    expect(lc(src, src.keyOffset([], "flows"))).toBe("2:1");
  });

  test("keyOffset is undefined for a missing key or a non-map", () => {
    expect(src.keyOffset(["flows", 0], "zzz")).toBeUndefined();
    expect(src.keyOffset(["flows"], "name")).toBeUndefined();
    expect(src.keyOffset(["flows", 0, "name"], "x")).toBeUndefined();
  });

  test("diagnosticAt builds a located diagnostic with an excerpt and caret", () => {
    const d = src.diagnosticAt(["flows", 0, "workers"], "some-code", "some message", "some hint");
    expect(d).toEqual({
      code: "some-code",
      message: "some message",
      hint: "some hint",
      location: { file: "c.yaml", line: 4, col: 14 },
      excerpt: "    workers: 2\n             ^",
    });
    const noHint = src.diagnosticAt(["flows", 0, "name"], "c", "m");
    expect("hint" in noHint).toBe(false);
  });
});

describe("offsetInScalar maps a character index of the value into the file", () => {
  const text = y(
    "a:", // 1
    "  plain: body.x + paylod.y", // 2
    "  single: 'body.x + paylod.y'", // 3
    '  double: "body.x + paylod.y"', // 4
    "  lit: |", // 5
    "    body.x +", // 6
    "    paylod.y", // 7
    "  folded: >-", // 8
    "    body.x + paylod.y", // 9
    "  strip: |-", // 10
    "    first", // 11
    "    second line", // 12
    "  map: { k: v }", // 13
  );
  const src = new YamlSource("s.yaml", text);
  const at = (key: string, index: number) => src.offsetInScalar(["a", key], index);
  const scalarValue = (key: string) => (src.value as Record<string, Record<string, string>>).a?.[key] ?? "";

  test("the fixture parses as expected", () => {
    expect(src.errors).toEqual([]);
    expect(scalarValue("lit")).toBe("body.x +\npaylod.y\n");
    expect(scalarValue("folded")).toBe("body.x + paylod.y");
    expect(scalarValue("strip")).toBe("first\nsecond line");
  });

  test.each([
    ["plain", 0, "2:10"],
    ["plain", 9, "2:19"],
    ["single", 0, "3:12"],
    ["single", 9, "3:21"],
    ["double", 0, "4:12"],
    ["double", 9, "4:21"],
  ])("flow scalar %s, index %i → %s", (key, index, expected) => {
    const offset = at(key, index);
    expect(lc(src, offset)).toBe(expected);
    expect(text.slice(offset, offset + 6)).toBe(scalarValue(key).slice(index, index + 6));
  });

  test("block literal: first line, then an offset on the 2nd content line", () => {
    expect(lc(src, at("lit", 0))).toBe("6:5");
    expect(lc(src, at("lit", 5))).toBe("6:10"); // "x" of body.x
    const second = scalarValue("lit").indexOf("paylod");
    expect(second).toBe(9);
    const offset = at("lit", second);
    expect(lc(src, offset)).toBe("7:5");
    expect(text.slice(offset, offset + 8)).toBe("paylod.y");
    expect(lc(src, at("lit", second + 7))).toBe("7:12"); // the "y"
  });

  test("block literal with strip chomping (|-): middle of the 2nd line", () => {
    const index = scalarValue("strip").indexOf("line");
    expect(lc(src, at("strip", index))).toBe("12:12");
    expect(lc(src, at("strip", 0))).toBe("11:5");
  });

  test("folded scalar (>-) on one content line", () => {
    expect(lc(src, at("folded", 0))).toBe("9:5");
    const offset = at("folded", 9);
    expect(lc(src, offset)).toBe("9:14");
    expect(text.slice(offset, offset + 6)).toBe("paylod");
  });

  test("a non-scalar path falls back to offsetOf", () => {
    expect(at("map", 3)).toBe(src.offsetOf(["a", "map"]));
    expect(lc(src, at("map", 3))).toBe("13:8");
  });
});

describe("regressions", () => {
  test("an unclosed quote is located at the opening quote, not at the end of the file", () => {
    // yaml reports MISSING_CHAR at the end of the document; the error should point where the
    // unterminated string starts so the user can find it in a long file.
    const src = new YamlSource("q.yaml", y("a: 'abc", "b: 2", "c: 3", "d: 4"));
    expect(src.errors[0]?.location).toEqual({ file: "q.yaml", line: 1, col: 4 });
    expect(src.errors[0]?.excerpt).toBe("a: 'abc\n   ^");
  });

  const cases: [string, string[], Path, string, string][] = [
    // [what, yaml lines, path, needle in the value, expected line:col of the needle]
    [
      "folded (>-) scalar, needle on the 2nd source line",
      ["v: >-", "  body.a", "  + paylod.x"],
      ["v"],
      "paylod",
      "3:5",
    ],
    [
      "multi-line plain scalar, needle on the 2nd source line",
      ["v: body.a +", "  paylod.x"],
      ["v"],
      "paylod",
      "2:3",
    ],
    [
      "multi-line double-quoted scalar, needle on the 2nd source line",
      ['v: "body.a +', '  paylod.x"'],
      ["v"],
      "paylod",
      "2:3",
    ],
    [
      "block literal line indented deeper than the block",
      ["v: |", "  body.a +", "    paylod.x"],
      ["v"],
      "paylod",
      "3:5",
    ],
    [
      "block literal with a blank line before the needle",
      ["v: |", "  body.a", "", "  + paylod.x"],
      ["v"],
      "paylod",
      "4:5",
    ],
    [
      "double-quoted scalar with escapes before the needle",
      ['v: "\\"hi \\" + paylod.x"'],
      ["v"],
      "paylod",
      "1:15",
    ],
    [
      "single-quoted scalar with '' before the needle",
      ["v: '\"it''s \" + paylod.x'"],
      ["v"],
      "paylod",
      "1:16",
    ],
  ];
  test.each(cases)("%s", (_what, lines, path, needle, expected) => {
    const text = y(...lines);
    const src = new YamlSource("s.yaml", text);
    expect(src.errors).toEqual([]);
    const value = String((src.value as Record<string, unknown>).v);
    const index = value.indexOf(needle);
    expect(index).toBeGreaterThan(0);
    const offset = src.offsetInScalar(path, index);
    expect(text.slice(offset, offset + needle.length)).toBe(needle);
    expect(lc(src, offset)).toBe(expected);
  });
});

describe("${VAR} inside flow collections", () => {
  test("parses `{ port: ${HTTP_PORT} }` as the reference does, keeping positions", () => {
    const text = "connectors:\n  - { name: api, settings: { port: ${HTTP_PORT}, path: /a } }\n";
    const src = new YamlSource("f.yaml", text);
    expect(src.errors).toEqual([]);
    expect(src.value).toEqual({
      connectors: [{ name: "api", settings: { port: "${HTTP_PORT}", path: "/a" } }],
    });
    expect(src.at(src.offsetOf(["connectors", 0, "settings", "port"]))).toMatchObject({ line: 2, col: 36 });
  });

  test("keeps ${…} in flow sequences, quoted strings and $${escapes}", () => {
    const src = new YamlSource("f.yaml", 'a: [${A}, "x ${B} y", $${C}]\n');
    expect(src.value).toEqual({ a: ["${A}", "x ${B} y", "$${C}"] });
  });

  test("reports only the first YAML syntax error, not the parser's cascade", () => {
    const src = new YamlSource("f.yaml", "a: { b: [1, 2 }\nc: {{\nd: ]]\n");
    expect(src.errors).toHaveLength(1);
  });
});
