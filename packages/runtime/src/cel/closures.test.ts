// Differential tests: every expression runs through the translated closures and through the cel-js
// interpreter on the same checked AST and activation; both must give the same typed value, or
// both fail (a closure may also bail, which hands the case to the interpreter: counted, and
// asserted absent where the closure path is the point).
import { Optional } from "@marcbachmann/cel-js";
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";
import { describe, expect, test } from "vitest";
import { ClosureBail, sameCelValue, translate, variableUse } from "./closures.ts";
import { toJson } from "./convert.ts";
import { environmentFor } from "./environment.ts";
import { RUNTIME_VARIABLES } from "./index.ts";

const VARIABLES = {
  ...RUNTIME_VARIABLES,
  x: "dyn",
  y: "dyn",
  n: "int",
  d: "double",
  s: "string",
  l: "list<int>",
};
const env = environmentFor(VARIABLES);

type Outcome = { value: unknown } | { error: unknown };
const attempt = (f: () => unknown): Outcome => {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
};

type Verdict = "agree" | "bail" | "untranslated";

/** Runs `source` both ways; throws (fails the test) when they disagree. */
function differential(source: string, activation: Record<string, unknown>): Verdict {
  const program = env.parse(source);
  const checked = program.check();
  if (!checked.valid) throw new Error(`${source}: ${String(checked.error)}`);
  const t = translate(program.ast, env);
  if (!t.ok) return "untranslated";
  const closure = attempt(() => t.program.run(activation));
  const json = attempt(() => t.program.runJson(activation));
  const interpreter = attempt(() => program(activation));
  const where = `${source} with ${describeActivation(activation)}`;
  for (const o of [closure, json]) {
    if ("error" in o && o.error instanceof ClosureBail) return "bail";
  }
  if ("error" in interpreter) {
    if ("value" in closure)
      throw new Error(`${where}: closure gave ${show(closure.value)}, interpreter failed`);
    if ("value" in json) throw new Error(`${where}: runJson gave ${show(json.value)}, interpreter failed`);
    return "agree";
  }
  if ("error" in closure)
    throw new Error(`${where}: closure failed (${String(closure.error)}), interpreter succeeded`);
  if (!sameCelValue(closure.value, interpreter.value)) {
    throw new Error(`${where}: closure ${show(closure.value)} ≠ interpreter ${show(interpreter.value)}`);
  }
  if ("error" in json) throw new Error(`${where}: runJson failed (${String(json.error)})`);
  expect(json.value, `${where}: runJson`).toStrictEqual(toJson(interpreter.value));
  return "agree";
}

function show(v: unknown): string {
  try {
    return JSON.stringify(toJson(v));
  } catch {
    return String(v);
  }
}

function describeActivation(a: Record<string, unknown>): string {
  return Object.entries(a)
    .filter(([k]) => k === "x" || k === "y" || k === "body" || k === "vars")
    .map(
      ([k, v]) =>
        `${k}=${v instanceof Object && !Array.isArray(v) ? `${v.constructor?.name ?? "Object"}:` : ""}${show(v)}`,
    )
    .join(" ");
}

const base = {
  body: { amount: 1500, qty: 3, name: "Ada", items: [1, 2, 3], nested: { ok: true } },
  vars: { count: 1, who: "bob", list: [1, 2] },
  eventID: "ev-1",
  correlationID: "corr-1",
  env: { REGION: "eu" },
  now: new Date("2024-05-01T10:00:00.250Z"),
  n: 7n,
  d: 2.5,
  s: "str",
  l: [1n, 2n, 3n],
};

/** Asserts agreement on every activation and that the closure path was taken (no bail). */
function expectClosurePath(source: string, activations: Record<string, unknown>[] = [{}]): void {
  for (const extra of activations) {
    expect(differential(source, { ...base, ...extra }), `${source} with ${describeActivation(extra)}`).toBe(
      "agree",
    );
  }
}

