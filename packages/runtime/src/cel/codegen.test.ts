// Differential tests of the generated functions: where one returns a value, it must be exactly
// toJson of the interpreter's value on the same checked AST and activation (isDeepStrictEqual:
// -0 is not 0, a plain object is not a null-prototype one), and the interpreter must succeed;
// otherwise it returns GENERATED_BAIL. It must never throw.
import { isDeepStrictEqual } from "node:util";
import { Optional } from "@marcbachmann/cel-js";
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";
import { describe, expect, test } from "vitest";
import { translate } from "./closures.ts";
import { GENERATED_BAIL, generate } from "./codegen.ts";
import { toJson } from "./convert.ts";
import { environmentFor } from "./environment.ts";
import { CODEGEN_AFTER, compile, RUNTIME_VARIABLES } from "./index.ts";

const VARIABLES = {
  ...RUNTIME_VARIABLES,
  x: "dyn",
  y: "dyn",
  n: "int",
  d: "double",
  s: "string",
  l: "list<int>",
  m: "map<string, double>",
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

type Verdict = "value" | "bail" | "ungenerated";

function show(v: unknown): string {
  try {
    return JSON.stringify(toJson(v)) ?? String(v);
  } catch {
    return String(v);
  }
}

function checked(source: string) {
  const program = env.parse(source);
  const c = program.check();
  if (!c.valid) throw new Error(`${source}: ${String(c.error)}`);
  return program;
}

/**
 * Runs `source` generated and interpreted; throws (fails the test) when they disagree. With
 * undefinedAsNull (compile()'s rule), the interpreter sees null for undefined.
 */
function differential(source: string, activation: Record<string, unknown>, undefinedAsNull = false): Verdict {
  const program = checked(source);
  const g = generate(program.ast, env, { undefinedAsNull });
  if (!g.ok) return "ungenerated";
  const got = attempt(() => g.program.run(activation));
  const where = `${source} with x=${show(activation.x)} y=${show(activation.y)} body=${show(activation.body)}`;
  if ("error" in got) throw new Error(`${where}: the generated function threw ${String(got.error)}`);
  if (got.value === GENERATED_BAIL) return "bail";
  const input = undefinedAsNull
    ? Object.fromEntries(Object.entries(activation).map(([k, v]) => [k, v ?? null]))
    : activation;
  const interpreter = attempt(() => program(input));
  if ("error" in interpreter) {
    throw new Error(
      `${where}: generated ${show(got.value)}, interpreter failed (${String(interpreter.error)})`,
    );
  }
  const expected = toJson(interpreter.value);
  if (!isDeepStrictEqual(got.value, expected)) {
    throw new Error(`${where}: generated ${show(got.value)} ≠ interpreter ${show(expected)}`);
  }
  return "value";
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
  m: { a: 1.5 },
};

/** Asserts a value (no bail) on every activation. */
function expectGenerated(source: string, activations: Record<string, unknown>[] = [{}]): void {
  for (const extra of activations) {
    expect(differential(source, { ...base, ...extra }), `${source} with ${show(extra)}`).toBe("value");
  }
}

/** Asserts a bail (the closures decide) on every activation. */
function expectBail(source: string, activations: Record<string, unknown>[] = [{}]): void {
  for (const extra of activations) {
    expect(differential(source, { ...base, ...extra }), `${source} with ${show(extra)}`).toBe("bail");
  }
}

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
  Number.NEGATIVE_INFINITY,
  1e300,
  Number.MAX_VALUE,
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
  { a: "s" },
  { "1": 2 },
  { a: null },
  JSON.parse('{"__proto__": 1, "a": 2}'),
  { constructor: Object, a: 1 },
];
const OTHER_VALUES: unknown[] = [
  0n,
  -3n,
  2n ** 63n - 1n,
  new UnsignedInt(1n),
  new Date("2024-05-01T10:00:00Z"),
  new Duration(90n, 0),
  new Uint8Array([1, 2]),
  Optional.of(1),
  new Map([["a", 1]]),
  new Set([1, 2]),
  [1n, 2n],
  Object.assign(Object.create(null), { a: 1 }),
  Object.create({ a: 1 }),
  new Foreign(),
  [new Foreign()],
  { a: new Foreign() },
  { constructor: "x", a: 1 },
  { a: undefined },
  new Array(2).fill(1, 1), // a hole
];
const ALL_VALUES = [...JSON_VALUES, ...OTHER_VALUES];

