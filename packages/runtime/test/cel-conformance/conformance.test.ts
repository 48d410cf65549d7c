// Runs the official cel-spec conformance suite (shipped as JSON-shaped data by @bufbuild/cel-spec)
// through our CEL module's environments, writes results.md beside this file and fails when the
// pass rate over the core-language files drops below 90%.
//
// Core files = the standard language and standard library (cel-spec langdef). Not core:
// extension libraries (*_ext, block_ext, bindings_ext, macros2 = two-variable comprehensions,
// optionals = optional-types extension), protobuf-specific files (proto2, proto3, enums, wrappers,
// dynamic = wrapper/Struct/Any conversions) and type_deductions (checker output types, not evaluation).
//
// Scoring, as cel-go's runner: parse, then check unless the test sets disableCheck (a check error
// fails the test, even one expecting an evaluation error), then evaluate and compare typed values
// (an int must come back as bigint, a uint as UnsignedInt, ...). Tests that need protobuf message
// types are excluded and listed in results.md; nothing else is skipped.
//
// Closures (src/cel/closures.ts): every evaluated case whose checked AST translates also runs on
// the closures. The test fails if a closure result differs from the interpreter's (typed
// equality; both failing is agreement; a closure bail hands the case to the interpreter), or if
// scoring what compile() would return (closure value, else the interpreter's) passes a different
// number of cases than the interpreter alone.
//
// Generated code (src/cel/codegen.ts): every such case that is also generated runs through its
// function. A value it returns must equal toJson of the interpreter's value (deep strict: -0 is
// not 0) and the interpreter must succeed; it must never throw. A bail hands the case on.
import { writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { tests as conformance } from "@bufbuild/cel-spec/testdata/conformance.js";
import { expect, test } from "vitest";
import { ClosureBail, type ClosureProgram, sameCelValue, translate } from "../../src/cel/closures.ts";
import { GENERATED_BAIL, type GeneratedProgram, generate } from "../../src/cel/codegen.ts";
import { toJson } from "../../src/cel/convert.ts";
import { Duration, environmentFor, Optional, UnsignedInt } from "../../src/cel/environment.ts";

const CORE = [
  "basic",
  "comparisons",
  "conversions",
  "fields",
  "fp_math",
  "integer_math",
  "lists",
  "logic",
  "macros",
  "namespace",
  "parse",
  "plumbing",
  "string",
  "timestamps",
];
const CORE_THRESHOLD = 0.9;

// --- the JSON shapes we read (proto3 JSON of cel.expr.conformance.test.SimpleTest) ---
type Json = Record<string, unknown>;
interface PbType {
  primitive?: string;
  wellKnown?: string;
  messageType?: string;
  listType?: { elemType: PbType };
  mapType?: { keyType: PbType; valueType: PbType };
  abstractType?: { name: string; parameterTypes?: PbType[] };
  type?: PbType;
  wrapper?: string;
  dyn?: unknown;
  null?: unknown;
  typeParam?: string;
}
interface Decl {
  name: string;
  ident?: { type: PbType };
  function?: {
    overloads: { params?: PbType[]; resultType: PbType; isInstanceFunction?: boolean }[];
  };
}
interface SimpleTest {
  name: string;
  expr: string;
  disableCheck?: boolean;
  checkOnly?: boolean;
  container?: string;
  typeEnv?: Decl[];
  bindings?: Record<string, { value?: Json }>;
  value?: Json;
  evalError?: unknown;
  typedResult?: { result?: Json; deducedType: PbType };
}
interface Suite {
  name: string;
  suites?: Suite[];
  tests?: { original: SimpleTest }[];
}

/** Thrown while translating a test that needs protobuf message types (counted as an exclusion). */
class NeedsProto extends Error {}

const PROTO_NAMES =
  /\b(TestAllTypes|NestedTestAllTypes|TestRequired|GlobalEnum|NestedEnum|NestedMessage)\b|google\.protobuf\.(?!Timestamp\b|Duration\b)[A-Z]/;
const WKT = new Set(["google.protobuf.Timestamp", "google.protobuf.Duration"]);

function typeName(t: PbType): string {
  if (t.primitive) {
    const names: Record<string, string> = {
      BOOL: "bool",
      INT64: "int",
      UINT64: "uint",
      DOUBLE: "double",
      STRING: "string",
      BYTES: "bytes",
    };
    const n = names[t.primitive];
    if (n) return n;
  }
  if (t.wellKnown === "TIMESTAMP") return "google.protobuf.Timestamp";
  if (t.wellKnown === "DURATION") return "google.protobuf.Duration";
  if (t.wellKnown === "ANY") return "dyn";
  if (t.messageType && WKT.has(t.messageType)) return t.messageType;
  if (t.listType) return `list<${typeName(t.listType.elemType)}>`;
  if (t.mapType) return `map<${typeName(t.mapType.keyType)}, ${typeName(t.mapType.valueType)}>`;
  if (t.abstractType?.name === "optional_type" && t.abstractType.parameterTypes?.[0]) {
    return `optional<${typeName(t.abstractType.parameterTypes[0])}>`;
  }
  if (t.type) return "type";
  if (t.typeParam) return t.typeParam.length === 1 ? t.typeParam : "dyn";
  if (t.dyn !== undefined) return "dyn";
  if (t.null !== undefined) return "null";
  throw new NeedsProto(`type ${JSON.stringify(t)}`);
}

function parseDurationJson(s: string): Duration {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(s);
  if (!m) throw new Error(`bad duration ${s}`);
  const sign = m[1] ? -1 : 1;
  return new Duration(BigInt(sign) * BigInt(m[2] ?? "0"), sign * Number((m[3] ?? "").padEnd(9, "0")));
}

/** Expected proto Value JSON → the library's runtime representation. */
function fromValue(v: Json): unknown {
  if ("nullValue" in v) return null;
  if ("boolValue" in v) return v.boolValue;
  if ("int64Value" in v) return BigInt(v.int64Value as string);
  if ("uint64Value" in v) return new UnsignedInt(BigInt(v.uint64Value as string));
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("stringValue" in v) return v.stringValue;
  if ("bytesValue" in v) return new Uint8Array(Buffer.from(v.bytesValue as string, "base64"));
  if ("listValue" in v) return ((v.listValue as { values?: Json[] }).values ?? []).map(fromValue);
  if ("mapValue" in v) {
    const entries = (v.mapValue as { entries?: { key: Json; value: Json }[] }).entries ?? [];
    return new Map(entries.map((e) => [fromValue(e.key), fromValue(e.value)]));
  }
  if ("typeValue" in v) return { typeName: v.typeValue };
  if ("objectValue" in v) {
    const o = v.objectValue as Json;
    if (o["@type"] === "type.googleapis.com/google.protobuf.Duration")
      return parseDurationJson(o.value as string);
    if (o["@type"] === "type.googleapis.com/google.protobuf.Timestamp") return new Date(o.value as string);
  }
  throw new NeedsProto(`value ${JSON.stringify(v)}`);
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a instanceof UnsignedInt) return b instanceof UnsignedInt && a.value === b.value;
  return a === b;
}