// --- values of every runtime representation, for dyn operands ---

class Foreign {
  a = 1;
}
const JSON_VALUES: unknown[] = [
  0,
  -0,
  1,
  -1.5,
  2.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e300,
  "",
  "a",
  "abc",
  "ß😀",
  "1",
  true,
  false,
  null,
  [],
  [1],
  [1, 2],
  ["a"],
  [[1]],
  [{ a: 1 }],
  {},
  { a: 1 },
  { a: { b: 2 } },
  { "1": 2 },
  { a: null },
];
const CEL_VALUES: unknown[] = [
  0n,
  1n,
  -3n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  new UnsignedInt(0n),
  new UnsignedInt(1n),
  new UnsignedInt(2n ** 64n - 1n),
  new Date("2024-05-01T10:00:00Z"),
  new Duration(90n, 0),
  new Uint8Array([1, 2]),
  Optional.of(1),
  Optional.none(),
  new Map([["a", 1]]),
  new Map<unknown, unknown>([[1n, "x"]]),
  new Set([1, 2]),
  [1n, 2n],
  Object.assign(Object.create(null), { a: 1 }),
  new Foreign(),
  [new Foreign()],
  // Objects the interpreter rejects (unsupported type): the closures bail.
  { constructor: "x", a: 1 },
  { a: undefined },
];
const ALL_VALUES = [...JSON_VALUES, ...CEL_VALUES];

const UNARY = [
  "x",
  "-x",
  "!x",
  "x.a",
  "x.a.b",
  'x["a"]',
  "x[0]",
  "x[1]",
  "x[0u]",
  "x[1.0]",
  "x[-1]",
  'x["1"]',
  "has(x.a)",
  "has(x.a.b)",
  "size(x)",
  "x.size()",
  "x.upperAscii()",
  "x.lowerAscii()",
  "x.trim()",
  'x.contains("a")',
  'x.startsWith("a")',
  'x.endsWith("c")',
  "x.map(e, e)",
  "x.map(e, [e])",
  "x.filter(e, e)",
  "x.all(e, e)",
  "x.exists(e, e)",
  "x.exists_one(e, e)",
  "x.map(e, e, e)",
  "x.all(e, e > 0.0)",
  "x.exists(e, e == 1.0)",
  "x + 1.0",
  "x + 1",
  "1.0 + x",
  'x + "s"',
  "x + [1]",
  "x * 2.0",
  "x - 1.0",
  "x / 2.0",
  "x / 0.0",
  "x % 2",
  "x == 1",
  "x == 1.0",
  "x == 1u",
  'x == "a"',
  "x == null",
  "x == [1]",
  'x == {"a": 1}',
  "x != 1.0",
  "x < 1",
  "x < 1.0",
  "x <= 1u",
  'x > "a"',
  "x >= 0.0",
  "x in [1, 2]",
  'x in {"a": 1}',
  "1 in x",
  '"a" in x',
  "x ? 1 : 2",
  "x && true",
  "true && x",
  "x || false",
  "false || x",
  "x && false",
  "false && x",
  "x || true",
  "true || x",
  "[x, 1]",
  '{"k": x}',
  "{x: 1}",
  '{"k": [x], "l": {"m": x}}',
  "type(x)",
  "type(x) == int",
  "int(x)",
  "double(x)",
  "string(x)",
  "dyn(x)",
  "x.sum()",
  "size(x) > 0 ? x[0] : null",
  "x.map(e, e * 2.0).sum()",
];

const BINARY = [
  "x + y",
  "x - y",
  "x * y",
  "x / y",
  "x % y",
  "x == y",
  "x != y",
  "x < y",
  "x <= y",
  "x > y",
  "x >= y",
  "x in y",
  "x && y",
  "x || y",
  "x ? y : 0",
  "x[y]",
  "{x: y}",
  "[x, y]",
  "x.contains(y)",
  "x.map(e, y)",
  "x.filter(e, e == y)",
  "x.all(e, e == y)",
  "x.exists(e, e < y)",
];

