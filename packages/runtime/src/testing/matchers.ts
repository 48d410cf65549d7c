// How a test compares: deep equality with a readable diff, URL and SQL matching for mocks, and
// CEL assertions that explain themselves when they fail.
import { isDeepStrictEqual } from "node:util";
import { canonicalize, diffLines } from "diff";
import { compile } from "../cel/index.ts";
import { EXPECT_VARIABLES } from "./test-file.ts";

/** JSON text with sorted keys, so a diff shows only what differs (key order never does). */
export function stableJson(value: unknown): string {
  if (value === undefined) return "undefined";
  return (
    JSON.stringify(
      canonicalize(value, null, null, (_key: string, v: unknown) => v),
      null,
      2,
    ) ?? String(value)
  );
}

/** Deep equality of JSON values; object key order does not count, -0 equals 0. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalize(a), normalize(b));
}

function normalize(v: unknown): unknown {
  if (typeof v === "number") return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, normalize(x)]),
    );
  return v;
}

/** Context lines kept around each change; longer runs of equal lines are folded. */
const CONTEXT = 3;

/**
 * A line diff of two values as sorted JSON: `- ` lines are expected, `+ ` lines are actual.
 * Equal runs longer than the context are folded into one `…` line.
 */
export function jsonDiff(expected: unknown, actual: unknown): string {
  const changes = diffLines(`${stableJson(expected)}\n`, `${stableJson(actual)}\n`);
  const out: string[] = ["- expected", "+ actual"];
  changes.forEach((change, i) => {
    const lines = change.value.replace(/\n$/, "").split("\n");
    if (change.added || change.removed) {
      for (const l of lines) out.push(`${change.added ? "+" : "-"} ${l}`);
      return;
    }
    const head = i === 0 ? 0 : CONTEXT;
    const tail = i === changes.length - 1 ? 0 : CONTEXT;
    if (lines.length <= head + tail + 1) {
      for (const l of lines) out.push(`  ${l}`);
      return;
    }
    for (const l of lines.slice(0, head)) out.push(`  ${l}`);
    out.push("  …");
    for (const l of lines.slice(lines.length - tail)) out.push(`  ${l}`);
  });
  return out.join("\n");
}

