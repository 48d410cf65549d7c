// CEL → one generated JavaScript function per expression (new Function, built once by compile()).
// The closures (closures.ts) cost one megamorphic call per node; a generated function is one
// monomorphic function that V8 optimises as a whole (S4's expression: ~55 → ~14 ns per evaluation).
//
// Guards, not semantics: the generated code computes a value only where it has checked every
// runtime type it relies on (a double is `typeof === "number"`, a map is a plain object whose
// prototype is Object.prototype, a key is own, ...). On any other value, a missing key, or
// anything that would be a CEL error, it returns GENERATED_BAIL and the caller runs the closures
// (which in turn may hand over to the interpreter). So it returns only what the closures' runJson
// returns; errors always come from the interpreter.
//
// What is inlined: variable reads; `.f`, `["k"]` and `[0]` on plain objects and arrays;
// double/string/bool/null/int literals; list literals and map literals with constant string keys;
// operators and functions whose overload is a known built-in (+ - * / on doubles, + on strings,
// comparisons, == and !=, unary - and !, size(), upperAscii/lowerAscii/trim/contains/startsWith/
// endsWith); && || with CEL's error absorption; ?:; has(a.b); map/filter/all/exists/exists_one over
// arrays and plain objects. Other overloads of the library's own (int arithmetic, sum(), string(),
// ...) are called directly, with the arguments' kinds guarded. Any other node (list equality, `in`
// on a list, timestamps, ...) calls its closure (translateSubtree; a throw there bails), except
// inside a comprehension, which then calls its closure as a whole. Overloads are resolved at
// generation time with the library's Candidates per runtime kind, as the closures do.
//
// Ints are bigint as in the library; the output converts them as toJson does.
//
// Untrusted source text: nothing from the expression is spliced into the generated code.
// Variables and temporaries are named by index; string and number constants go in through
// JSON.stringify when they round-trip (else through the captured array, e.g. -0, NaN); bigint
// literals as their decimal digits; everything else (handlers, closures, library values) through
// the captured array.
import type { Environment } from "@marcbachmann/cel-js";
import {
  type Activation,
  type Candidates,
  type ComprehensionArgs,
  constantString,
  containerSafe,
  type Decl,
  type HasMacro,
  hasMacroEvaluate,
  isDroppedKey,
  type LibType,
  type Node,
  overloadLookup,
  type Runtime,
  referenceHandlers,
  runtimeFor,
  type TranslateOptions,
  translateSubtree,
} from "./closures.ts";
import { toJson } from "./convert.ts";

/** Returned by a generated function that is not sure of the result: run the closures. */
export const GENERATED_BAIL: object = Object.freeze(Object.create(null));

export interface GeneratedProgram {
  /** The result as JSON (as the closures' runJson), or GENERATED_BAIL. Never throws on purpose. */
  readonly run: (activation: Activation) => unknown;
  /** The generated JavaScript (tests, debugging). */
  readonly code: string;
  /** Nodes evaluated inline, and those that call their closure. */
  readonly inlined: number;
  readonly viaClosures: number;
}

export type GenerateResult = { ok: true; program: GeneratedProgram } | { ok: false; reason: string };

/**
 * Runtime kinds the generated code distinguishes: CEL double/string/bool/null/int are JS
 * number/string/boolean/null/bigint; list and map are arrays and plain objects (prototype
 * Object.prototype); dyn is any value a consumer has to check first.
 */
type Kind = "double" | "string" | "bool" | "null" | "int" | "list" | "map" | "scalar" | "dyn";
const PRIMITIVES: readonly Kind[] = ["double", "string", "bool", "null", "int"];
/** JSON scalars: "scalar" is one of them, not known which. */
const SCALARS: readonly Kind[] = ["double", "string", "bool", "null"];

/** The kind of a value that is one of several. */
function merge(kinds: readonly Kind[]): Kind {
  const first = kinds[0] ?? "dyn";
  if (kinds.every((k) => k === first)) return first;
  return kinds.every((k) => k === "scalar" || SCALARS.includes(k)) ? "scalar" : "dyn";
}

/** A generated value: an expression without side effects (a temporary or a literal) and its kind. */
interface Val {
  readonly code: string;
  readonly kind: Kind;
  /**
   * Read from the input and not yet checked to be a value the library supports (it checks on
   * read). Whatever keeps a value without a kind guard (a list, a comprehension) checks it first.
   */
  readonly unchecked?: boolean;
}

/** This node is not inlined (its closure is called instead). */
class NotInlined extends Error {}
const notInlined = new NotInlined();
function fail(): never {
  throw notInlined;
}

/**
 * A JS string literal of `s`: JSON's, with U+2028/U+2029 escaped too (legal raw since ES2019, but
 * then the code has line separators inside a line).
 */
function jsString(s: string): string {
  const code = JSON.stringify(s).replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
  if (JSON.parse(code) !== s) throw new Error("codegen: a string that does not round-trip");
  return code;
}

/** Kind of a static type, when it is one the generated code represents. */
function kindOfType(t: LibType): Kind | undefined {
  switch (t.kind) {
    case "dyn":
      return "dyn";
    case "list":
      return "list";
    case "map":
      return "map";
  }
  switch (t.name) {
    case "double":
    case "string":
    case "bool":
    case "null":
    case "int":
      return t.name;
  }
  return undefined;
}

