// Our CEL module: the only code that touches @marcbachmann/cel-js (pinned), so it can be swapped.
//
// Number semantics (measured on cel-js 8.0.0):
// - CEL int literals are bigint, doubles are JS numbers, so JSON numbers in body/vars are already CEL
//   `double` (as in cel-go); nothing is converted on the way in.
// - Comparisons across int/uint/double work, also on dyn values: `body.amount >= 1000` and
//   `body.qty == 3` are fine, as is `body.qty in [1, 2, 3]`.
// - Arithmetic does not mix (as in cel-go): `body.qty * 2` fails at run time with
//   "no such overload: dyn<double> * int", and `1 + 2.0` fails at compile time. We add a hint
//   ("JSON numbers are double: write 2.0 or use int(x)") to both messages.
// - A CEL int result leaves evaluate() as a JS number, so it is a double when read back
//   (`vars.count + 1` after `set-variable count: 1` needs `1.0`), exactly as with cel-go over JSON.
//
// Results leave evaluate() JSON-safe (convert.ts): int/uint → number, or a decimal string beyond
// 2^53; timestamp → RFC 3339 string; duration → "1.5s"; bytes → base64; Map → object; optional →
// its value or null; type → its name.
//
// Evaluation: compile() translates the checked AST into JS closures (closures.ts) when every node is
// supported; the cel-js interpreter stays the fallback. Once an expression is hot (CODEGEN_AFTER
// evaluations), one JS function is generated for it (codegen.ts) and runs first: it returns the
// result where its guards hold, else a sentinel and the closures run. If a closure throws, the
// interpreter evaluates the same activation (evaluation is pure) and produces the exact error, or
// the value if the closure only bailed. A closure error that the interpreter does not confirm is a
// translator bug: counted in closureDisagreements, warned once per expression, and the
// interpreter's value used (so is a throw from the generated function). OCTO_CEL_VERIFY=1
// generates at once, evaluates every expression all ways and throws on any difference (for test
// runs).

import { isDeepStrictEqual } from "node:util";
import { ClosureBail, type ClosureProgram, sameCelValue, translate, variableUse } from "./closures.ts";
import { GENERATED_BAIL, type GeneratedProgram, generate } from "./codegen.ts";
import { toJson } from "./convert.ts";
import { environmentFor, MAX_SOURCE_LENGTH } from "./environment.ts";

/** CEL type names as the library spells them: 'dyn','string','int','double','bool','map','list','timestamp','duration','bytes','null', 'map<string, dyn>', 'list<dyn>' ... */
export type CelTypeName = string;

export interface CelDeclarations {
  /** variables visible to the expression, name -> CEL type */
  variables: Record<string, CelTypeName>;
}

export interface CelCompileError {
  message: string;
  /** 0-based character offset inside the expression source, when known */
  offset?: number;
}

export interface CompiledExpr {
  readonly source: string;
  /** Evaluate with an activation of plain JS/JSON values. Returns a JSON-safe value. Throws CelEvalError. */
  evaluate(activation: Record<string, unknown>): unknown;
  /** Whether the expression reads this variable at all. */
  reads(name: string): boolean;
  /**
   * Whether the result may contain the variable's value itself, i.e. it is used other than as
   * `x.f`, `x[k]` or `has(x.f)`. False means the caller may pass a value it will mutate later.
   */
  readsWhole(name: string): boolean;
  /** Whether evaluate() runs translated closures (else the interpreter). */
  readonly compiledToClosures: boolean;
  /** Whether evaluate() first runs a generated function (codegen.ts); false until it is hot. */
  readonly compiledToCode: boolean;
}

export class CelEvalError extends Error {
  /** 0-based offset of the failing sub-expression, when known */
  readonly offset: number | undefined;
  constructor(message: string, offset?: number) {
    super(message);
    this.name = "CelEvalError";
    this.offset = offset;
  }
}

export type CompileResult = { ok: true; expr: CompiledExpr } | { ok: false; errors: CelCompileError[] };

/** Closure errors the interpreter did not confirm (translator bugs); tests assert it stays 0. */
export const closureDisagreements = { count: 0 };

const VERIFY = process.env.OCTO_CEL_VERIFY === "1";

/** Evaluations of an expression before its function is generated (see compile()). */
export const CODEGEN_AFTER = 100;

/** The standard runtime declarations (runtime spec §2). */
export const RUNTIME_VARIABLES: Record<string, CelTypeName> = Object.freeze({
  body: "dyn",
  vars: "map<string, dyn>",
  eventID: "string",
  correlationID: "string",
  env: "map<string, string>",
  now: "timestamp",
});

/** Shape of the library's ParseError / TypeError / EvaluationError that we read. */
interface LibError {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start: number };
  node?: { op?: string; args?: unknown };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function didYouMean(name: string, candidates: Iterable<string>, suffix = ""): string {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best === undefined ? "" : ` (did you mean '${best}${suffix}'?)`;
}