/** A value on one line for messages, cut when long. */
export function preview(value: unknown, max = 200): string {
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

const collapse = (sql: string) => sql.replace(/\s+/g, " ").trim();

/** A statement mock's `statement` against the SQL run: whitespace runs count as one space. */
export function statementMatches(
  rule: { statement?: string | undefined; statementPattern?: string | undefined },
  sql: string,
): boolean {
  if (rule.statement !== undefined) return collapse(rule.statement) === collapse(sql);
  if (rule.statementPattern !== undefined) return new RegExp(rule.statementPattern).test(collapse(sql));
  return false;
}

const sortedQuery = (u: URL) =>
  [...u.searchParams].map(([k, v]) => `${k}=${v}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * An http mock's `url` against the URL called: the same origin (unless the mock gives only a path),
 * path and query parameters (in any order). `urlPattern` is a regular expression on the full URL.
 */
export function urlMatches(
  rule: { url?: string | undefined; urlPattern?: string | undefined },
  called: URL,
): boolean {
  if (rule.urlPattern !== undefined) return new RegExp(rule.urlPattern).test(called.href);
  if (rule.url === undefined) return false;
  const pathOnly = rule.url.startsWith("/");
  let want: URL;
  try {
    want = new URL(rule.url, pathOnly ? called.origin : undefined);
  } catch {
    return false;
  }
  return (
    (pathOnly || want.origin === called.origin) &&
    want.pathname.replace(/\/+$/, "") === called.pathname.replace(/\/+$/, "") &&
    isDeepStrictEqual(sortedQuery(want), sortedQuery(called))
  );
}

/** What an assertion saw, shown under a failure. */
export interface AssertionFailure {
  /** What was checked: `expect.output`, `expect.that[1]` … */
  label: string;
  /** The assertion as written (the CEL source, or `output == <expected>`). */
  source: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
  /** A line diff of expected and actual, when both are structured or long. */
  diff?: string;
}

/** Worth a diff: objects, lists and multi-line text. */
const diffable = (v: unknown) =>
  (v !== null && typeof v === "object") || (typeof v === "string" && v.includes("\n"));

/** Compares a shorthand (`output:`, `status:`) and describes a mismatch. */
export function compareValue(
  label: string,
  source: string,
  expected: unknown,
  actual: unknown,
): AssertionFailure | undefined {
  if (jsonEqual(expected, actual)) return undefined;
  const failure: AssertionFailure = {
    label,
    source,
    message: `expected ${preview(expected)}, got ${preview(actual)}`,
    expected,
    actual,
  };
  if (diffable(expected) || diffable(actual)) {
    failure.message = "differs from what was expected:";
    failure.diff = jsonDiff(expected, actual);
  }
  return failure;
}

/** The test context assertions are evaluated against. */
export type ExpectContext = Record<keyof typeof EXPECT_VARIABLES, unknown>;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Evaluates a CEL assertion; a failure says what each side of a top-level `==` was. */
export function checkAssertion(
  assertion: { label: string; source: string; expr: { evaluate(a: Record<string, unknown>): unknown } },
  context: ExpectContext,
): AssertionFailure | undefined {
  const { label, source } = assertion;
  let value: unknown;
  try {
    value = assertion.expr.evaluate(context);
  } catch (e) {
    return { label, source, message: `evaluation failed: ${errorText(e)}` };
  }
  if (value === true) return undefined;
  if (value !== false) return { label, source, message: `must give true or false, gave ${preview(value)}` };
  const split = splitComparison(source);
  if (!split) {
    // `x.contains(…)`, `x.exists(…)`: what x was is what the reader needs.
    const receiver = methodReceiver(source);
    const seen = receiver === undefined ? undefined : evaluatePart(receiver, context);
    return {
      label,
      source,
      message: seen?.ok ? `is false: ${receiver} is ${preview(seen.value)}` : "is false",
    };
  }
  const [left, right] = [split.left, split.right].map((side) => evaluatePart(side, context));
  if (!left?.ok || !right?.ok) return { label, source, message: "is false" };
  const failure: AssertionFailure = {
    label,
    source,
    message: `is false: the left side is ${preview(left.value)}, the right side ${preview(right.value)}`,
  };
  if (split.op === "==") {
    failure.expected = right.value;
    failure.actual = left.value;
    if (diffable(left.value) || diffable(right.value)) {
      failure.message = "is false: the left side (+) differs from the right side (-):";
      failure.diff = jsonDiff(right.value, left.value);
    }
  }
  return failure;
}

/** A part of an assertion evaluated on its own, to show what it was. */
function evaluatePart(part: string, context: ExpectContext): { ok: true; value: unknown } | { ok: false } {
  const compiled = compile(part, { variables: EXPECT_VARIABLES });
  if (!compiled.ok) return { ok: false };
  try {
    return { ok: true, value: compiled.expr.evaluate(context) };
  } catch {
    return { ok: false };
  }
}

/**
 * Walks `source` outside strings, calling `visit` at each character at bracket depth 0 with the
 * depth before it; a false return stops the walk and makes it return false.
 */
function walkTopLevel(source: string, visit: (i: number) => boolean): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (quote) {
      if (c === "\\") i++;
      else if (source.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
      continue;
    }
    if (depth === 0 && !visit(i)) return false;
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
  }
  return true;
}

/** `a.b` of `a.b.contains("x")`: the receiver of a method call that is the whole expression. */
export function methodReceiver(source: string): string | undefined {
  const text = source.trim();
  let lastCall: number | undefined;
  let lastOpen = -1;
  const plain = walkTopLevel(text, (i) => {
    const c = text[i] as string;
    if (c === "&" || c === "|" || c === "?" || c === "!" || c === "=" || c === "<" || c === ">") return false;
    if (c === "(") lastOpen = i;
    if (c === ".") {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*\(/.exec(text.slice(i));
      if (m) lastCall = i;
    }
    return true;
  });
  if (!plain || lastCall === undefined || !text.endsWith(")")) return undefined;
  // The call must be the last thing: its "(" is the last one opened at the top level.
  const open = text.indexOf("(", lastCall);
  return open === lastOpen && lastCall > 0 ? text.slice(0, lastCall) : undefined;
}

const COMPARISONS = ["==", "!=", "<=", ">=", "<", ">"] as const;

/**
 * The two sides of an expression whose outermost operator is a comparison (`a.b == [1, 2]`,
 * `size(x) > 2`), or undefined when there is none, several, or a looser operator (&&, ||, ?:)
 * outside brackets and strings.
 */
export function splitComparison(
  source: string,
): { left: string; op: (typeof COMPARISONS)[number]; right: string } | undefined {
  let found: { at: number; op: (typeof COMPARISONS)[number] } | undefined;
  let skip = -1;
  const single = walkTopLevel(source, (i) => {
    if (i <= skip) return true;
    const c = source[i] as string;
    const two = source.slice(i, i + 2);
    if (two === "&&" || two === "||" || c === "?") return false;
    const op = COMPARISONS.find((o) => source.startsWith(o, i));
    if (!op) return true;
    if (found) return false;
    found = { at: i, op };
    skip = i + op.length - 1;
    return true;
  });
  if (!single || !found) return undefined;
  return {
    left: source.slice(0, found.at).trim(),
    op: found.op,
    right: source.slice(found.at + found.op.length).trim(),
  };
}