/** Typed equality: an int result must be a bigint, a uint an UnsignedInt, and so on. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== "object") {
    if (typeof expected === "number" && Number.isNaN(expected)) return Number.isNaN(actual);
    return actual === expected;
  }
  if (expected instanceof UnsignedInt)
    return actual instanceof UnsignedInt && actual.value === expected.value;
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(expected));
  }
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (expected instanceof Duration) {
    return (
      actual instanceof Duration && actual.seconds === expected.seconds && actual.nanos === expected.nanos
    );
  }
  if (Array.isArray(expected)) {
    const list = Array.isArray(actual) ? actual : actual instanceof Set ? [...actual] : undefined;
    return !!list && list.length === expected.length && expected.every((e, i) => matches(list[i], e));
  }
  if (expected instanceof Map) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const entries: [unknown, unknown][] = actual instanceof Map ? [...actual] : Object.entries(actual);
    return (
      entries.length === expected.size &&
      [...expected].every(([k, v]) => entries.some(([ak, av]) => sameKey(ak, k) && matches(av, v)))
    );
  }
  if ("typeName" in expected) return actual !== null && String(actual) === `Type<${expected.typeName}>`;
  return false;
}

function checkedTypeName(t: PbType): string {
  const name = typeName(t);
  if (name === "list<dyn>") return "list";
  if (name === "map<dyn, dyn>") return "map";
  return name;
}

/** The library's one-line error summary (its `message` adds a source excerpt). */
const reason = (e: unknown) =>
  (e as { summary?: string }).summary ?? (e instanceof Error ? e.message : String(e));