const UNARY = [
  "x",
  "-x",
  "!x",
  "x.a",
  "x.a.b",
  'x["a"]',
  'x["__proto__"]',
  "x.constructor",
  "x[0]",
  "x[1]",
  "x[0][0]",
  "x[0].a",
  "has(x.a)",
  "has(x.a.b)",
  "size(x)",
  "x.size()",
  "size(x) > 0 ? x[0] : null",
  "x.upperAscii()",
  "x.lowerAscii()",
  "x.trim()",
  'x.contains("a")',
  'x.startsWith("a")',
  'x.endsWith("c")',
  "x + 1.0",
  "1.0 + x",
  "x.a + 1.0",
  'x + "s"',
  '"s" + x',
  "x * 2.0",
  "x - 1.0",
  "x / 2.0",
  "x / 0.0",
  "x + 1",
  "x == 1",
  "x == 1.0",
  'x == "a"',
  "x == null",
  "x == true",
  "x != 1.0",
  'x != "a"',
  "x != null",
  "x < 1",
  "x < 1.0",
  'x > "a"',
  "x >= 0.0",
  "x <= true",
  "x ? 1.0 : 2.0",
  'x ? "a" : "b"',
  "x && true",
  "true && x",
  "x || false",
  "false || x",
  "x && false",
  "false && x",
  "x || true",
  "true || x",
  "x.a && x.a",
  "[x, 1.0]",
  '{"k": x}',
  '{"k": [x], "l": {"m": x}}',
  '{"k": x.a, "__proto__": x.a}',
  '{"k": x ? x : null}',
  "x.map(e, e)",
  "x.map(e, e * 2.0).sum()",
  "x.map(e, e.a)",
  "x.map(e, e > 1.0, e * 2.0)",
  "x.filter(e, e > 1.0)",
  "x.all(e, e > 0.0)",
  "x.exists(e, e == 1.0)",
  "x.exists_one(e, e == 1.0)",
  "x.map(e, x.map(f, [e, f]))",
  'x.map(e, {"k": e, "l": [e]})',
  "x.map(e, e in [1.0])",
  "string(x)",
  "x in [1.0, 2.0]",
  "x == [1.0]",
];

const BINARY = [
  "x + y",
  "x - y",
  "x * y",
  "x / y",
  "x == y",
  "x != y",
  "x < y",
  "x <= y",
  "x > y",
  "x >= y",
  "x && y",
  "x || y",
  "x ? y : 0.0",
  "[x, y]",
  '{"a": x, "b": y}',
  "x.contains(y)",
  "x[y]",
];