describe("closures agree with the interpreter", () => {
  test("one dyn operand, every kind of value", () => {
    let bails = 0;
    for (const source of UNARY) {
      for (const x of ALL_VALUES) {
        const verdict = differential(source, { ...base, x });
        expect(verdict, source).not.toBe("untranslated");
        if (verdict === "bail") {
          bails++;
          // JSON values never need the interpreter.
          expect(JSON_VALUES.includes(x), `${source} bailed on ${show(x)}`).toBe(false);
        }
      }
    }
    expect(bails).toBeGreaterThan(0); // the Foreign / Set values do bail
  });

  test("two dyn operands, every pair of values", () => {
    const values = [
      ...JSON_VALUES.filter((_, i) => i % 2 === 0),
      0n,
      3n,
      2n ** 63n - 1n,
      new UnsignedInt(2n),
      new Date(0),
      new Duration(1n, 0),
      new Uint8Array([1]),
      new Map([["a", 1]]),
      [1n],
    ];
    for (const source of BINARY) {
      for (const x of values) {
        for (const y of values) {
          const verdict = differential(source, { ...base, x, y });
          expect(verdict, source).not.toBe("untranslated");
          if (JSON_VALUES.includes(x) && JSON_VALUES.includes(y)) expect(verdict, source).toBe("agree");
        }
      }
    }
  });

  test("an undefined variable fails on both paths (compile() maps undefined to null before)", () => {
    expect(differential("x == null", { ...base, x: undefined })).toBe("agree");
  });
});