function guardOf(kind: Kind, v: string): string {
  switch (kind) {
    case "double":
      return `typeof ${v} === "number"`;
    case "string":
      return `typeof ${v} === "string"`;
    case "bool":
      return `typeof ${v} === "boolean"`;
    case "null":
      return `${v} === null`;
    case "int":
      return `typeof ${v} === "bigint"`;
    case "list":
      return `(typeof ${v} === "object" && ${v} !== null && ${v}.constructor === Array)`;
    case "map":
      return `(typeof ${v} === "object" && ${v} !== null && ${v}.constructor === Object && gp(${v}) === OP)`;
    case "scalar":
    case "dyn":
      return "true";
  }
}

// Overloads inlined by signature (only when the handler is the library's own).
const ARITHMETIC = /^double ([-+*/]) double: double$/;
const COMPARISON = /^(bool|int|double|string) (<|<=|>|>=) (bool|int|double|string): bool$/;
const SAME_TYPE_EQUALITY = /^(null|bool|string|int|double) (==|!=) \1: bool$/;
const MIXED_EQUALITY = /^dyn<(int|double)> (==|!=) dyn<(int|double)>: bool$/;

/** Inline code of a binary overload applied to a and b, and its result kind. */
function binaryTemplate(op: string, d: Decl, a: string, b: string): { code: string; kind: Kind } | undefined {
  // The dyn equality fallback (registry.js fallbackDynEqualityMatchers) has no signature.
  if (d.signature === undefined) {
    if (op === "==") return { code: `(${a} === ${b})`, kind: "bool" };
    if (op === "!=") return { code: `(${a} !== ${b})`, kind: "bool" };
    return undefined;
  }
  if (!referenceHandlers.has(d.handler)) return undefined;
  const sig = d.signature;
  if (sig === "string + string: string") return { code: `(${a} + ${b})`, kind: "string" };
  let m = ARITHMETIC.exec(sig);
  if (m) return { code: `(${a} ${m[1]} ${b})`, kind: "double" };
  m = COMPARISON.exec(sig);
  if (m && m[1] === m[3]) return { code: `(${a} ${m[2]} ${b})`, kind: "bool" };
  // int/double across: JS compares bigint with number exactly, as the handler does.
  if (m && (m[1] === "int" || m[1] === "double") && (m[3] === "int" || m[3] === "double")) {
    return { code: `(${a} ${m[2]} ${b})`, kind: "bool" };
  }
  m = SAME_TYPE_EQUALITY.exec(sig);
  if (m) return { code: `(${a} ${m[2] === "==" ? "===" : "!=="} ${b})`, kind: "bool" };
  m = MIXED_EQUALITY.exec(sig);
  if (m && m[1] !== m[3]) return { code: `(${a} ${m[2]} ${b})`, kind: "bool" };
  return undefined;
}

function unaryTemplate(d: Decl, a: string): { code: string; kind: Kind } | undefined {
  if (!referenceHandlers.has(d.handler)) return undefined;
  switch (d.signature) {
    case "-_double: double":
      return { code: `(-${a})`, kind: "double" };
    case "-_int: int":
      return { code: `(-${a})`, kind: "int" };
    case "!_bool: bool":
      return { code: `(!${a})`, kind: "bool" };
  }
  return undefined;
}

/** Functions inlined by signature: the kinds their positions need, and their code. */
const CALL_TEMPLATES: Record<string, { kinds: Kind[]; kind: Kind; code: (a: string[]) => string }> = {
  "string.upperAscii(): string": { kinds: ["string"], kind: "string", code: ([s]) => `${s}.toUpperCase()` },
  "string.lowerAscii(): string": { kinds: ["string"], kind: "string", code: ([s]) => `${s}.toLowerCase()` },
  "string.trim(): string": { kinds: ["string"], kind: "string", code: ([s]) => `${s}.trim()` },
  "string.contains(string): bool": {
    kinds: ["string", "string"],
    kind: "bool",
    code: ([s, x]) => `${s}.includes(${x})`,
  },
  "string.startsWith(string): bool": {
    kinds: ["string", "string"],
    kind: "bool",
    code: ([s, x]) => `${s}.startsWith(${x})`,
  },
  "string.endsWith(string): bool": {
    kinds: ["string", "string"],
    kind: "bool",
    code: ([s, x]) => `${s}.endsWith(${x})`,
  },
  "size(list<dyn>): int": { kinds: ["list"], kind: "int", code: ([l]) => `BigInt(${l}.length)` },
  "list<dyn>.size(): int": { kinds: ["list"], kind: "int", code: ([l]) => `BigInt(${l}.length)` },
  "size(map<dyn, dyn>): int": {
    kinds: ["map"],
    kind: "int",
    code: ([m]) => `BigInt(Object.keys(${m}).length)`,
  },
  "map<dyn, dyn>.size(): int": {
    kinds: ["map"],
    kind: "int",
    code: ([m]) => `BigInt(Object.keys(${m}).length)`,
  },
};

/** One alternative of a dispatch: when every guard holds, the value is `code`. */
interface Case {
  readonly guards: readonly string[];
  readonly code: string;
  readonly kind: Kind;
  /** The code calls a handler, which may throw (the throw bails). */
  readonly calls?: boolean;
}