type Outcome = "pass" | "fail" | { excluded: string };

/** How the closure path went for one case. */
type ClosureRun =
  | { kind: "untranslated"; reason: string }
  | { kind: "bail" }
  | { kind: "agree"; combinedPass: boolean }
  | { kind: "disagree"; detail: string };

/** How the generated function went for one case (absent: not generated). */
type GeneratedRun = { kind: "value" } | { kind: "bail" } | { kind: "disagree"; detail: string };

interface RunResult {
  outcome: Outcome;
  why?: string;
  closure?: ClosureRun;
  generated?: GeneratedRun;
}

function run(t: SimpleTest): RunResult {
  if (PROTO_NAMES.test(t.expr))
    return { outcome: { excluded: "protobuf message or enum types in the expression" } };
  try {
    const variables: Record<string, string> = {};
    const functions: string[] = [];
    for (const d of t.typeEnv ?? []) {
      if (d.ident) variables[d.name] = typeName(d.ident.type);
      for (const o of d.function?.overloads ?? []) {
        const params = (o.params ?? []).map(typeName);
        const receiver = o.isInstanceFunction ? `${params.shift()}.` : "";
        functions.push(`${receiver}${d.name}(${params.join(", ")}): ${typeName(o.resultType)}`);
      }
    }
    const activation: Record<string, unknown> = {};
    for (const [name, b] of Object.entries(t.bindings ?? {})) {
      variables[name] ??= "dyn"; // unchecked tests bind variables they never declare
      activation[name] = b.value ? fromValue(b.value) : undefined;
    }
    const expected = t.value
      ? fromValue(t.value)
      : t.typedResult?.result
        ? fromValue(t.typedResult.result)
        : undefined;
    const expectedType = t.typedResult ? checkedTypeName(t.typedResult.deducedType) : undefined;

    let env = environmentFor(variables);
    if (functions.length > 0) {
      env = env.clone();
      for (const sig of functions) {
        env.registerFunction(sig, () => {
          throw new Error("declared only");
        });
      }
    }

    let program: ReturnType<typeof env.parse>;
    try {
      program = env.parse(t.expr);
    } catch (e) {
      return { outcome: "fail", why: `parse: ${reason(e)}` };
    }
    if (!t.disableCheck) {
      const c = program.check();
      if (!c.valid) return { outcome: "fail", why: `check: ${reason(c.error)}` };
      if (expectedType !== undefined && c.type !== expectedType) {
        return { outcome: "fail", why: `type ${c.type}, want ${expectedType}` };
      }
    }
    if (t.checkOnly) return { outcome: "pass" };

    // Translate before the interpreter runs. An unchecked test is translated from its own copy,
    // checked here, so the interpreter still evaluates it unchecked.
    let closures: ClosureProgram | undefined;
    let generated: GeneratedProgram | undefined;
    let untranslated = "";
    const checkedAst = t.disableCheck
      ? (() => {
          const copy = env.parse(t.expr);
          return copy.check().valid ? copy.ast : undefined;
        })()
      : program.ast;
    if (!checkedAst) untranslated = "does not type-check";
    else {
      const tr = translate(checkedAst, env);
      if (tr.ok) {
        closures = tr.program;
        const g = generate(checkedAst, env);
        if (g.ok) generated = g.program;
      } else untranslated = tr.reason;
    }

    let actual: unknown;
    let error: unknown;
    try {
      actual = program(activation);
    } catch (e) {
      error = e;
    }
    const score = (value: unknown, failed: unknown): { outcome: Outcome; why?: string } => {
      if (value instanceof Optional) value = value.hasValue() ? value.value() : value;
      if (t.evalError !== undefined)
        return failed ? { outcome: "pass" } : { outcome: "fail", why: "expected an error" };
      if (failed) return { outcome: "fail", why: `error: ${reason(failed)}` };
      if (expected !== undefined && !matches(value, expected)) return { outcome: "fail", why: "wrong value" };
      return { outcome: "pass" };
    };
    const result: RunResult = score(actual, error);

    if (!closures) result.closure = { kind: "untranslated", reason: untranslated };
    else {
      let value: unknown;
      let failure: unknown;
      try {
        value = closures.run(activation);
      } catch (e) {
        failure = e;
      }
      if (failure instanceof ClosureBail) result.closure = { kind: "bail" };
      else if (failure !== undefined && error === undefined) {
        result.closure = {
          kind: "disagree",
          detail: `closure failed (${reason(failure)}), interpreter did not`,
        };
      } else if (failure === undefined && error !== undefined) {
        result.closure = {
          kind: "disagree",
          detail: `interpreter failed (${reason(error)}), closure did not`,
        };
      } else if (failure === undefined && !sameCelValue(value, actual)) {
        result.closure = { kind: "disagree", detail: "different values" };
      } else {
        // What compile() returns: the closure's value, else the interpreter's error.
        const combined = failure === undefined ? score(value, undefined) : score(undefined, error);
        result.closure = { kind: "agree", combinedPass: combined.outcome === "pass" };
      }
    }
    if (generated) {
      let value: unknown;
      let threw: unknown;
      try {
        value = generated.run(activation);
      } catch (e) {
        threw = e ?? new Error(String(e));
      }
      if (threw !== undefined) {
        result.generated = { kind: "disagree", detail: `generated code threw ${reason(threw)}` };
      } else if (value === GENERATED_BAIL) result.generated = { kind: "bail" };
      else if (error !== undefined) {
        result.generated = {
          kind: "disagree",
          detail: `interpreter failed (${reason(error)}), generated code did not`,
        };
      } else if (!isDeepStrictEqual(value, toJson(actual))) {
        result.generated = { kind: "disagree", detail: "generated code: different value" };
      } else result.generated = { kind: "value" };
    }
    return result;
  } catch (e) {
    if (e instanceof NeedsProto)
      return { outcome: { excluded: "protobuf message, enum or wrapper types in the test data" } };
    return { outcome: "fail", why: `harness: ${(e as Error).message}` };
  }
}

