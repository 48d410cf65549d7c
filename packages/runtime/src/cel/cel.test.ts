import { afterAll, describe, expect, test } from "vitest";
import { environmentFor } from "./environment.ts";
import {
  type CelCompileError,
  CelEvalError,
  type CompiledExpr,
  caretExcerpt,
  closureDisagreements,
  compile,
  RUNTIME_VARIABLES,
} from "./index.ts";

// Every evaluation in this file that ran on closures and failed was confirmed by the interpreter.
afterAll(() => expect(closureDisagreements.count).toBe(0));

const NOW = new Date("2024-05-01T10:00:00.250Z");
const activation = {
  body: { amount: 1500, qty: 3, name: "Ada", items: [1, 2, 3], tags: ["a", "b"], nested: { ok: true } },
  vars: { count: 1, who: "bob" },
  eventID: "ev-1",
  correlationID: "corr-1",
  env: { REGION: "eu" },
  now: NOW,
};

function compiled(source: string, variables = RUNTIME_VARIABLES): CompiledExpr {
  const r = compile(source, { variables });
  if (!r.ok) throw new Error(`compile failed: ${JSON.stringify(r.errors)}`);
  return r.expr;
}

const run = (source: string, act: Record<string, unknown> = activation) => compiled(source).evaluate(act);

function compileErrors(source: string): CelCompileError[] {
  const r = compile(source, { variables: RUNTIME_VARIABLES });
  if (r.ok) throw new Error(`expected ${source} to fail`);
  return r.errors;
}

function evalError(source: string): CelEvalError {
  try {
    run(source);
  } catch (e) {
    expect(e).toBeInstanceOf(CelEvalError);
    return e as CelEvalError;
  }
  throw new Error(`expected ${source} to throw`);
}

describe("compile errors", () => {
  test("undeclared variable names the fix and the offset", () => {
    const [err] = compileErrors("body.x + paylod.name");
    expect(err?.message).toContain("undeclared variable 'paylod'");
    expect(err?.message).toContain("available: body, vars, eventID, correlationID, env, now");
    expect(err?.offset).toBe(9);
  });

  test("did-you-mean for a near-miss variable", () => {
    expect(compileErrors("bdy.x")[0]?.message).toContain("did you mean 'body'?");
  });

  test("unknown function and method", () => {
    const [fn] = compileErrors("uuidd()");
    expect(fn).toEqual({ message: "unknown function 'uuidd()' (did you mean 'uuid()'?)", offset: 0 });
    const [method] = compileErrors('body.name.lowerAsci() == "x"');
    expect(method?.message).toBe("unknown method 'lowerAsci()' (did you mean 'lowerAscii()'?)");
    expect(method?.offset).toBe(10);
  });

  test("wrong argument types list the overloads", () => {
    const [err] = compileErrors('"a".replace(1)');
    expect(err?.message).toContain("string.replace(string, string): string");
    expect(err?.offset).toBe(4);
  });

  test("type errors on declared types", () => {
    expect(compileErrors("eventID + 1")[0]?.message).toBe("no such overload: string + int");
    expect(compileErrors("now.size()")[0]?.message).toContain("no matching overload");
  });

  test("int/double mixing says how to fix it", () => {
    expect(compileErrors("1 + 2.0")[0]?.message).toBe(
      "no such overload: int + double; JSON numbers are double: write 1.0 or use int(x)/double(x)",
    );
  });

  test("syntax errors carry an offset", () => {
    const [err] = compileErrors("body.a +");
    expect(err?.message).toMatch(/unexpected token/i);
    expect(err?.offset).toBe(8);
  });

  test("declarations are honoured exactly", () => {
    expect(compile("item.name", { variables: { item: "dyn" } }).ok).toBe(true);
    expect(compile("item.name", { variables: RUNTIME_VARIABLES }).ok).toBe(false);
  });
});