const MAX_INDEX = 2 ** 31 - 1;

class Generator {
  private lines: string[] = [];
  private temps = 0;
  readonly captured: unknown[] = [];
  /** Activation variables read → the prologue's temporary. */
  private readonly variables = new Map<string, string>();
  /** Enclosing comprehensions, innermost last: iteration variables and the accumulator. */
  private readonly scopes: {
    readonly name: string;
    readonly item: Val;
    readonly accu: string;
    readonly accuKind: Kind;
  }[] = [];
  inlined = 0;
  viaClosures = 0;
  /**
   * What the code emitted so far has established about constants on the current path: a kind
   * guarded (`kind:t3`), a value checked (`checked:t3`), a key read (`read:t3:"k"` → its
   * temporary). Undone when a block ends or an inline attempt is rolled back.
   */
  private readonly facts = new Map<string, string>();
  private readonly undo: [string, string | undefined][] = [];

  private readonly rt: Runtime;
  private readonly env: Environment;
  private readonly options: TranslateOptions;

  constructor(rt: Runtime, env: Environment, options: TranslateOptions) {
    this.rt = rt;
    this.env = env;
    this.options = options;
  }

  // --- emission ---

  private temp(): string {
    return `t${this.temps++}`;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  /** A value in the captured array (constants, handlers, closures). */
  capture(v: unknown): string {
    let i = this.captured.indexOf(v);
    if (i < 0) i = this.captured.push(v) - 1;
    return `C${i}`;
  }

  private bailUnless(guard: string): void {
    if (guard !== "true") this.emit(`if (!(${guard})) return B;`);
  }

  private bailIf(cond: string): void {
    this.emit(`if (${cond}) return B;`);
  }

  private learn(fact: string, value: string): void {
    this.undo.push([fact, this.facts.get(fact)]);
    this.facts.set(fact, value);
  }

  private forget(mark: number): void {
    while (this.undo.length > mark) {
      const [fact, previous] = this.undo.pop() as [string, string | undefined];
      if (previous === undefined) this.facts.delete(fact);
      else this.facts.set(fact, previous);
    }
  }

  /** Statements of `f` in their own block; `f` returns what the block assigns to `target`. */
  private block(target: string, f: () => string): string {
    const outer = this.lines;
    const mark = this.undo.length;
    this.lines = [];
    try {
      const code = f();
      this.emit(`${target} = ${code};`);
      return this.lines.join("\n");
    } finally {
      this.lines = outer;
      this.forget(mark); // what the block established holds only inside it
    }
  }

  prologue(): string {
    // compile()'s rule: a variable whose value is undefined reads as null.
    const orNull = this.options.undefinedAsNull ? " ?? null" : "";
    return [...this.variables].map(([name, t]) => `const ${t} = act[${jsString(name)}]${orNull};`).join("\n");
  }

  body(): string {
    return this.lines.join("\n");
  }

  /** Emits the cases as an if-chain (bail when none holds); one temporary holds the result. */
  private dispatch(cases: readonly Case[]): Val {
    if (cases.length === 0) fail();
    const first = cases[0] as Case;
    const kind = merge(cases.map((c) => c.kind));
    const t = this.temp();
    const calls = cases.some((c) => c.calls);
    if (cases.length === 1 && first.guards.length === 0 && !calls) {
      this.emit(`const ${t} = ${first.code};`);
      return { code: t, kind };
    }
    // Cases with the same code share one branch.
    const byCode = new Map<string, string[]>();
    for (const c of cases) {
      const cond = c.guards.length === 0 ? "true" : c.guards.join(" && ");
      byCode.set(c.code, [...(byCode.get(c.code) ?? []), cond]);
    }
    const chain: string[] = [];
    let complete = false;
    for (const [code, conds] of byCode) {
      const prefix = chain.length > 0 ? "else " : "";
      if (conds.includes("true")) {
        chain.push(`${prefix}${t} = ${code};`);
        complete = true;
        break;
      }
      chain.push(`${prefix}if (${conds.map((c) => `(${c})`).join(" || ")}) ${t} = ${code};`);
    }
    if (!complete) chain.push("else return B;");
    this.emit(`let ${t};`);
    this.emit(calls ? `try {\n${chain.join("\n")}\n} catch { return B; }` : chain.join("\n"));
    return { code: t, kind };
  }

  // --- literals ---

  private number(v: number): string {
    const s = JSON.stringify(v);
    if (s === undefined || !Object.is(JSON.parse(s), v)) return this.capture(v); // -0, NaN, ±Infinity
    return v < 0 ? `(${s})` : s;
  }

  private string(v: string): string {
    return jsString(v);
  }

  private literal(v: unknown): Val {
    switch (typeof v) {
      case "number":
        return { code: this.number(v), kind: "double" };
      case "string":
        return { code: this.string(v), kind: "string" };
      case "boolean":
        return { code: v ? "true" : "false", kind: "bool" };
      case "bigint": {
        const s = v.toString();
        if (!/^-?[0-9]+$/.test(s)) return { code: this.capture(v), kind: "int" };
        return { code: v < 0n ? `(${s}n)` : `${s}n`, kind: "int" };
      }
      case "object":
        if (v === null) return { code: "null", kind: "null" };
    }
    // uint, bytes, ...: the same instance the interpreter returns.
    return { code: this.capture(v), kind: "dyn" };
  }

  // --- raw values ---

  /** The node's CEL value (inline where possible, else through its closure). */
  value(ast: Node): Val {
    const node = follow(ast);
    const mark = this.lines.length;
    const temps = this.temps;
    const inlined = this.inlined;
    const viaClosures = this.viaClosures;
    const facts = this.undo.length;
    try {
      const v = this.inline(node);
      this.inlined++;
      return v;
    } catch (e) {
      // Inside a comprehension a closure would not see the iteration variable: the whole
      // comprehension calls its closure instead.
      if (!(e instanceof NotInlined) || this.scopes.length > 0) throw e;
      this.lines.length = mark;
      this.temps = temps;
      this.inlined = inlined;
      this.viaClosures = viaClosures;
      this.forget(facts);
      return this.viaClosure(node);
    }
  }

  private viaClosure(node: Node): Val {
    const fn = translateSubtree(node, this.env, this.options);
    if (!fn) throw new Error("codegen: a node the closures do not translate");
    this.viaClosures++;
    const t = this.temp();
    // Any throw (a CEL error or a closure bail) hands the whole expression to the closures.
    this.emit(`let ${t};\ntry { ${t} = ${this.capture(fn)}(act); } catch { return B; }`);
    return { code: t, kind: "dyn" };
  }

  private inline(node: Node): Val {
    if (node.meta.macro) return this.has(node);
    switch (node.op) {
      case "value":
        return this.literal(node.args);
      case "id":
        return this.variable(node);
      case ".":
      case "[]":
        return this.access(node);
      case "?:":
        return this.ternary(node, (a) => this.value(a));
      case "&&":
      case "||":
        return this.logical(node);
      case "!_":
      case "-_":
        return this.unary(node);
      case "call":
      case "rcall":
        return this.call(node);
      case "list":
        return this.listLiteral(node);
      case "map":
        return this.mapLiteral(node, false) ?? fail();
      case "comprehension":
        return this.comprehension(node);
      case "accuValue":
      case "accuInc":
      case "accuPush":
        return this.accumulator(node);
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
      case "in":
        return this.binary(node);
      default:
        return fail();
    }
  }

  /** Requires `v` to be of `kind` (a guard unless it is known to be). */
  private require(v: Val, kind: Kind): Val {
    if (v.kind === kind || kind === "dyn") return v;
    if (this.facts.get(`kind:${v.code}`) !== kind) {
      this.bailUnless(guardOf(kind, v.code));
      this.learn(`kind:${v.code}`, kind);
    }
    return { code: v.code, kind };
  }

  /** A value the library supports (debugType does not throw on it), or a bail. */
  private checked(v: Val): Val {
    if (!v.unchecked) return v;
    const x = v.code;
    if (this.facts.has(`checked:${x}`)) return { code: x, kind: v.kind };
    this.learn(`checked:${x}`, "");
    this.bailUnless(
      `typeof ${x} === "number" || typeof ${x} === "string" || (typeof ${x} === "object" && ${x} !== null && (${x}.constructor === Object || ${x}.constructor === Array)) || S(${x})`,
    );
    return { code: x, kind: v.kind };
  }

  /** RootContext#getCheckedValue: the declared type's check (undefined was read as null, or fails). */
  private variable(node: Node): Val {
    const name = node.args as string;
    // OverlayContext#getCheckedValue: an iteration variable as set (checked when set).
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i] as (typeof this.scopes)[number];
      if (scope.name === name) return scope.item;
    }
    let t = this.variables.get(name);
    if (t === undefined) {
      t = `v${this.variables.size}`;
      this.variables.set(name, t);
    }
    const kind = kindOfType(typeOf(node)) ?? fail();
    if (!this.options.undefinedAsNull) this.bailIf(`${t} === undefined`);
    return this.require({ code: t, kind: "dyn", unchecked: true }, kind);
  }

  /** `a.f`, `a["k"]`, `a[0]`: operators.js fieldAccess (dyn) or the map/list type's field(). */
  private access(node: Node): Val {
    const [leftAst, k] = node.args as [Node, unknown];
    const key = node.op === "." ? (k as string) : constantString(k as Node);
    const lt = typeOf(leftAst);
    const { rt } = this;
    if (key !== undefined) {
      // A dyn operand that is a plain object, or a map type: an own key, else "no such key".
      let valueKind: Kind;
      if (lt === rt.dyn) valueKind = "dyn";
      else if (lt.kind === "map") valueKind = kindOfType(lt.valueType as LibType) ?? fail();
      else return fail();
      if (valueKind === "list" || valueKind === "map") return fail(); // nested type checks
      const left = this.require(this.value(leftAst), "map");
      const read = `read:${left.code}:${jsString(key)}`;
      let t = this.facts.get(read);
      if (t === undefined) {
        t = this.ownKey(left.code, key);
        this.bailIf(`${t} === undefined`);
        this.learn(read, t);
      }
      return this.require({ code: t, kind: "dyn", unchecked: true }, valueKind);
    }
    // An int literal index into an array (list field(): the element, else out of bounds).
    const indexAst = follow(k as Node);
    const index = indexAst.op === "value" ? indexAst.args : undefined;
    if (typeof index !== "bigint" || index < 0n || index > BigInt(MAX_INDEX)) return fail();
    let valueKind: Kind;
    if (lt === rt.dyn) valueKind = "dyn";
    else if (lt.kind === "list") valueKind = kindOfType(lt.valueType as LibType) ?? fail();
    else return fail();
    if (valueKind === "list" || valueKind === "map") return fail();
    const left = this.require(this.value(leftAst), "list");
    const read = `read:${left.code}:${index}`;
    let t = this.facts.get(read);
    if (t === undefined) {
      t = this.temp();
      this.emit(`const ${t} = ${left.code}[${index}];`);
      this.bailIf(`${t} === undefined`);
      this.learn(read, t);
    }
    return this.require({ code: t, kind: "dyn", unchecked: true }, valueKind);
  }

  /**
   * The own value of `key` on a plain object (prototype Object.prototype), or undefined. A key
   * that Object.prototype does not have can only be found on the object itself, which is cheaper
   * to check than hasOwn; the check stays at run time in case the prototype changes.
   */
  private ownKey(obj: string, key: string): string {
    const t = this.temp();
    const k = this.string(key);
    if (key in Object.prototype) {
      this.emit(`const ${t} = hasOwn(${obj}, ${k}) ? ${obj}[${k}] : undefined;`);
    } else {
      this.emit(`const ${t} = ${obj}[${k}];`);
      this.emit(`if (${k} in OP) return B;`);
    }
    return t;
  }

  /** has(a.b.c) (macros.js): the last step's presence; a missing intermediate key is an error. */
  private has(node: Node): Val {
    const macro = node.meta.macro as HasMacro;
    if (macro.evaluate !== hasMacroEvaluate || !macro.macroHasProps) return fail();
    const nodes = macro.macroHasProps;
    if (nodes.slice(0, -1).some((n) => n.op !== ".")) return fail();
    let obj = this.value(nodes[nodes.length - 1] as Node);
    for (let i = nodes.length - 2; i >= 0; i--) {
      const key = ((nodes[i] as Node).args as [Node, string])[1];
      // debugType(obj).fieldLazy: a plain object is a map<dyn, dyn>.
      const o = this.require(obj, "map");
      const t = this.ownKey(o.code, key);
      if (i > 0) {
        this.bailIf(`${t} === undefined`);
        obj = { code: t, kind: "dyn" };
        continue;
      }
      // A present value must be one the library supports (else it throws).
      this.bailUnless(`${t} === undefined || S(${t})`);
      const r = this.temp();
      this.emit(`const ${r} = ${t} !== undefined;`);
      return { code: r, kind: "bool" };
    }
    return fail();
  }

  private ternary(node: Node, branch: (a: Node) => Val): Val {
    const [c, l, r] = node.args as [Node, Node, Node];
    const cond = this.value(c);
    const t = this.temp();
    const vals: Val[] = [];
    const yes = this.block(t, () => {
      const v = branch(l);
      vals.push(v);
      return v.code;
    });
    const no = this.block(t, () => {
      const v = branch(r);
      vals.push(v);
      return v.code;
    });
    this.emit(`let ${t};`);
    // A condition that is not a bool is an error.
    if (cond.kind === "bool") this.emit(`if (${cond.code}) {\n${yes}\n} else {\n${no}\n}`);
    else {
      this.emit(
        `if (${cond.code} === true) {\n${yes}\n} else if (${cond.code} === false) {\n${no}\n} else return B;`,
      );
    }
    return { code: t, kind: merge(vals.map((v) => v.kind)), unchecked: vals.some((v) => v.unchecked) };
  }

  /** operators.js && / ||: a side that is an error or not a bool is absorbed when the other decides. */
  private logical(node: Node): Val {
    const [l, r] = node.args as [Node, Node];
    const decisive = node.op === "||" ? "true" : "false";
    const other = node.op === "||" ? "false" : "true";
    const left = this.value(l);
    const t = this.temp();
    const right = this.block(t, () => {
      const rv = this.value(r);
      return `${rv.code} === ${decisive} ? ${decisive} : ${left.code} === ${other} && ${rv.code} === ${other} ? ${other} : B`;
    });
    this.emit(`let ${t};`);
    this.emit(`if (${left.code} === ${decisive}) ${t} = ${decisive};\nelse {\n${right}\n}`);
    this.emit(`if (${t} === B) return B;`);
    return { code: t, kind: "bool" };
  }

  /** handleUnary / the static overload. */
  private unary(node: Node): Val {
    const argAst = node.args as Node;
    const cands = node.candidates ?? fail();
    const at = typeOf(argAst);
    const arg = this.value(argAst);
    const { rt } = this;
    const kinds = at.kind !== "dyn" ? [kindOfType(at) ?? fail()] : candidateKinds(arg, PRIMITIVES);
    const cases: Case[] = [];
    for (const k of kinds) {
      if (!PRIMITIVES.includes(k)) return fail();
      const d = cands.findUnaryOverload(at.kind !== "dyn" ? at : (kindType(rt, k) as LibType));
      const tpl = d ? unaryTemplate(d, arg.code) : undefined;
      if (tpl) cases.push({ guards: guards([arg], [k]), ...tpl });
    }
    return this.dispatch(cases);
  }

  /** checkBinary's static overload, else handleBinary's per runtime kind (primitives only). */
  private binary(node: Node): Val {
    const [l, r] = node.args as [Node, Node];
    const cands = node.candidates ?? fail();
    const lt = typeOf(l);
    const rtype = typeOf(r);
    const left = this.value(l);
    const right = this.value(r);
    if (!lt.hasDynType && !rtype.hasDynType) {
      const d = findBinary(cands, lt, rtype) || fail();
      const lk = kindOfType(lt);
      const rk = kindOfType(rtype);
      const tpl = lk && rk ? binaryTemplate(node.op, d, left.code, right.code) : undefined;
      if (tpl && lk && rk) return this.dispatch([{ guards: guards([left, right], [lk, rk]), ...tpl }]);
      // Another built-in overload on static types: its handler.
      if (d.signature === undefined || !referenceHandlers.has(d.handler)) return fail();
      return this.callHandler(d, [left, right]);
    }
    const { rt } = this;
    const side = (t: LibType, v: Val): { kinds: readonly Kind[]; type: (k: Kind) => LibType } =>
      t.hasDynType
        ? { kinds: candidateKinds(v, PRIMITIVES), type: (k) => (kindType(rt, k) as LibType).wrappedType }
        : { kinds: [kindOfType(t) ?? fail()], type: () => t };
    const ls = side(lt, left);
    const rs = side(rtype, right);
    const cases: Case[] = [];
    for (const ka of ls.kinds) {
      for (const kb of rs.kinds) {
        if (!PRIMITIVES.includes(ka) || !PRIMITIVES.includes(kb)) return fail();
        const d = findBinary(cands, ls.type(ka), rs.type(kb));
        if (!d) continue; // no overload: an error, which bails
        const g = guards([left, right], [ka, kb]);
        const tpl = binaryTemplate(node.op, d, left.code, right.code);
        if (tpl) cases.push({ guards: g, ...tpl });
        else if (d.signature !== undefined && referenceHandlers.has(d.handler)) {
          const code = `${this.capture(d.handler)}(${left.code}, ${right.code})`;
          cases.push({ guards: g, code, kind: returnKind(d), calls: true });
        }
      }
    }
    return this.dispatch(cases);
  }

  /** A built-in handler called directly (its throw bails). */
  private callHandler(d: Decl, args: readonly Val[]): Val {
    const t = this.temp();
    const h = this.capture(d.handler);
    this.emit(`let ${t};\ntry { ${t} = ${h}(${args.map((a) => a.code).join(", ")}); } catch { return B; }`);
    return { code: t, kind: "dyn" };
  }

  /** operators.js call / rcall: the static overload, else the one runtime kind of the dyn position. */
  private call(node: Node): Val {
    const method = node.op === "rcall";
    const parts = node.args as [string, Node, Node[]] | [string, Node[]];
    const receiverAst = method ? (parts[1] as Node) : undefined;
    const argAsts = (method ? parts[2] : parts[1]) as Node[];
    const cands = node.candidates ?? fail();
    if (cands.macro) return fail();
    const positions = receiverAst ? [receiverAst, ...argAsts] : argAsts;
    const types = positions.map(typeOf);
    const { find, isStatic } = overloadLookup(method, types, cands);
    const vals = positions.map((p) => this.value(p));
    const codes = vals.map((v) => v.code);
    /** The overload as a case: its template, else a call of its handler. */
    const overload = (d: Decl | null, kinds: readonly Kind[]): Case | undefined => {
      if (!d || !referenceHandlers.has(d.handler)) return undefined;
      const tpl = d.signature === undefined ? undefined : CALL_TEMPLATES[d.signature];
      if (tpl) {
        if (kinds.some((k, i) => k !== "dyn" && k !== tpl.kinds[i])) return undefined;
        return { guards: guards(vals, tpl.kinds), code: tpl.code(codes), kind: tpl.kind };
      }
      return {
        guards: guards(vals, kinds),
        code: `${this.capture(d.handler)}(${codes.join(", ")})`,
        kind: returnKind(d),
        calls: true,
      };
    };
    const staticKinds = types.map((t): Kind => (t.hasDynType ? "dyn" : (kindOfType(t) ?? "dyn")));
    if (isStatic) {
      const c = overload(find(types), staticKinds);
      return c ? this.dispatch([c]) : fail();
    }
    // debugRuntimeType: a position's static type unless it has dyn in it; one such position.
    const dynamic = types.flatMap((t, i) => (t.hasDynType !== false ? [i] : []));
    if (dynamic.length !== 1) return fail();
    const p = dynamic[0] as number;
    const { rt } = this;
    const all: Kind[] = containerSafe(cands, rt) ? [...PRIMITIVES, "list", "map"] : [...PRIMITIVES];
    const cases: Case[] = [];
    for (const k of candidateKinds(vals[p] as Val, all)) {
      if (!all.includes(k)) return fail();
      const ts = types.slice();
      ts[p] = kindType(rt, k) as LibType;
      const kinds = staticKinds.slice();
      kinds[p] = k;
      const c = overload(find(ts), kinds);
      if (!c) continue; // no overload for this kind: an error, which bails
      // debugTypeDeep throws on an unsupported first element: probed (P) for containers.
      const probe = k === "list" || k === "map" ? [`P(${codes[p]})`] : [];
      cases.push({ ...c, guards: [...c.guards, ...probe] });
    }
    return this.dispatch(cases);
  }

  // --- output: JSON, built directly for literals ---

  /** The node's value as the closures' runJson gives it (toJson of the CEL value). */
  out(ast: Node): string {
    const node = follow(ast);
    if (!node.meta.macro) {
      if (node.op === "map") {
        const v = this.mapLiteral(node, true);
        if (v !== undefined) {
          this.inlined++;
          return v.code;
        }
      }
      if (node.op === "list") {
        this.inlined++;
        return `[${(node.args as Node[]).map((e) => this.out(e)).join(", ")}]`;
      }
      if (node.op === "?:") {
        this.inlined++;
        return this.ternary(node, (a) => ({ code: this.out(a), kind: "dyn" })).code;
      }
    }
    return this.json(this.value(node));
  }

  /**
   * A map literal with constant string keys (operators.js safeFromEntries: dropped keys are still
   * evaluated, for their errors). `out`: values as JSON, else the CEL values.
   */
  private mapLiteral(node: Node, out: boolean): Val | undefined {
    const entries = node.args as [Node, Node][];
    const keys = entries.map(([k]) => constantString(follow(k)));
    if (keys.some((k) => k === undefined)) return undefined;
    const props: string[] = [];
    entries.forEach(([, v], i) => {
      const key = keys[i] as string;
      const literal = out && ["map", "list", "?:"].includes(follow(v).op) && !follow(v).meta.macro;
      const code = literal ? this.out(v) : out ? this.json(this.value(v)) : this.checked(this.value(v)).code;
      if (!isDroppedKey(key)) props.push(`${jsString(key)}: ${code}`);
    });
    const t = this.temp();
    this.emit(`const ${t} = {${props.join(", ")}};`);
    return { code: t, kind: "map" };
  }

  /** A list literal of CEL values (in output, out() builds it as JSON). */
  private listLiteral(node: Node): Val {
    const items = (node.args as Node[]).map((e) => this.checked(this.value(e)).code);
    const t = this.temp();
    this.emit(`const ${t} = [${items.join(", ")}];`);
    return { code: t, kind: "list" };
  }

  /**
   * map/filter/all/exists/exists_one (operators.js runComprehension / runQualifier) over an array or
   * a plain object's keys, each element checked against the iteration type. Any error bails, also
   * where a quantifier would absorb it (the closures do that).
   */
  private comprehension(node: Node): Val {
    const a = node.args as ComprehensionArgs;
    const iterType = a.iterCtx?.iterType ?? fail();
    if (!a.errorsAreFatal && !a.condition) return fail();
    const itemKind = kindOfType(iterType) ?? fail();
    const coll = this.value(a.iterable);
    const items = this.temp();
    if (coll.kind === "list") this.emit(`const ${items} = ${coll.code};`);
    else if (coll.kind === "map") this.emit(`const ${items} = Object.keys(${coll.code});`);
    else {
      this.emit(`let ${items};`);
      this.emit(
        `if (${guardOf("list", coll.code)}) ${items} = ${coll.code};\nelse if (${guardOf("map", coll.code)}) ${items} = Object.keys(${coll.code});\nelse return B;`,
      );
    }
    const accu = this.temp();
    const init = this.checked(this.value(a.init));
    this.emit(`let ${accu} = ${init.code};`);
    const i = this.temp();
    const item = this.temp();
    const condition = a.condition;
    let stepKind: Kind = "dyn";
    this.scopes.push({
      name: a.iterVarName,
      item: { code: item, kind: itemKind },
      accu,
      accuKind: init.kind,
    });
    let body: string;
    try {
      body = this.block(accu, () => {
        if (condition) {
          this.emit(
            isIdentity(condition)
              ? `if (!${accu}) break;`
              : `if (!${this.capture(condition)}(${accu})) break;`,
          );
        }
        this.emit(`const ${item} = ${items}[${i}];`);
        if (itemKind === "dyn") this.checked({ code: item, kind: "dyn", unchecked: true });
        else this.bailUnless(guardOf(itemKind, item));
        const step = this.checked(this.value(a.step));
        stepKind = step.kind;
        return step.code;
      });
    } finally {
      this.scopes.pop();
    }
    this.emit(`for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {\n${body}\n}`);
    const t = this.temp();
    if (isIdentity(a.result)) {
      this.emit(`const ${t} = ${accu};`);
      return { code: t, kind: merge([init.kind, stepKind]) };
    }
    this.emit(`let ${t};\ntry { ${t} = ${this.capture(a.result)}(${accu}); } catch { return B; }`);
    return { code: t, kind: "dyn" };
  }

  /** The innermost comprehension's accumulator (the closures' accuValue / accuInc / accuPush). */
  private accumulator(node: Node): Val {
    const scope = this.scopes[this.scopes.length - 1] ?? fail();
    const t = this.temp();
    if (node.op === "accuValue") this.emit(`const ${t} = ${scope.accu};`);
    else if (node.op === "accuInc") this.emit(`const ${t} = ++${scope.accu};`);
    else {
      if (scope.accuKind !== "list") return fail(); // map/filter push onto the [] they start with
      const v = this.checked(this.value(node.args as Node));
      this.emit(`${scope.accu}.push(${v.code});\nconst ${t} = ${scope.accu};`);
    }
    return { code: t, kind: "dyn" };
  }

  /** toJson of a value (the conversion itself bails on what the library would reject). */
  private json(v: Val): string {
    switch (v.kind) {
      case "double":
      case "string":
      case "bool":
      case "null":
      case "scalar":
        return v.code;
      case "int": {
        // convert.ts bigintToJson: a number when safe, else the decimal string.
        const t = this.temp();
        const c = v.code;
        this.emit(
          `const ${t} = ${c} >= -9007199254740991n && ${c} <= 9007199254740991n ? Number(${c}) : String(${c});`,
        );
        return t;
      }
    }
    const t = this.temp();
    this.emit(`let ${t} = ${v.code};`);
    this.emit(
      `if (typeof ${t} !== "number" && typeof ${t} !== "string" && typeof ${t} !== "boolean") {\n${t} = J(${t});\nif (${t} === B) return B;\n}`,
    );
    return t;
  }
}