/** Adds the fix to int/double mixing, e.g. "no such overload: dyn<double> * int". */
function numberHint(summary: string, node: LibError["node"]): string {
  const m = /no such overload: (?:dyn<)?(int|double)>? \S+ (?:dyn<)?(int|double)(?!\w)/.exec(summary);
  if (!m || m[1] === m[2]) return summary;
  // Suggest the literal actually written, e.g. "write 2.0" for `body.qty * 2`.
  const args = Array.isArray(node?.args) ? (node.args as LibError["node"][]) : [];
  const literal = args.find((a) => a?.op === "value" && typeof a.args === "bigint")?.args;
  const example = typeof literal === "bigint" ? `${literal}.0` : "1.0";
  return `${summary}; JSON numbers are double: write ${example} or use int(x)/double(x)`;
}

function compileMessage(err: LibError, variables: Record<string, CelTypeName>): string {
  const summary = err.summary ?? err.message ?? String(err);
  const env = environmentFor(variables);
  if (err.code === "unknown_variable") {
    const name = summary.replace(/^Unknown variable: /, "");
    const names = Object.keys(variables);
    return `undeclared variable '${name}'${didYouMean(name, names)}; available: ${names.join(", ")}`;
  }
  if (err.code === "no_matching_overload" && (err.node?.op === "call" || err.node?.op === "rcall")) {
    const name = (err.node.args as unknown[])[0];
    const isMethod = err.node.op === "rcall";
    const fns = env.getDefinitions().functions;
    if (typeof name === "string" && !fns.some((f) => f.name === name)) {
      const similar = fns.filter((f) => (f.receiverType !== null) === isMethod).map((f) => f.name);
      return `unknown ${isMethod ? "method" : "function"} '${name}()'${didYouMean(name, similar, "()")}`;
    }
    const overloads = fns.filter((f) => f.name === name).map((f) => f.signature);
    return `${lowerFirst(summary)}; available: ${overloads.join(", ")}`;
  }
  return lowerFirst(numberHint(summary, err.node));
}

/** Where the problem is; for a method call, the method name rather than the receiver. */
function errorOffset(err: LibError, source: string): number | undefined {
  const start = err.range?.start;
  const node = err.node as { op?: string; args?: unknown[] } | undefined;
  if (node?.op === "rcall" && typeof node.args?.[0] === "string") {
    const receiverEnd = (node.args[1] as { range?: { end?: number } } | undefined)?.range?.end;
    const at = source.indexOf(node.args[0], receiverEnd ?? start ?? 0);
    if (at >= 0) return at;
  }
  return start;
}

function compileError(e: unknown, source: string, variables: Record<string, CelTypeName>): CelCompileError {
  const err = (e ?? {}) as LibError;
  const out: CelCompileError = { message: compileMessage(err, variables) };
  const offset = errorOffset(err, source);
  if (offset !== undefined) out.offset = offset;
  return out;
}

function evalError(e: unknown, source: string): CelEvalError {
  if (e instanceof CelEvalError) return e;
  const err = (e ?? {}) as LibError;
  const summary = err.summary ?? (e instanceof Error ? e.message : String(e));
  return new CelEvalError(lowerFirst(numberHint(summary, err.node)), errorOffset(err, source));
}

type Outcome = { value: unknown } | { error: unknown };

function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
}

/**
 * OCTO_CEL_VERIFY=1: all ways, compared (closures' raw values and JSON, the generated function's
 * JSON unless it bailed); the interpreter's result wins.
 */
function verified(
  source: string,
  closures: ClosureProgram,
  generated: GeneratedProgram | undefined,
  interpret: (activation: Record<string, unknown>) => unknown,
  activation: Record<string, unknown>,
): unknown {
  const expected = outcome(() => interpret(activation));
  if (generated) {
    const g = outcome(() => generated.run(activation));
    // It may throw only where the interpreter does too (e.g. a string too long).
    const differs =
      "error" in g
        ? !("error" in expected)
        : g.value !== GENERATED_BAIL &&
          ("error" in expected || !isDeepStrictEqual(g.value, toJson(expected.value)));
    if (differs) {
      throw new Error(`CEL generated code disagrees with the interpreter on: ${source}`);
    }
  }
  const differs = (o: Outcome, same: (a: unknown, b: unknown) => boolean) => {
    if ("error" in o) return !(o.error instanceof ClosureBail) && !("error" in expected);
    return "error" in expected || !same(o.value, expected.value);
  };
  if (
    differs(
      outcome(() => closures.run(activation)),
      sameCelValue,
    ) ||
    differs(
      outcome(() => closures.runJson(activation)),
      (a, b) => isDeepStrictEqual(a, toJson(b)),
    )
  ) {
    throw new Error(`CEL closure disagrees with the interpreter on: ${source}`);
  }
  if ("error" in expected) throw expected.error;
  return toJson(expected.value);
}