describe("generated functions agree with the interpreter", () => {
  test("one dyn operand, every kind of value", () => {
    let values = 0;
    for (const source of UNARY) {
      let generated = false;
      for (const x of ALL_VALUES) {
        const verdict = differential(source, { ...base, x });
        if (verdict === "value") values++;
        if (verdict !== "ungenerated") generated = true;
      }
      if (!["x in [1.0, 2.0]", "x == [1.0]", "x.map(e, e in [1.0])"].includes(source)) {
        expect(generated, source).toBe(true);
      }
    }
    expect(values).toBeGreaterThan(500);
  });

  test("two dyn operands, every pair of values", () => {
    const values = [...JSON_VALUES.filter((_, i) => i % 2 === 0), 0n, 3n, new Date(0), new Map([["a", 1]])];
    let count = 0;
    for (const source of BINARY) {
      for (const x of values) {
        for (const y of values) if (differential(source, { ...base, x, y }) === "value") count++;
      }
    }
    expect(count).toBeGreaterThan(1000);
  });

  test("random expressions over random values (seeded)", () => {
    let seed = 42;
    // mulberry32: a fixed sequence, so a failure reproduces.
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const LITERALS = [
      "1.0",
      "-0.0",
      "2.5",
      "1",
      "-3",
      '"a"',
      '""',
      "true",
      "false",
      "null",
      "1e308",
      "[]",
      "{}",
    ];
    const KEYS = ["a", "b", "__proto__", "constructor", "toString"];
    const expr = (depth: number, scope: string[]): string => {
      if (depth <= 0 || random() < 0.2)
        return random() < 0.5
          ? pick(LITERALS)
          : pick([...scope, "x", "y", "body", "s", "d", "n", "m", "vars"]);
      const sub = () => expr(depth - 1, scope);
      switch (Math.floor(random() * 15)) {
        case 0:
          return `${sub()}.${pick(KEYS)}`;
        case 1:
          return `${sub()}[${pick(["0", "1", '"a"', '"__proto__"'])}]`;
        case 2:
          return `(${sub()} ${pick(["+", "-", "*", "/", "%"])} ${sub()})`;
        case 3:
          return `(${sub()} ${pick(["==", "!=", "<", "<=", ">", ">=", "in"])} ${sub()})`;
        case 4:
          return `(${sub()} ${pick(["&&", "||"])} ${sub()})`;
        case 5:
          return `${pick(["!", "-"])}${sub()}`;
        case 6:
          return `(${sub()} ? ${sub()} : ${sub()})`;
        case 7:
          return `size(${sub()})`;
        case 8:
          return `${sub()}.${pick(["upperAscii()", "trim()", 'contains("a")', "size()"])}`;
        case 9:
          return `{${JSON.stringify(pick(KEYS))}: ${sub()}, "k": ${sub()}}`;
        case 10:
          return `[${sub()}, ${sub()}]`;
        case 11:
          return `has(${pick(["x", "body", "m"])}.${pick(["a", "b"])})`;
        case 12: {
          const v = pick(["e", "f"]);
          return `${sub()}.${pick(["map", "filter", "all", "exists", "exists_one"])}(${v}, ${expr(depth - 1, [...scope, v])})`;
        }
        case 13:
          return `${pick(["string", "int", "double"])}(${sub()})`;
        default:
          return pick(["x.a", "body.a", "y.b", "m.a", "l[0]"]);
      }
    };
    const VALUES = [...JSON_VALUES, 1n, new Map([["a", 1]]), Object.create(null), new Foreign()];
    let values = 0;
    for (let i = 0; i < 1500; i++) {
      const source = expr(1 + Math.floor(random() * 4), []);
      if (!env.parse(source).check().valid) continue;
      for (let k = 0; k < 4; k++) {
        const activation = {
          ...base,
          x: pick(VALUES),
          y: pick(VALUES),
          body: pick(VALUES),
          vars: { a: pick(VALUES) },
        };
        if (differential(source, activation) === "value") values++;
      }
    }
    expect(values).toBeGreaterThan(1000);
  });

  test("undefined variables: null under compile()'s rule, else a bail", () => {
    expect(differential("x == null", { ...base, x: undefined }, true)).toBe("value");
    expect(differential("x == null", { ...base, x: undefined }, false)).toBe("bail");
    expect(differential("s + 'a'", { ...base, s: undefined }, true)).toBe("bail");
  });
});