describe("edge cases from the CEL semantics", () => {
  test("int64 overflow and division/modulo by zero are errors", () => {
    for (const source of [
      "9223372036854775807 + n",
      "-9223372036854775807 - n",
      "n * 9223372036854775807",
      "n / 0",
      "n % 0",
      "n / (n - 7)",
      "x + 1",
      "x * x",
      "x / y",
      "x % y",
      "-x",
    ]) {
      for (const [x, y] of [
        [2n ** 63n - 1n, 0n],
        [-(2n ** 63n), -1n],
        [5n, 0n],
        [5n, 2n],
      ]) {
        expectClosurePath(source, [{ x, y }]);
      }
    }
  });

  test("cel-js quirks are kept: -MIN_INT and MIN_INT / -1 do not overflow", () => {
    expectClosurePath("-x", [{ x: -(2n ** 63n) }]);
    expectClosurePath("x / -1", [{ x: -(2n ** 63n) }]);
  });

  test("double arithmetic, string and list concatenation", () => {
    expectClosurePath("d * 2.0 + 0.1 - d / 3.0");
    expectClosurePath("1.0 / 0.0");
    expectClosurePath('s + "-" + eventID');
    expectClosurePath("l + [4, 5]");
    expectClosurePath("body.items + vars.list + []");
    expectClosurePath("body.name + body.name");
  });

  test("body.x + 1.0 fails when body.x is a string (runtime dispatch on dyn)", () => {
    expectClosurePath("body.x + 1.0", [{ body: { x: "1" } }, { body: { x: 1 } }, { body: { x: null } }]);
    expectClosurePath("body.qty * 2", [{ body: { qty: 3 } }]);
  });

  test("numeric comparisons across int, uint and double, also on dyn values", () => {
    expectClosurePath("body.amount >= 1000 && body.qty < 3.5 && body.qty > 2u");
    expectClosurePath("n > 6.5 && n < 8u && d > 2 && d <= 2.5");
    expectClosurePath("x < y", [
      { x: 1n, y: 1.5 },
      { x: new UnsignedInt(1n), y: -1n },
      { x: 2.5, y: new UnsignedInt(3n) },
      { x: Number.NaN, y: 1n },
    ]);
  });

  test("equality: deep, cross-numeric as cel-js does it", () => {
    expectClosurePath("body.qty == 3 && body.qty == 3u && 3 == body.qty && body.qty != 4");
    expectClosurePath("x == y", [
      { x: [1, [2, { a: 3n }]], y: [1n, [2.0, { a: 3 }]] },
      { x: { a: [1] }, y: new Map([["a", [1n]]]) },
      { x: { a: 1 }, y: { a: 1, b: 2 } },
      { x: { a: 1 }, y: { b: 1 } },
      { x: [Number.NaN], y: [Number.NaN] },
      { x: new UnsignedInt(1n), y: 1.0 },
      { x: new Uint8Array([1]), y: new Uint8Array([1]) },
      { x: null, y: 0 },
      { x: "1", y: 1 },
    ]);
  });

  test("in: lists by equality, maps by key", () => {
    expectClosurePath('body.qty in [1, 2, 3] && "b" in ["a", "b"] && !(5 in body.items)');
    expectClosurePath('"amount" in body && !("missing" in body) && "REGION" in env');
    expectClosurePath("x in y", [
      { x: 1n, y: [1.0] },
      { x: "1", y: { "1": 0 } },
      { x: 1n, y: { "1": 0 } },
      { x: 1n, y: new Map([[1n, 0]]) },
      { x: 1.0, y: new Map([[1n, 0]]) },
      { x: "toString", y: {} },
    ]);
    // The interpreter rejects a map whose first value is undefined; the closure hands it over.
    expect(differential("x in y", { ...base, x: "a", y: { a: undefined } })).toBe("bail");
  });

  test("field selection on maps: a missing key is an error; has()", () => {
    expectClosurePath("body.nested.ok && has(body.nested) && !has(body.missing)");
    expectClosurePath("body.missing");
    expectClosurePath("has(body.missing.deeper)");
    expectClosurePath("has(x.a)", [{ x: null }, { x: "s" }, { x: [1] }, { x: { a: undefined } }]);
    expectClosurePath("vars.who + env.REGION");
    expectClosurePath("vars.missing");
    expectClosurePath("env.MISSING");
    expectClosurePath("body.toString", [{}]);
    expectClosurePath("body.constructor", [{}]);
    expectClosurePath('body["__proto__"]', [{}]);
  });

  test("list indexing: int, uint and double indexes as cel-js does it", () => {
    expectClosurePath("body.items[0] + body.items[2]");
    expectClosurePath("l[2] + l[0]");
    for (const i of [0n, 2n, 3n, -1n, 1.0, 1.5, -0, new UnsignedInt(1n), "1", true, null]) {
      expectClosurePath("x[i]".replace("i", "y"), [{ x: [10, 20, 30], y: i }]);
    }
    expectClosurePath("l[3]");
    expectClosurePath("l[-1]");
  });

  test("map indexing", () => {
    expectClosurePath('env["REGION"] + vars["who"]');
    expectClosurePath("x[y]", [
      { x: { "1": "a" }, y: 1n },
      { x: { "1": "a" }, y: 1.0 },
      { x: { true: "a" }, y: true },
      { x: { null: "a" }, y: null },
      { x: new Map([[1n, "a"]]), y: 1n },
      { x: new Map([[1n, "a"]]), y: 1.0 },
      { x: {}, y: "missing" },
    ]);
  });

  test("&& and || absorb an error when the other side decides, in both orders", () => {
    for (const source of [
      "false && body.missing",
      "body.missing && false",
      "true || body.missing",
      "body.missing || true",
      "true && body.missing",
      "body.missing || false",
      "body.missing && body.other",
      "x && true",
      "x || false",
      "1 / 0 > 1 || true",
      "true || 1 / 0 > 1",
    ]) {
      expectClosurePath(source, [{ x: "not a bool" }, { x: true }]);
    }
  });

  test("ternary, unary - and !", () => {
    expectClosurePath('body.qty > 2 ? "many" : "few"');
    expectClosurePath("x ? 1 : 2", [{ x: 1 }, { x: null }, { x: false }]);
    expectClosurePath("-d + -2.5 > 0.0 || !(d > 1.0) || -n * 2 < 0");
    expectClosurePath("!x", [{ x: "s" }, { x: true }]);
  });

  test("list and map literals: key rules as cel-js (later keys win, __proto__ dropped)", () => {
    expectClosurePath('{"a": 1, "a": 2}');
    expectClosurePath('{"__proto__": 1, "constructor": 2, "prototype": 3, "b": 4}');
    expectClosurePath('{1: "int", 2u: "uint", true: "bool", "s": n}');
    expectClosurePath("{x: 1}", [{ x: "__proto__" }, { x: 1n }, { x: [1, 2] }]);
    expectClosurePath('[1, "two", 3.0, [4], {"five": 5}, null, b"6", 7u]');
    expectClosurePath('{"a": {"b": [1, {"c": n}]}, "d": [{"e": 1u}]}');
    expectClosurePath("[]");
    expectClosurePath("{}");
    expectClosurePath('{"a": [], "b": {}}');
  });

  test("size() of strings (code points), lists, maps and bytes", () => {
    expectClosurePath('size("ß😀") + size(body.items) + size(body) + size(b"abc") + size(l) + s.size()');
    expectClosurePath("size(x)", [{ x: "😀" }, { x: { a: 1, b: 2 } }, { x: new Map([[1, 2]]) }, { x: 1 }]);
  });

  test("string methods", () => {
    expectClosurePath(
      'body.name.upperAscii() + body.name.lowerAscii() + "  x ".trim() + s.substring(1) + s.replace("s", "t")',
    );
    expectClosurePath('s.contains("tr") && s.startsWith("s") && s.endsWith("r") && s.matches("^s.r$")');
    expectClosurePath('"a,b".split(",").join("-") + "%s-%d".format([s, 2])');
    expectClosurePath("x.upperAscii()", [{ x: "ß" }, { x: 1 }]);
  });

  test("macros map (2 and 3 arguments), filter, all, exists, exists_one", () => {
    expectClosurePath("body.items.map(i, i * 2.0)");
    expectClosurePath("body.items.map(i, i > 1.0, i * 2.0)");
    expectClosurePath("body.items.filter(i, i > 1.0)");
    expectClosurePath("body.items.all(i, i > 0.0) && body.items.exists(i, i == 2.0)");
    expectClosurePath("body.items.exists_one(i, i == 2.0)");
    expectClosurePath("body.map(k, k).size() == size(body)");
    expectClosurePath("l.map(a, l.map(b, a * b))");
    expectClosurePath('[{"p": 1.5, "q": 2.0}, {"p": 2.0, "q": 1.0}].map(i, i.p * i.q).sum()');
    expectClosurePath("x.all(e, e > 0)", [
      { x: [1, "a", 0] },
      { x: ["a", 1] },
      { x: [1, "a"] },
      { x: [0, "a"] },
    ]);
    expectClosurePath("x.exists(e, e > 0)", [{ x: ["a", 1] }, { x: ["a", 0] }, { x: [1, "a"] }]);
    expectClosurePath("x.exists_one(e, e > 0)", [{ x: ["a", 1] }, { x: [1, 2] }]);
    expectClosurePath("x.map(e, e / 0)", [{ x: [1n] }, { x: [] }]);
  });

  test("functions with static and dyn arguments", () => {
    expectClosurePath("int(d) + int(s.size()) + int(body.qty)");
    expectClosurePath('string(n) + string(d) + string(now) + string(duration("1.5s"))');
    expectClosurePath('timestamp("2024-01-01T00:00:00Z") < now && now.getFullYear() == 2024');
    expectClosurePath('now + duration("1h") > now && now - now == duration("0s")');
    expectClosurePath("type(body) == map && type(n) == int && type(l) == list");
    expectClosurePath("double(x)", [{ x: "1.5" }, { x: 2n }, { x: "nope" }, { x: [] }]);
    expectClosurePath('"%d items".format([size(body.items)])');
    expectClosurePath("body.items.sum() + l.sum()");
  });
});