/** What a built-in handler returns: its declared type when that is a primitive (as the closures trust). */
function returnKind(d: Decl): Kind {
  const k = d.returnType ? kindOfType(d.returnType) : undefined;
  return k !== undefined && PRIMITIVES.includes(k) ? k : "dyn";
}

/** Whether a macro's result/condition function returns its argument (the library's identity). */
function isIdentity(f: (accu: unknown) => unknown): boolean {
  const probe = {};
  try {
    return f(probe) === probe;
  } catch {
    return false;
  }
}

function follow(ast: Node): Node {
  let node = ast;
  while (node.meta.alternate) node = node.meta.alternate;
  return node;
}

function typeOf(ast: Node): LibType {
  return ast.checkedType ?? fail();
}

/** The library type of a runtime kind (as debugType gives it). */
function kindType(rt: Runtime, k: Kind): LibType | undefined {
  switch (k) {
    case "string":
      return rt.kindTypes[0];
    case "double":
      return rt.kindTypes[1];
    case "int":
      return rt.kindTypes[2];
    case "bool":
      return rt.kindTypes[3];
    case "null":
      return rt.kindTypes[4];
    case "list":
      return rt.list;
    case "map":
      return rt.map;
  }
  return undefined;
}

/** The kinds a value may have at run time: its own if known, else those the caller handles. */
function candidateKinds(v: Val, all: readonly Kind[]): readonly Kind[] {
  if (v.kind === "dyn") return all;
  return v.kind === "scalar" ? all.filter((k) => SCALARS.includes(k)) : [v.kind];
}