/**
 * Parses and type-checks `source` against the declared variables (environments are cached).
 * An unknown type name in the declarations is a programming error and throws.
 * `closures: false` keeps the interpreter (benchmarks, differential tests); `codegen: false`
 * keeps the closures without the generated function; `codegenAfter` is the number of evaluations
 * before it is generated (0: at once; OCTO_CEL_VERIFY=1 also generates at once).
 */
export function compile(
  source: string,
  declarations: CelDeclarations,
  options: { closures?: boolean; codegen?: boolean; codegenAfter?: number } = {},
): CompileResult {
  const { variables } = declarations;
  if (source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, errors: [{ message: `expression is longer than ${MAX_SOURCE_LENGTH} characters` }] };
  }
  let program: ReturnType<ReturnType<typeof environmentFor>["parse"]>;
  try {
    program = environmentFor(variables).parse(source);
  } catch (e) {
    return { ok: false, errors: [compileError(e, source, variables)] };
  }
  // check() also stores the checked types on the AST, so evaluation never re-checks or re-parses.
  const checked = program.check();
  if (!checked.valid) return { ok: false, errors: [compileError(checked.error, source, variables)] };

  const use = variableUse(program.ast);
  // A missing value (e.g. no body) reads as null instead of "unknown variable": only the
  // variables the expression reads need it.
  const names = Object.keys(variables).filter((n) => use?.read.has(n) ?? true);
  const interpret = (activation: Record<string, unknown>): unknown => {
    let input = activation;
    for (const name of names) if (input[name] === undefined) input = { ...input, [name]: null };
    try {
      return program(input);
    } catch (e) {
      throw evalError(e, source);
    }
  };
  const translated =
    options.closures === false
      ? undefined
      : translate(program.ast, environmentFor(variables), { undefinedAsNull: true });
  const closures = translated?.ok ? translated.program : undefined;
  // Generating costs ~0.1 ms per expression: done once an expression is hot (evaluated
  // codegenAfter times), so a cold start or a rarely used expression does not pay for it.
  let code: GeneratedProgram | undefined;
  let countdown = closures && options.codegen !== false ? (options.codegenAfter ?? CODEGEN_AFTER) : -1;
  const tierUp = (): GeneratedProgram | undefined => {
    countdown = -1;
    try {
      const g = generate(program.ast, environmentFor(variables), { undefinedAsNull: true });
      code = g.ok ? g.program : undefined;
    } catch {
      code = undefined; // a generator bug: the expression keeps the closures
    }
    return code;
  };
  if (countdown === 0 || (countdown > 0 && VERIFY)) tierUp();
  let warned = false;
  const fallback = (activation: Record<string, unknown>, failure: unknown): unknown => {
    const result = interpret(activation);
    if (!(failure instanceof ClosureBail)) {
      closureDisagreements.count++;
      if (!warned) {
        warned = true;
        process.emitWarning(
          `CEL closure or generated code failed where the interpreter succeeded (using its result) for: ${source} (${String(failure)})`,
          "OctoCelClosureWarning",
        );
      }
    }
    return toJson(result);
  };
  let evaluate: CompiledExpr["evaluate"];
  if (!closures) evaluate = (activation) => toJson(interpret(activation));
  else if (VERIFY && !/\buuid\s*\(/.test(source)) {
    evaluate = (activation) => verified(source, closures, code, interpret, activation);
  } else if (countdown >= 0 || code) {
    let run = code?.run;
    evaluate = (activation) => {
      try {
        if (run !== undefined) {
          const result = run(activation);
          if (result !== GENERATED_BAIL) return result;
        } else if (countdown > 0 && --countdown === 0) run = tierUp()?.run;
        return closures.runJson(activation);
      } catch (e) {
        return fallback(activation, e);
      }
    };
  } else {
    evaluate = (activation) => {
      try {
        return closures.runJson(activation);
      } catch (e) {
        return fallback(activation, e);
      }
    };
  }
  return {
    ok: true,
    expr: {
      source,
      evaluate,
      reads: (name) => use?.read.has(name) ?? true,
      readsWhole: (name) => use?.whole.has(name) ?? true,
      compiledToClosures: closures !== undefined,
      get compiledToCode() {
        return code !== undefined;
      },
    },
  };
}

/** Format a caret excerpt for an error: the expression line with a ^ under offset. */
export function caretExcerpt(source: string, offset: number): string {
  const at = Math.max(0, Math.min(Math.trunc(offset), source.length));
  const start = source.lastIndexOf("\n", at - 1) + 1;
  const nl = source.indexOf("\n", at);
  const line = source.slice(start, nl < 0 ? source.length : nl);
  // Keep tabs so the caret lines up under tab-indented text.
  const pad = line.slice(0, at - start).replace(/[^\t]/g, " ");
  return `${line}\n${pad}^`;
}