describe("what is translated", () => {
  const translated = (source: string) => {
    const p = env.parse(source);
    p.check();
    return translate(p.ast, env).ok;
  };

  test("the benchmark scenarios' expressions", () => {
    expect(translated('{"count": body.count + 1.0, "sum": body.sum + vars.item}')).toBe(true);
    expect(
      translated(`{"id": body.orderId,
        "name": body.customer.firstName.upperAscii() + " " + body.customer.lastName.upperAscii(),
        "currency": body.currency.upperAscii(),
        "total": body.items.map(i, i.price * i.qty).sum(),
        "lines": size(body.items)}`),
    ).toBe(true);
    expect(translated('vars.tier == "gold"')).toBe(true);
  });

  test("optional syntax and cel.bind keep the interpreter", () => {
    expect(translated("body.?missing.orValue(1)")).toBe(false);
    expect(translated("cel.bind(a, 1, a + 1)")).toBe(false);
  });

  test("a function registered outside the reference environment keeps the interpreter", () => {
    const custom = env.clone();
    custom.registerFunction("twice(int): int", (v: bigint) => v * 2n);
    const p = custom.parse("twice(n)");
    p.check();
    expect(translate(p.ast, custom).ok).toBe(false);
  });
});

describe("variableUse", () => {
  const use = (source: string) => {
    const p = env.parse(source);
    p.check();
    const u = variableUse(p.ast);
    if (!u) throw new Error("unknown");
    return { read: [...u.read].sort(), whole: [...u.whole].sort() };
  };

  test("selection and has() do not use a variable whole", () => {
    expect(use('vars.a + vars["b"] + body.c')).toEqual({ read: ["body", "vars"], whole: [] });
    expect(use("has(vars.a) ? vars.a.b : body[vars.k]")).toEqual({ read: ["body", "vars"], whole: [] });
    expect(use("vars.items.map(i, i.x)")).toEqual({ read: ["i", "vars"], whole: [] });
    expect(use("vars.items.map(i, i)")).toEqual({ read: ["i", "vars"], whole: ["i"] });
  });

  test("any other use is whole", () => {
    expect(use("vars").whole).toEqual(["vars"]);
    expect(use('{"all": vars}').whole).toEqual(["vars"]);
    expect(use("[vars][0]").whole).toEqual(["vars"]);
    expect(use("size(vars) > 0 ? vars : body").whole).toEqual(["body", "vars"]);
    expect(use("vars.map(k, k)").whole).toEqual(["k", "vars"]);
    expect(use("true ? vars : {}").whole).toEqual(["vars"]);
  });

  test("unknown constructs are reported as unknown", () => {
    const p = env.parse("cel.bind(a, vars, a)");
    p.check();
    expect(variableUse(p.ast)).toBeUndefined();
  });
});

describe("sameCelValue", () => {
  test("typed: int is not double, uint is not int, -0 is not 0", () => {
    expect(sameCelValue(1n, 1)).toBe(false);
    expect(sameCelValue(new UnsignedInt(1n), 1n)).toBe(false);
    expect(sameCelValue(new UnsignedInt(1n), new UnsignedInt(1n))).toBe(true);
    expect(sameCelValue(-0, 0)).toBe(false);
    expect(sameCelValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameCelValue({ a: [1n] }, { a: [1n] })).toBe(true);
    expect(sameCelValue({ a: [1n] }, { a: [1] })).toBe(false);
    expect(sameCelValue(new Map([[1n, 1]]), { "1": 1 })).toBe(false);
    expect(sameCelValue(Optional.of(1), Optional.of(2))).toBe(false);
    expect(sameCelValue(new Duration(1n, 5), new Duration(1n, 5))).toBe(true);
  });
});
