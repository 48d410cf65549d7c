import { describe, expect, it } from "vitest";
import { compile } from "../cel/index.ts";
import {
  checkAssertion,
  compareValue,
  type ExpectContext,
  jsonDiff,
  jsonEqual,
  methodReceiver,
  splitComparison,
  stableJson,
  statementMatches,
  urlMatches,
} from "./matchers.ts";
import { EXPECT_VARIABLES } from "./test-file.ts";

const context = (over: Partial<ExpectContext> = {}): ExpectContext => ({
  output: null,
  status: "completed",
  vars: {},
  calls: { http: [], database: [], llm: [] },
  events: [],
  logs: [],
  error: null,
  headers: {},
  env: {},
  ...over,
});

function assertion(source: string) {
  const r = compile(source, { variables: EXPECT_VARIABLES });
  if (!r.ok) throw new Error(r.errors[0]?.message);
  return { label: "expect.that[0]", source, expr: r.expr };
}

describe("deep equality and diffs", () => {
  it("ignores key order and -0, and sees every other difference", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual(0, -0)).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual("1", 1)).toBe(false);
  });

  it("sorts keys so a diff shows only what differs", () => {
    expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe(
      '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}',
    );
  });

  it("marks expected lines with - and actual ones with +, folding long equal runs", () => {
    const expected = { id: 42, items: [1, 2, 3, 4, 5, 6, 7, 8, 9], tenant: "acme" };
    const actual = { ...expected, tenant: "public" };
    expect(jsonDiff(expected, actual).split("\n")).toEqual([
      "- expected",
      "+ actual",
      "  …",
      "      8,",
      "      9",
      "    ],",
      '-   "tenant": "acme"',
      '+   "tenant": "public"',
      "  }",
    ]);
  });

  it("compareValue describes scalars on one line and structures with a diff", () => {
    expect(compareValue("expect.status", "", 201, 201)).toBeUndefined();
    expect(compareValue("expect.output", "", "a", "b")).toEqual({
      label: "expect.output",
      source: "",
      message: 'expected "a", got "b"',
      expected: "a",
      actual: "b",
    });
    const f = compareValue("expect.output", "", { a: 1 }, { a: 2 });
    expect(f?.message).toBe("differs from what was expected:");
    expect(f?.diff).toContain('-   "a": 1\n+   "a": 2');
  });
});

describe("mock matching", () => {
  const called = new URL("https://api.example.com/v1/forecast?latitude=1&longitude=2");

  it("url: same origin, path and query, parameters in any order", () => {
    expect(urlMatches({ url: "https://api.example.com/v1/forecast?longitude=2&latitude=1" }, called)).toBe(
      true,
    );
    expect(urlMatches({ url: "https://api.example.com/v1/forecast/?latitude=1&longitude=2" }, called)).toBe(
      true,
    );
    expect(urlMatches({ url: "https://api.example.com/v1/forecast" }, called)).toBe(false);
    expect(urlMatches({ url: "https://api.example.com/v1/forecast?latitude=1&longitude=3" }, called)).toBe(
      false,
    );
    expect(urlMatches({ url: "http://api.example.com/v1/forecast?latitude=1&longitude=2" }, called)).toBe(
      false,
    );
  });

  it("url: a path alone matches any origin; urlPattern is a regular expression on the full URL", () => {
    expect(urlMatches({ url: "/v1/forecast?latitude=1&longitude=2" }, called)).toBe(true);
    expect(urlMatches({ url: "/v1/other" }, called)).toBe(false);
    expect(urlMatches({ urlPattern: "^https://api\\.example\\.com/v1/.*latitude=1" }, called)).toBe(true);
    expect(urlMatches({ urlPattern: "latitude=9" }, called)).toBe(false);
  });

  it("statement: exact up to whitespace; statementPattern: a regular expression", () => {
    const sql = "SELECT *\n  FROM orders\n WHERE id = ?";
    expect(statementMatches({ statement: "SELECT * FROM orders WHERE id = ?" }, sql)).toBe(true);
    expect(statementMatches({ statement: "SELECT * FROM orders" }, sql)).toBe(false);
    expect(statementMatches({ statement: "select * from orders where id = ?" }, sql)).toBe(false);
    expect(statementMatches({ statementPattern: "^SELECT .* FROM orders WHERE" }, sql)).toBe(true);
  });
});

describe("CEL assertions", () => {
  it("passes on true, and says what a non-boolean or a failing evaluation was", () => {
    expect(checkAssertion(assertion("output.a == 1"), context({ output: { a: 1 } }))).toBeUndefined();
    expect(checkAssertion(assertion("output.a"), context({ output: { a: 1 } }))?.message).toBe(
      "must give true or false, gave 1",
    );
    expect(checkAssertion(assertion("output.missing == 1"), context({ output: {} }))?.message).toMatch(
      /^evaluation failed: no such key: missing/,
    );
  });

  it("a false comparison shows both sides, with a diff for structures", () => {
    expect(checkAssertion(assertion("calls.http.size() > 1"), context())?.message).toBe(
      "is false: the left side is 0, the right side 1",
    );
    const f = checkAssertion(
      assertion('output == {"team": "billing", "n": 1}'),
      context({ output: { team: "sales", n: 1 } }),
    );
    expect(f).toMatchObject({ expected: { team: "billing", n: 1 }, actual: { team: "sales", n: 1 } });
    expect(f?.diff).toContain('-   "team": "billing"\n+   "team": "sales"');
  });

  it("a false method call shows its receiver; anything else just says false", () => {
    expect(
      checkAssertion(assertion('error.message.contains("x")'), context({ error: { message: "boom" } }))
        ?.message,
    ).toBe('is false: error.message is "boom"');
    expect(checkAssertion(assertion("status == 1 || status == 2"), context({ status: 3 }))?.message).toBe(
      "is false",
    );
  });

  it("splitComparison finds the one outermost comparison, outside strings and brackets", () => {
    expect(splitComparison('output.a == "x == y"')).toEqual({
      left: "output.a",
      op: "==",
      right: '"x == y"',
    });
    expect(splitComparison("size(output) >= 2")).toEqual({ left: "size(output)", op: ">=", right: "2" });
    expect(splitComparison("output.map(o, o == 1) != []")).toEqual({
      left: "output.map(o, o == 1)",
      op: "!=",
      right: "[]",
    });
    expect(splitComparison("a == b && c == d")).toBeUndefined();
    expect(splitComparison("a ? b == c : d")).toBeUndefined();
    expect(splitComparison("a.exists(x, x == 1)")).toBeUndefined();
  });

  it("methodReceiver finds the receiver of a call that is the whole expression", () => {
    expect(methodReceiver('logs.exists(l, l.msg == "a")')).toBe("logs");
    expect(methodReceiver('calls.http[0].url.startsWith("https://")')).toBe("calls.http[0].url");
    expect(methodReceiver('"a.b".contains("a")')).toBe('"a.b"');
    expect(methodReceiver("!logs.exists(l, true)")).toBeUndefined();
    expect(methodReceiver("size(logs)")).toBeUndefined();
    expect(methodReceiver("logs.exists(l, true) == false")).toBeUndefined();
  });
});