interface FileResult {
  name: string;
  passed: number;
  /** Passed when scored on compile()'s result (closure value where the closure path ran). */
  combinedPassed: number;
  counted: number;
  /** Cases that reached evaluation / translated / ran on the closures (no bail). */
  evaluated: number;
  translated: number;
  onClosures: number;
  /** Cases with a generated function / where it returned the value (no bail). */
  generated: number;
  onGenerated: number;
  excluded: number;
  exclusions: Map<string, string[]>; // reason -> test names
  failures: string[];
}

function collect(suite: Suite, prefix: string, out: { name: string; test: SimpleTest }[]): void {
  for (const t of suite.tests ?? []) out.push({ name: `${prefix}/${t.original.name}`, test: t.original });
  for (const s of suite.suites ?? []) collect(s, prefix ? `${prefix}/${s.name}` : s.name, out);
}

const pct = (p: number, n: number) => (n === 0 ? "–" : `${((100 * p) / n).toFixed(1)}%`);

test("cel-spec conformance (core files >= 90%), closures and generated code agreeing with the interpreter", () => {
  const results: FileResult[] = [];
  const disagreements: string[] = [];
  const generatedDisagreements: string[] = [];
  const untranslated = new Map<string, number>();
  for (const file of (conformance as unknown as Suite).suites ?? []) {
    const cases: { name: string; test: SimpleTest }[] = [];
    collect({ name: "", suites: file.suites ?? [], tests: file.tests ?? [] }, "", cases);
    const r: FileResult = {
      name: file.name,
      passed: 0,
      combinedPassed: 0,
      counted: 0,
      evaluated: 0,
      translated: 0,
      onClosures: 0,
      generated: 0,
      onGenerated: 0,
      excluded: 0,
      exclusions: new Map(),
      failures: [],
    };
    for (const c of cases) {
      const { outcome, why, closure, generated } = run(c.test);
      if (typeof outcome === "object") {
        r.excluded++;
        r.exclusions.set(outcome.excluded, [...(r.exclusions.get(outcome.excluded) ?? []), c.name]);
        continue;
      }
      r.counted++;
      if (outcome === "pass") r.passed++;
      else r.failures.push(`${c.name} (${why})`);
      if (closure) r.evaluated++;
      if (generated) r.generated++;
      if (generated?.kind === "value") r.onGenerated++;
      if (generated?.kind === "disagree")
        generatedDisagreements.push(`${file.name}: ${c.name}: ${generated.detail}`);
      if (closure?.kind === "agree") {
        r.translated++;
        r.onClosures++;
        if (closure.combinedPass) r.combinedPassed++;
      } else {
        if (outcome === "pass") r.combinedPassed++;
        if (closure?.kind === "bail") r.translated++;
        if (closure?.kind === "disagree") disagreements.push(`${file.name}: ${c.name}: ${closure.detail}`);
        if (closure?.kind === "untranslated") {
          untranslated.set(closure.reason, (untranslated.get(closure.reason) ?? 0) + 1);
        }
      }
    }
    results.push(r);
  }

  const sum = (rs: FileResult[], f: (r: FileResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  const core = results.filter((r) => CORE.includes(r.name));
  const corePassed = sum(core, (r) => r.passed);
  const coreCounted = sum(core, (r) => r.counted);
  const allPassed = sum(results, (r) => r.passed);
  const allCounted = sum(results, (r) => r.counted);
  const allTotal = sum(results, (r) => r.counted + r.excluded);
  const onClosures = sum(results, (r) => r.onClosures);
  const translated = sum(results, (r) => r.translated);
  const generated = sum(results, (r) => r.generated);
  const onGenerated = sum(results, (r) => r.onGenerated);

  const lines = [
    "# CEL conformance (cel-spec via @bufbuild/cel-spec) — generated by conformance.test.ts",
    "",
    `Core files (standard language): **${corePassed}/${coreCounted} = ${pct(corePassed, coreCounted)}** (gate: ${CORE_THRESHOLD * 100}%).`,
    `All files: **${allPassed}/${allCounted} = ${pct(allPassed, allCounted)}**` +
      ` (${pct(allPassed, allTotal)} of all ${allTotal} tests if exclusions counted as failures).`,
    "",
    `Core files: ${CORE.join(", ")} (why: header of conformance.test.ts).`,
    "",
    "Excluded tests need protobuf message types (generated test messages, wrappers, Struct/Value/Any, proto",
    "enums), which our JSON-only CEL environment does not support; they are listed at the end and not counted.",
    "",
    `Closures: of the ${sum(results, (r) => r.evaluated)} counted cases that reach evaluation (the others fail to parse or`,
    `check, or are check-only), **${onClosures}** ran on translated closures and agreed with the interpreter`,
    `(${translated} translated, ${translated - onClosures} bailed to the interpreter at run time, ${disagreements.length} disagreements);`,
    "the rest keep the interpreter (reasons below). Scoring compile()'s result (closure value, else the",
    `interpreter's) passes ${sum(results, (r) => r.combinedPassed)} cases (must equal ${allPassed}).`,
    "",
    `Generated code: ${generated} of the translated cases also have a generated function (the others have`,
    `nothing to inline); **${onGenerated}** returned their value from it, equal to the interpreter's as JSON,`,
    `and ${generated - onGenerated} bailed to the closures at run time (${generatedDisagreements.length} disagreements).`,
    "",
    "| file | core | passed | counted | rate | excluded | on closures | on generated code |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.name} | ${CORE.includes(r.name) ? "yes" : ""} | ${r.passed} | ${r.counted} | ${pct(r.passed, r.counted)} | ${r.excluded} | ${r.onClosures} | ${r.onGenerated} |`,
    ),
    "",
    "## Why cases keep the interpreter (not translated)",
    "",
    ...[...untranslated].sort((a, b) => b[1] - a[1]).map(([why, n]) => `- ${n}: ${why}`),
    "",
    "## Failures in core files",
    "",
    ...core.flatMap((r) => r.failures.map((f) => `- ${r.name}: ${f}`)),
    "",
    "## Exclusions",
    "",
    ...results.flatMap((r) =>
      [...r.exclusions].map(
        ([why, names]) => `- **${r.name}** — ${why} (${names.length}): ${names.join(", ")}`,
      ),
    ),
    "",
  ];
  writeFileSync(new URL("./results.md", import.meta.url), lines.join("\n"));

  expect(corePassed / coreCounted).toBeGreaterThanOrEqual(CORE_THRESHOLD);
  expect(disagreements).toEqual([]);
  expect(generatedDisagreements).toEqual([]);
  for (const r of results) expect(r.combinedPassed, r.name).toBe(r.passed);
});