describe("limits", () => {
  test("an over-deep expression is rejected at compile time", () => {
    const [err] = compileErrors(`${"(".repeat(100)}1${")".repeat(100)}`);
    expect(err?.message).toContain("maxDepth");
    expect(err?.offset).toBeTypeOf("number");
  });

  test("too many AST nodes, oversized literals and sources are rejected", () => {
    expect(compileErrors(Array(3000).fill("1").join(" + "))[0]?.message).toContain("maxAstNodes");
    expect(compileErrors(`[${Array(1001).fill("1").join(", ")}]`)[0]?.message).toContain("maxListElements");
    expect(compileErrors(`"${"x".repeat(20_000)}"`)[0]?.message).toContain("longer than");
  });
});

describe("number semantics (JSON numbers are double)", () => {
  test("comparisons across int and double work on dyn values", () => {
    expect(run("body.amount >= 1000")).toBe(true);
    expect(run("body.qty == 3 && body.qty < 3.5 && body.qty in [1, 2, 3]")).toBe(true);
    expect(run("vars.count != 2")).toBe(true);
  });

  test("double * int literal fails at run time with the fix in the message", () => {
    const err = evalError("body.qty * 2");
    expect(err.message).toBe(
      "no such overload: dyn<double> * int; JSON numbers are double: write 2.0 or use int(x)/double(x)",
    );
    expect(err.offset).toBe(0);
    expect(err.message).not.toContain("\n");
  });

  test("the suggested fixes work", () => {
    expect(run("body.qty * 2.0")).toBe(6);
    expect(run("int(body.qty) * 2")).toBe(6);
    expect(run("vars.count + 1.0")).toBe(2);
  });

  test("int and double arithmetic keep CEL semantics", () => {
    expect(run("7 / 2")).toBe(3);
    expect(run("7.0 / 2.0")).toBe(3.5);
    expect(evalError("1 / 0").message).toBe("division by zero");
  });
});