describe("guards", () => {
  test("a string where a double is expected, a missing key, null", () => {
    expectGenerated("body.x + 1.0", [{ body: { x: 1 } }, { body: { x: 1e308 } }]);
    expectBail("body.x + 1.0", [{ body: { x: "1" } }, { body: {} }, { body: { x: null } }, { body: null }]);
    expectBail("body.missing");
    expectBail("vars.count + 1.0", [{ vars: null }, { vars: [1] }, { vars: new Map([["count", 1]]) }]);
  });

  test("typed variables are checked against their declared type", () => {
    expectGenerated('s + "!" + eventID');
    expectBail('s + "!"', [{ s: 1 }, { s: null }]);
    expectGenerated("d * 2.0 + m.a");
    expectBail("d * 2.0", [{ d: 2n }]);
    expectBail("m.a + 1.0", [{ m: { a: "x" } }, { m: { a: 1n } }]);
    expectGenerated("l[0] + 1", [{}]);
    expectBail("l[0] > 0", [{ l: [1.5] }]);
  });

  test("nested lists and maps, indexes", () => {
    expectGenerated("x[1][0] + x[0][0]", [{ x: [[1], [2.5]] }]);
    expectGenerated('{"a": x[0], "b": [x[1], [x]]}', [{ x: [[1, { b: [2] }], "s"] }]);
    expectBail("x[2]", [{ x: [1, 2] }]);
    // An array's hole reads through the prototype, as in the library.
    expectBail("x[0]", [{ x: new Array(2).fill(1, 1) }]);
  });

  test("-0, NaN, infinities and huge doubles are kept exactly", () => {
    expectGenerated("-x", [{ x: 0 }, { x: -0 }, { x: Number.NaN }, { x: Number.NEGATIVE_INFINITY }]);
    expectGenerated('{"z": -0.0, "big": 1e308 * 10.0, "nan": 0.0 / 0.0, "neg": -1.5}');
    expectGenerated("x == x && x < 1.0", [{ x: Number.NaN }, { x: -0 }]);
    expectGenerated("x * 1e308", [{ x: 1e10 }, { x: -1e10 }]);
    const g = generate(checked("[-0.0, 0.0 / 0.0, 1e308 * 10.0, -1e308 * 10.0]").ast, env);
    if (!g.ok) throw new Error(g.reason);
    expect(g.program.run({})).toStrictEqual([
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  test("keys like __proto__ and constructor: own keys only, dropped in literals", () => {
    expectGenerated('x["__proto__"].a', [{ x: JSON.parse('{"__proto__": {"a": 1}}') }]);
    // An own "constructor": the library rejects the object unless it is Object; a function is no value.
    expectBail("x.a", [{ x: { constructor: 2, a: 1 } }]);
    expectBail('x["constructor"]', [{ x: { constructor: Object } }]);
    expectBail('x["__proto__"]', [{ x: {} }]);
    expectBail("x.constructor", [{ x: {} }]);
    expectBail("x.toString", [{ x: {} }]);
    expectBail("x.a", [{ x: Object.create({ a: 1 }) }, { x: Object.assign(Object.create(null), { a: 1 }) }]);
    expectGenerated('{"__proto__": x, "constructor": 1.0, "prototype": [x], "k": x}', [{ x: 1 }]);
    const r = compile('{"__proto__": {"polluted": true}}', { variables: VARIABLES }, { codegenAfter: 0 });
    if (!r.ok) throw new Error("compile failed");
    expect(r.expr.compiledToCode).toBe(true);
    expect(r.expr.evaluate({ ...base })).toStrictEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a key added to Object.prototype after generation is not read as the object's own", () => {
    const g = generate(checked("x.polluted").ast, env);
    if (!g.ok) throw new Error(g.reason);
    expect(g.program.run({ ...base, x: { polluted: 1 } })).toBe(1);
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 2;
    try {
      expect(g.program.run({ ...base, x: {} })).toBe(GENERATED_BAIL);
      expect(g.program.run({ ...base, x: { polluted: 1 } })).toBe(GENERATED_BAIL);
    } finally {
      delete proto.polluted;
    }
  });

  test("&& and || absorb an error or a non-bool when the other side decides", () => {
    expectGenerated("false && body.missing");
    expectGenerated("true || body.missing");
    expectGenerated("x && false", [{ x: "not a bool" }, { x: 1 }, { x: true }]);
    expectGenerated("x || true", [{ x: "not a bool" }, { x: null }, { x: false }]);
    // The failing side first: the generated function bails, the closures absorb it.
    expectBail("body.missing && false");
    expectBail("body.missing || true");
    expectBail("x && true", [{ x: "not a bool" }]);
    expectBail("x || false", [{ x: 1 }]);
  });

  test("ternary conditions must be bool", () => {
    expectGenerated('body.qty > 2.0 ? "many" : "few"');
    expectBail('x ? "a" : "b"', [{ x: 1 }, { x: null }]);
  });

  test("int results of size() and int literals leave as JSON numbers", () => {
    expectGenerated('{"n": size(body.items), "s": size("ß😀"), "m": size(x), "i": 9223372036854775807}', [
      { x: { a: 1, b: 2 } },
    ]);
    expectGenerated("size(x) == 2", [{ x: [1, 2] }, { x: "ab" }, { x: { a: 1 } }]);
    // debugTypeDeep rejects an unsupported first element: the closures decide.
    expectBail("size(x)", [{ x: [new Foreign()] }, { x: { a: new Foreign() } }]);
  });

  test("what is not inlined calls the node's closure", () => {
    const viaClosures = (source: string) => {
      const g = generate(checked(source).ast, env);
      if (!g.ok) throw new Error(g.reason);
      return g.program.viaClosures;
    };
    expect(viaClosures('{"t": body.items == [1.0, 2.0, 3.0], "c": vars.count + 1.0}')).toBe(1);
    expectGenerated('{"t": body.items == [1.0, 2.0, 3.0], "c": vars.count + 1.0}');
    // Inside a comprehension, the whole comprehension (a closure would not see the variable).
    expect(viaClosures('{"t": body.items.map(i, i in [1.0, 3.0]), "c": vars.count + 1.0}')).toBe(1);
    expectGenerated('{"t": body.items.map(i, i in [1.0, 3.0]), "c": vars.count + 1.0}');
    // A CEL error inside such a closure bails.
    expectBail('{"t": body.items.map(i, [i] == [1 / 0]), "c": vars.count + 1.0}');
    expect(generate(checked("now").ast, env)).toEqual({ ok: false, reason: "nothing to inline" });
  });

  test("comprehensions: elements checked as the library does, errors bail", () => {
    expectGenerated("x.map(e, e * 2.0)", [{ x: [1, 2] }, { x: [] }]);
    expectGenerated("x.map(k, k)", [{ x: { a: 1, b: 2 } }]);
    expectGenerated("x.map(e, 1.0)", [{ x: [null, "s", [1], {}] }]);
    expectBail("x.map(e, 1.0)", [{ x: [1, new Foreign()] }, { x: new Set([1]) }, { x: "s" }]);
    expectGenerated("x.exists(e, e == 2.0) && !x.all(e, e < 2.0)", [{ x: [1, 2, 3] }]);
    expectGenerated("x.exists_one(e, e == 2.0)", [{ x: [2, 2] }, { x: [1, 2] }]);
    // A quantifier absorbs an error when a later element decides: the closures do that.
    expectBail("x.exists(e, e > 0.0)", [{ x: ["a", 1] }]);
    expectGenerated("x.exists(e, e > 0.0)", [{ x: [1, "a"] }]);
    expectGenerated("l.map(e, e + 1)");
    expectBail("l.map(e, e + 1)", [{ l: [1.5] }]);
  });
});

describe("untrusted source text is data", () => {
  // Each would, spliced into JavaScript, end a string, a comment, a template or a line.
  const NASTY = [
    '"; globalThis.__celPwned = 1; "',
    "'; globalThis.__celPwned = 1; '",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text that must stay data
    "`${globalThis.__celPwned = 1}`",
    '\\"); globalThis.__celPwned = 1; //',
    "*/ globalThis.__celPwned = 1; /*",
    "line\nbreak\r\n",
    "sep\u2028arator\u2029",
    "astral 😀 \ufeff",
    "</script><!--",
    "\\u0022",
    "\u0000nul",
  ];
  /** A CEL string literal holding `s` (CEL's escapes). */
  const celString = (s: string) =>
    `"${[...s]
      .map((c) =>
        c === '"' || c === "\\"
          ? `\\${c}`
          : (c.codePointAt(0) as number) < 0x20 || c === "\u2028" || c === "\u2029"
            ? `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, "0")}`
            : c,
      )
      .join("")}"`;

  test("string literals, keys and selected fields with quotes, backslashes, ${, newlines, U+2028", () => {
    const g = globalThis as Record<string, unknown>;
    for (const s of NASTY) {
      const lit = celString(s);
      for (const source of [
        `{${lit}: ${lit} + x.a, "k": [${lit}], "i": x[${lit}]}`,
        `x[${lit}] + ${lit} == ${lit} ? ${lit} : ${lit}.upperAscii()`,
        `has(x.a) && ${lit}.contains(${lit})`,
      ]) {
        const x = { [s]: "v", a: "w" };
        const gen = generate(checked(source).ast, env);
        if (!gen.ok) throw new Error(`${source}: ${gen.reason}`);
        expect(differential(source, { ...base, x }), source).toBe("value");
        expect(g.__celPwned, source).toBeUndefined();
        // Only JSON string literals carry the text: no raw line breaks or separators in the code.
        expect(/[\n\u2028\u2029]/.test(gen.program.code.replaceAll("\n", "")), source).toBe(false);
      }
    }
  });

  test("the generated code names variables by index, never by their text", () => {
    const g = generate(checked("body.a + vars.b + eventID").ast, env, { undefinedAsNull: true });
    if (!g.ok) throw new Error(g.reason);
    expect(g.program.code).toContain('act["body"]');
    expect(g.program.code).not.toMatch(/\b(body|vars|eventID)\s*[=.[]/);
  });
});

describe("what is generated", () => {
  const S4 = '{"count": body.count + 1.0, "sum": body.sum + vars.item}';
  const S2 = `{"id": body.orderId,
    "name": body.customer.firstName.upperAscii() + " " + body.customer.lastName.upperAscii(),
    "currency": body.currency.upperAscii(),
    "total": body.items.map(i, i.price * i.qty).sum(),
    "lines": size(body.items)}`;
  const order = {
    orderId: "o-1",
    customer: { firstName: "ada", lastName: "lovelace" },
    currency: "eur",
    items: [
      { sku: "a", qty: 2, price: 1.5 },
      { sku: "b", qty: 1, price: 10 },
    ],
  };

  test("the benchmark scenarios' expressions run without bailing", () => {
    expectGenerated(S4, [{ body: { count: 3, sum: 4.5 }, vars: { items: [1, 2], item: 3.5, itemIndex: 1 } }]);
    expectGenerated(S2, [{ body: order }]);
    expectGenerated('vars.tier == "gold"', [{ vars: { tier: "gold" } }, { vars: { tier: 1 } }]);
    expectGenerated('{"greeting": "hello, " + body.name + "!"}', [{ body: { name: "n" } }]);
    const s4 = generate(checked(S4).ast, env);
    expect(s4.ok && s4.program.viaClosures).toBe(0);
  });

  test("compile(): generated once hot, at once with codegenAfter: 0, never with codegen/closures: false", () => {
    const variables = { variables: RUNTIME_VARIABLES };
    const compiled = (options: Parameters<typeof compile>[2]) => {
      const r = compile(S4, variables, options);
      if (!r.ok) throw new Error("compile failed");
      return r.expr;
    };
    const act = { ...base, body: { count: 3, sum: 4.5 }, vars: { item: 3.5 } };
    const verify = process.env.OCTO_CEL_VERIFY === "1"; // generates at once
    for (const [expr, after] of [
      [compiled({}), CODEGEN_AFTER],
      [compiled({ codegenAfter: 2 }), 2],
    ] as const) {
      for (let i = 0; i < after; i++) {
        expect(expr.compiledToCode).toBe(verify);
        expect(expr.evaluate(act)).toStrictEqual({ count: 4, sum: 8 });
      }
      expect(expr.compiledToCode).toBe(true);
      expect(expr.evaluate(act)).toStrictEqual({ count: 4, sum: 8 });
    }
    expect(compiled({ codegenAfter: 0 }).compiledToCode).toBe(true);
    for (const off of [compiled({ codegen: false, codegenAfter: 0 }), compiled({ closures: false })]) {
      for (let i = 0; i <= CODEGEN_AFTER; i++) off.evaluate(act);
      expect(off.compiledToCode).toBe(false);
    }
    const eager = compiled({ codegenAfter: 0 });
    expect(eager.evaluate(act)).toStrictEqual({ count: 4, sum: 8 });
    // A bail goes on to the closures, then to the interpreter's error.
    expect(eager.evaluate({ ...act, body: { count: 1, sum: "a" }, vars: { item: "b" } })).toStrictEqual({
      count: 2,
      sum: "ab",
    });
    expect(() => eager.evaluate({ ...act, vars: { item: "x" } })).toThrow("no such overload");
  });

  test("only translated expressions are generated", () => {
    const p = checked("body.?a.orValue(1.0) + 1.0");
    expect(translate(p.ast, env).ok).toBe(false);
    expect(compile("body.?a.orValue(1.0) + 1.0", { variables: RUNTIME_VARIABLES }).ok).toBe(true);
    const r = compile("body.?a.orValue(1.0) + 1.0", { variables: RUNTIME_VARIABLES });
    expect(r.ok && r.expr.compiledToCode).toBe(false);
  });
});