function guards(vals: readonly Val[], kinds: readonly Kind[]): string[] {
  const out: string[] = [];
  vals.forEach((v, i) => {
    const k = kinds[i] ?? "dyn";
    if (k !== "dyn" && v.kind !== k) out.push(guardOf(k, v.code));
  });
  return out;
}

function findBinary(cands: Candidates, l: LibType, r: LibType): Decl | false {
  try {
    return cands.findBinaryOverload(l, r);
  } catch {
    return false; // overlapping overloads: the interpreter reports it
  }
}

/**
 * Generates the function of a checked AST of `env`; not ok when nothing would be inlined or the
 * closures do not translate a node.
 */
export function generate(ast: unknown, env: Environment, options: TranslateOptions = {}): GenerateResult {
  const node = ast as Node;
  if (!node.checkedType) return { ok: false, reason: "not type-checked" };
  const rt = runtimeFor(env);
  const gen = new Generator(rt, env, options);
  let result: string;
  try {
    result = gen.out(node);
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (gen.inlined === 0) return { ok: false, reason: "nothing to inline" };
  const captured = gen.captured.map((_, i) => `C${i} = C[${i}]`);
  const code = [
    '"use strict";',
    captured.length > 0 ? `const ${captured.join(", ")};` : "",
    "return function celGenerated(act) {",
    gen.prologue(),
    gen.body(),
    `return ${result};`,
    "};",
  ].join("\n");
  const J = (v: unknown): unknown => {
    try {
      return rt.supported(v) ? toJson(v) : GENERATED_BAIL;
    } catch {
      return GENERATED_BAIL;
    }
  };
  const S = (v: unknown): boolean => rt.supported(v);
  const P = (v: unknown): boolean => {
    try {
      rt.probeDeep(v);
      return true;
    } catch {
      return false;
    }
  };
  let run: (act: Activation) => unknown;
  try {
    const factory = new Function("C", "B", "OP", "gp", "hasOwn", "J", "S", "P", code);
    run = factory(
      gen.captured,
      GENERATED_BAIL,
      Object.prototype,
      Object.getPrototypeOf,
      Object.hasOwn,
      J,
      S,
      P,
    );
  } catch (e) {
    // A generator bug: the expression keeps the closures.
    return { ok: false, reason: `generated code does not compile: ${String(e)}` };
  }
  return { ok: true, program: { run, code, inlined: gen.inlined, viaClosures: gen.viaClosures } };
}