describe("registered functions", () => {
  test.each([
    ['"a-b-c".replace("-", "+")', "a+b+c"],
    ['"a-b-c".replace("-", "+", 1)', "a+b-c"],
    ['"a-b-c".replace("-", "", -1)', "abc"],
    ['"héllo".charAt(1)', "é"],
    ['"abc".charAt(3)', ""],
    ['"héllo".reverse()', "olléh"],
    ['"%s has %d items (%.2f%%), %f".format(["Ada", 3, 12.345, 1.5])', "Ada has 3 items (12.35%), 1.500000"],
    ['"%d of %s".format([body.qty, body.tags])', '3 of ["a","b"]'],
    [
      '"at %s after %s".format([timestamp("2024-01-01T00:00:00Z"), duration("90s")])',
      "at 2024-01-01T00:00:00Z after 90s",
    ],
    ["string(now)", "2024-05-01T10:00:00.25Z"],
    ['string(timestamp("2009-02-13T23:31:30Z"))', "2009-02-13T23:31:30Z"],
    ['int(timestamp("2009-02-13T23:31:30Z"))', 1234567890],
    ['string(duration("1.5s"))', "1.5s"],
    ['string(duration("-1.5s"))', "-1.5s"],
    ['string(duration("1h"))', "3600s"],
    ["int(18446744073709551615u / 4u)", 4611686018427387903n.toString()],
    ['b"a" < b"b" && b"ab" > b"a" && b"" <= b"" && b"\\xff" >= b"\\x01"', true],
    ["timestamp(now) == now && duration(duration('1s')) == duration('1s')", true],
    // built into the library already
    ['" Ab ".trim().lowerAscii() + "b".upperAscii()', "abB"],
    ['"a,b".split(",")', ["a", "b"]],
    ['["a", "b"].join("-")', "a-b"],
  ])("%s", (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  test("list.sum() adds ints as int and any double as double", () => {
    expect(run("[1, 2, 3].sum()")).toBe(6);
    expect(run("body.items.sum()")).toBe(6);
    expect(run("[1.5, 2.5].sum() == 4.0")).toBe(true);
    expect(run("[].sum()")).toBe(0);
    expect(() => run('["a"].sum()')).toThrow(/sum: list elements must be numbers/);
  });

  test("uuid() is a random v4 uuid", () => {
    const a = run("uuid()");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run("uuid()")).not.toBe(a);
  });

  test("function errors are readable", () => {
    expect(evalError('"abc".charAt(4)').message).toBe("charAt: index 4 out of range for a string of size 3");
    expect(evalError('"%x".format([1])').message).toContain("unsupported clause '%x'");
    expect(evalError('"%s %s".format(["a"])').message).toBe("format: not enough arguments for '%s'");
    expect(evalError('"%d".format([1.5])').message).toContain("use %f or int(x)");
    expect(evalError("int(18446744073709551615u)").message).toContain("int() overflow");
  });
});

describe("variables", () => {
  test("now is a timestamp", () => {
    expect(run("now.getFullYear()")).toBe(2024);
    expect(run('now > timestamp("2000-01-01T00:00:00Z")')).toBe(true);
    expect(run('now + duration("1h")')).toBe("2024-05-01T11:00:00.25Z");
    expect(run("now - now")).toBe("0s");
  });

  test("env is a map of strings", () => {
    expect(run('env.REGION + "-1"')).toBe("eu-1");
    expect(run('"MISSING" in env')).toBe(false);
  });

  test("a missing body reads as null", () => {
    expect(run("body == null", { ...activation, body: undefined })).toBe(true);
  });

  test("optional chaining is enabled", () => {
    expect(run('body.?missing.orValue("none")')).toBe("none");
    expect(run("body.?nested.ok")).toBe(true);
    expect(run("body.?missing")).toBe(null);
  });
});

describe("evaluation errors", () => {
  test("library errors are wrapped with a plain message", () => {
    const err = evalError("body.nme");
    expect(err.message).toBe("no such key: nme");
    expect(err.name).toBe("CelEvalError");
    expect(err.offset).toBe(5);
  });

  test("an expression on closures fails with the interpreter's exact message and offset", () => {
    const interpreted = (source: string) => {
      const r = compile(source, { variables: RUNTIME_VARIABLES }, { closures: false });
      if (!r.ok) throw new Error("compile failed");
      return r.expr;
    };
    for (const [source, act] of [
      ["body.name + 1.0", activation],
      ["body.nested.missing.x", activation],
      ["vars.count / 0.0 > 1.0 && vars.who.size() > 0 && body.items[7] > 0.0", activation],
      ['{"a": body.items.map(i, i % 2)}', activation],
      ['body.name.upperAscii() + " " + body.qty', activation],
      ["vars.count + 1.0", { ...activation, vars: null }],
    ] as const) {
      const closures = compiled(source);
      expect(closures.compiledToClosures, source).toBe(true);
      let fromClosures: unknown;
      let fromInterpreter: unknown;
      try {
        closures.evaluate(act);
      } catch (e) {
        fromClosures = e;
      }
      try {
        interpreted(source).evaluate(act);
      } catch (e) {
        fromInterpreter = e;
      }
      expect(fromClosures, source).toBeInstanceOf(CelEvalError);
      expect(fromClosures, source).toEqual(fromInterpreter);
      expect((fromClosures as CelEvalError).offset, source).toBe((fromInterpreter as CelEvalError).offset);
    }
  });
});

describe("compiled expressions", () => {
  test("run on closures when translated, with the interpreter's results", () => {
    const source =
      '{"count": body.qty + 1.0, "sum": body.amount + vars.count, "tags": body.tags.map(t, t + "!")}';
    const expr = compiled(source);
    expect(expr.compiledToClosures).toBe(true);
    const interpreter = compile(source, { variables: RUNTIME_VARIABLES }, { closures: false });
    if (!interpreter.ok) throw new Error("compile failed");
    expect(interpreter.expr.compiledToClosures).toBe(false);
    expect(expr.evaluate(activation)).toEqual(interpreter.expr.evaluate(activation));
    expect(expr.evaluate(activation)).toEqual({ count: 4, sum: 1501, tags: ["a!", "b!"] });
  });

  test("optional syntax keeps the interpreter", () => {
    expect(compiled('body.?missing.orValue("none")').compiledToClosures).toBe(false);
  });

  test("reads and readsWhole come from the checked AST", () => {
    const e = compiled('vars.a + body["b"] + (has(vars.c) ? "x" : eventID)');
    expect(["body", "vars", "eventID", "now", "env"].map((n) => e.reads(n))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(e.readsWhole("vars")).toBe(false);
    expect(e.readsWhole("eventID")).toBe(true);
    expect(compiled('"now"').reads("now")).toBe(false);
    expect(compiled("{'v': vars}").readsWhole("vars")).toBe(true);
    // Constructs the walk does not know count as reading everything whole.
    const bind = compiled("cel.bind(x, vars.a, x)");
    expect(bind.readsWhole("vars")).toBe(true);
    expect(bind.reads("now")).toBe(true);
  });
});

describe("boundary conversion", () => {
  test.each([
    ["1", 1],
    ["9223372036854775807", "9223372036854775807"],
    ["-9007199254740993", "-9007199254740993"],
    ["42u", 42],
    ["18446744073709551615u", "18446744073709551615"],
    ["1.5", 1.5],
    ['timestamp("2024-01-02T03:04:05.123Z")', "2024-01-02T03:04:05.123Z"],
    ['duration("1.5s")', "1.5s"],
    ['b"hi"', "aGk="],
    ["{1: 'a', true: [1u, b'x'], 'k': {'n': 2}}", { "1": "a", true: [1, "eA=="], k: { n: 2 } }],
    ["optional.of(3)", 3],
    ["optional.none()", null],
    ["type(1)", "int"],
    ["null", null],
    ["[now, body.nested]", ["2024-05-01T10:00:00.25Z", { ok: true }]],
  ])("%s", (source, expected) => {
    const result = run(source);
    expect(result).toEqual(expected);
    expect(JSON.parse(JSON.stringify(result))).toEqual(expected);
  });

  test("JSON.stringify never throws on a result", () => {
    for (const source of [
      "0.0 / 0.0",
      "1.0 / 0.0",
      "[1, 2u, 3.0, b'', now, duration('1s'), {}, null, type(1)]",
    ]) {
      expect(() => JSON.stringify(run(source))).not.toThrow();
    }
  });
});

describe("environments", () => {
  test("one environment per distinct declaration set", () => {
    const a = environmentFor({ body: "dyn", item: "dyn" });
    expect(environmentFor({ item: "dyn", body: "dyn" })).toBe(a);
    expect(environmentFor({ body: "dyn" })).not.toBe(a);
  });

  test("a compiled expression evaluates many times with different activations", () => {
    const expr = compiled('vars.who + ":" + string(body.qty)');
    expect(expr.evaluate(activation)).toBe("bob:3");
    expect(expr.evaluate({ ...activation, vars: { who: "eve" }, body: { qty: 4.5 } })).toBe("eve:4.5");
    expect(expr.source).toBe('vars.who + ":" + string(body.qty)');
  });
});

describe("caretExcerpt", () => {
  test("single line", () => {
    expect(caretExcerpt("body.x + paylod.name", 9)).toBe("body.x + paylod.name\n         ^");
  });

  test("multi-line picks the offending line", () => {
    expect(caretExcerpt("body.a &&\n  paylod.b", 12)).toBe("  paylod.b\n  ^");
  });

  test("tabs are kept so the caret lines up; offsets are clamped", () => {
    expect(caretExcerpt("\tx + y", 3)).toBe("\tx + y\n\t  ^");
    expect(caretExcerpt("abc", 99)).toBe("abc\n   ^");
    expect(caretExcerpt("abc", -5)).toBe("abc\n^");
  });
});
