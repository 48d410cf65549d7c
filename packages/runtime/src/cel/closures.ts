// CEL → JavaScript closures. A checked cel-js AST becomes one closure per node, so evaluation skips
// the interpreter's per-node dispatch (evaluator.run, overload lookup, context objects). No eval or
// new Function: closures stay CSP-safe and show up by name in profiles.
//
// Exactness is by construction where possible: overloads are resolved with the library's own
// Candidates (the same call, with the same static or runtime types, as operators.js makes), and
// most operations call the library's own handlers and type methods (field, fieldLazy,
// matchesValueType). What is ported (field access on dyn, equality of lists and maps, membership,
// has(), comprehensions, && || ?:) follows operators.js/overloads.js/macros.js of cel-js 8.0.0 line
// by line. Results of primitive type pairs are memoised per node (a table by runtime kind), which
// is exact because a primitive's runtime type is its kind.
//
// A closure that meets something it does not handle throws ClosureBail; any other throw means "the
// interpreter fails here too". Either way the caller re-evaluates with the interpreter, which
// produces the value or the exact error (see index.ts). A construct the translator does not know
// makes the whole expression keep the interpreter (translate() returns the reason).
//
// Activations must be plain objects (the interpreter also accepts a Map).
import { type Environment, Optional } from "@marcbachmann/cel-js";
import { Duration } from "@marcbachmann/cel-js/evaluator";
import { toJson } from "./convert.ts";
import { environmentFor } from "./environment.ts";

// --- the parts of cel-js 8.0.0 internals we use (pinned; checked by the tests) ---

/** TypeDeclaration (registry.js). */
export interface LibType {
  readonly kind: string;
  readonly name: string;
  readonly hasDynType: boolean;
  readonly hasPlaceholderType: boolean;
  readonly keyType?: LibType;
  readonly valueType?: LibType;
  readonly wrappedType: LibType;
  matchesValueType(v: unknown, ev: LibEvaluator): boolean;
  fieldLazy(obj: unknown, key: unknown, ast: Node, ev: LibEvaluator): unknown;
  field(obj: unknown, key: unknown, ast: Node, ev: LibEvaluator): unknown;
}

type Handler = (...args: unknown[]) => unknown;

/** FunctionDeclaration / OperatorDeclaration, or a placeholder match wrapping one. */
export interface Decl {
  readonly signature?: string;
  readonly handler: Handler;
  readonly async?: boolean;
  readonly macro?: unknown;
  readonly hasPlaceholderType?: boolean;
  readonly argTypes?: readonly LibType[];
  readonly receiverType?: LibType | null;
  readonly returnType?: LibType;
}

export interface Candidates {
  readonly declarations: readonly Decl[];
  readonly async: boolean;
  readonly macro: unknown;
  readonly returnType: LibType | null;
  findBinaryOverload(left: LibType, right: LibType): Decl | false;
  findUnaryOverload(type: LibType): Decl | false;
  findFunction(argTypes: LibType[], receiverType?: LibType | null): Decl | null;
}

/**
 * How operators.js resolves a call (call / rcall) over its positions' static types: `find` looks
 * an overload up for given types; `isStatic` says the static types decide it (no dyn position, a
 * receiver that is neither a placeholder nor a dyn with a declared return type).
 */
export function overloadLookup(
  method: boolean,
  types: readonly LibType[],
  cands: Candidates,
): { find: (ts: LibType[]) => Decl | null; isStatic: boolean } {
  const argTypes = types.slice(method ? 1 : 0);
  const recvType = types[0] as LibType;
  const isStatic = method
    ? !(recvType.kind === "dyn" && cands.returnType) &&
      !recvType.hasPlaceholderType &&
      !argTypes.some((t) => t.hasDynType)
    : !argTypes.some((t) => t.hasDynType);
  const find = (ts: LibType[]): Decl | null =>
    method ? cands.findFunction(ts.slice(1), ts[0]) : cands.findFunction(ts);
  return { find, isStatic };
}

interface Registry {
  readonly objectTypesByConstructor: Map<unknown, { readonly type: LibType }>;
  getType(name: string): LibType;
  getListType(valueType: LibType): LibType;
  getMapType(keyType: LibType, valueType: LibType): LibType;
  findBinaryOverload(op: string, left: LibType, right: LibType): Decl | false;
  operatorCandidates(op: string): Candidates;
  functionCandidates(receiver: boolean, name: string, argCount: number): Candidates;
  getDefinitions(): { functions: { name: string; receiverType: string | null; params: unknown[] }[] };
}

/** What the library's type methods read from the evaluator. */
interface LibEvaluator {
  readonly objectTypesByConstructor: Registry["objectTypesByConstructor"];
  debugType(v: unknown): LibType;
}

export interface ComprehensionArgs {
  readonly kind?: string;
  readonly errorsAreFatal: boolean;
  readonly iterable: Node;
  readonly iterVarName: string;
  readonly init: Node;
  readonly step: Node;
  readonly condition?: (accu: unknown) => boolean;
  readonly result: (accu: unknown) => unknown;
  readonly iterCtx?: { readonly iterType?: LibType };
}

export interface HasMacro {
  readonly evaluate: unknown;
  readonly macroHasProps?: readonly Node[];
}

/** ASTNode (parser.js) after check(). */
export interface Node {
  readonly op: string;
  readonly args: unknown;
  readonly checkedType?: LibType;
  readonly candidates?: Candidates;
  readonly meta: { readonly alternate?: Node; readonly macro?: unknown; readonly evaluate?: unknown };
}

export type Activation = Record<string, unknown>;
/** A translated node: activation and the comprehension slots of this evaluation. */
type Fn = (act: Activation, loc: unknown[]) => unknown;
type Impl = (a: unknown, b: unknown) => unknown;

/** Thrown by a closure that meets a case it does not handle: the interpreter decides. */
export class ClosureBail extends Error {
  override readonly name = "ClosureBail";
}
// One instance: bailing must not pay for a stack trace.
const BAIL = new ClosureBail("the closure does not handle this value; the interpreter decides");
function bail(): never {
  throw BAIL;
}

/** A CEL error found by a closure (the interpreter is re-run for its exact message and offset). */
class ClosureError extends Error {
  override readonly name = "ClosureError";
}

/** The expression uses something the translator does not support (at translation time). */
class Unsupported extends Error {}
function unsupported(what: string): never {
  throw new Unsupported(what);
}

const hasOwn = Object.hasOwn;
const isArray = Array.isArray;
const EMPTY = Object.create(null) as object;

// Runtime kinds of values, for per-node memo tables. 0–4 are primitives (their runtime CEL type is
// fixed); 5/6 are arrays and plain objects, used only where element types cannot matter.
const K_LIST = 5;
const K_MAP = 6;
const PRIMITIVE_KINDS = [0, 1, 2, 3, 4] as const;
const PRIMITIVE_TYPE_NAMES = ["string", "double", "int", "bool", "null"];

function kindOf(v: unknown): number {
  switch (typeof v) {
    case "string":
      return 0;
    case "number":
      return 1;
    case "bigint":
      return 2;
    case "boolean":
      return 3;
    case "object": {
      if (v === null) return 4;
      const c = (v as { constructor?: unknown }).constructor;
      return c === Array ? K_LIST : c === Object ? K_MAP : -1;
    }
    default:
      return -1;
  }
}

// Signatures whose handlers read the evaluator (isEqual): ported below instead of called.
const LIST_EQ = "list<V> == list<V>: bool";
const LIST_NE = "list<V> != list<V>: bool";
const MAP_EQ = "map<K, V> == map<K, V>: bool";
const MAP_NE = "map<K, V> != map<K, V>: bool";
const LIST_IN = "V in list<V>: bool";
const NEEDS_EVALUATOR = new Set([LIST_EQ, LIST_NE, MAP_EQ, MAP_NE, LIST_IN]);
const OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "-_", "!_"];
const BINARY = new Set(OPERATORS.slice(0, 12));

/** The library registry behind an environment (registries are private; candidates expose them). */
function registryOf(env: Environment): Registry {
  const program = env.parse("1 + 1");
  program.check();
  const registry = (program.ast as unknown as Node & { candidates: { registry: Registry } }).candidates
    .registry;
  if (!registry) throw new Error("cel-js internals changed: no registry on candidates");
  return registry;
}

/**
 * Handlers the closures may call directly: every function and operator handler of the reference
 * environment (cel-js built-ins and functions.ts, all read: synchronous, and none uses `this` or
 * the evaluator except the NEEDS_EVALUATOR operators, which are ported). Handlers registered
 * elsewhere (e.g. by the conformance test) keep their expressions on the interpreter. Candidates'
 * `async` flag is not used: cel-js marks every operator registered with registerOperator async
 * (functions.ts's bytes comparisons make all of < <= > >= "async").
 */
function collectHandlers(registry: Registry): Set<unknown> {
  const handlers = new Set<unknown>();
  for (const op of OPERATORS) {
    for (const d of registry.operatorCandidates(op).declarations) {
      if (!d.signature || !NEEDS_EVALUATOR.has(d.signature)) handlers.add(d.handler);
    }
  }
  for (const f of registry.getDefinitions().functions) {
    for (const d of registry.functionCandidates(f.receiverType !== null, f.name, f.params.length)
      .declarations) {
      if (!d.macro && !d.async) handlers.add(d.handler);
    }
  }
  return handlers;
}

// The reference environment: ours without variables (cel-js built-ins and functions.ts).
const reference = environmentFor({});
export const referenceHandlers = collectHandlers(registryOf(reference));
/** The has() macro's evaluate (one function for every environment), to recognise has() nodes. */
export const hasMacroEvaluate = (
  (reference.parse("has(x.y)").ast as unknown as Node).meta.macro as HasMacro | undefined
)?.evaluate;

/** Per-registry runtime: the library's types and ports of the evaluator's type helpers. */
export class Runtime {
  readonly ev: LibEvaluator;
  readonly dyn: LibType;
  readonly list: LibType;
  readonly map: LibType;
  readonly bool: LibType;
  /** Type of each primitive kind (0–4). */
  readonly kindTypes: LibType[];

  readonly registry: Registry;

  constructor(registry: Registry) {
    this.registry = registry;
    this.ev = {
      objectTypesByConstructor: registry.objectTypesByConstructor,
      debugType: (v) => this.debugType(v),
    };
    this.dyn = registry.getType("dyn");
    this.list = registry.getType("list");
    this.map = registry.getType("map");
    this.bool = registry.getType("bool");
    this.kindTypes = PRIMITIVE_TYPE_NAMES.map((n) => registry.getType(n));
  }

  /** Whether debugType accepts v (the dyn type's matchesValueType, which throws otherwise). */
  supported(v: unknown): boolean {
    switch (typeof v) {
      case "string":
      case "number":
      case "boolean":
      case "bigint":
        return true;
      case "object": {
        if (v === null) return true;
        const c = (v as { constructor?: unknown }).constructor;
        return (
          c === Object ||
          c === Array ||
          c === undefined ||
          c === Map ||
          c === Set ||
          this.registry.objectTypesByConstructor.has(c)
        );
      }
      default:
        return false;
    }
  }

  /** type.matchesValueType as a predicate (false where the library would throw). */
  matcher(type: LibType): (v: unknown) => boolean {
    if (type === this.dyn) return (v) => this.supported(v);
    // valueTypeMatchers.map (a map type's name is never a matcher's key).
    if (type.kind === "map") return isMapValue;
    const { ev } = this;
    return (v) => type.matchesValueType(v, ev);
  }

  /** operators.js Base#debugType; an unsupported value bails (the interpreter throws). */
  debugType(v: unknown): LibType {
    switch (typeof v) {
      case "string":
        return this.kindTypes[0] as LibType;
      case "bigint":
        return this.kindTypes[2] as LibType;
      case "number":
        return this.kindTypes[1] as LibType;
      case "boolean":
        return this.kindTypes[3] as LibType;
      case "object": {
        if (v === null) return this.kindTypes[4] as LibType;
        const c = (v as { constructor?: unknown }).constructor;
        if (c === undefined || c === Object || c === Map) return this.map;
        if (c === Array || c === Set) return this.list;
        return this.registry.objectTypesByConstructor.get(c)?.type || bail();
      }
      default:
        return bail();
    }
  }

  /** evaluator.js Evaluator#debugTypeDeep (element types from the first element). */
  debugTypeDeep(v: unknown): LibType {
    const t = this.debugType(v);
    if (t.kind === "list") {
      const first = isArray(v) ? v[0] : (v as Set<unknown>).values().next().value;
      return first === undefined ? t : this.registry.getListType(this.debugTypeDeep(first));
    }
    if (t.kind === "map") {
      const first = firstMapElement(v);
      if (!first) return t;
      const kt = t.keyType as LibType;
      const vt = t.valueType as LibType;
      return this.registry.getMapType(
        kt.hasDynType ? this.debugTypeDeep(first[0]) : kt,
        vt.hasDynType ? this.debugTypeDeep(first[1]) : vt,
      );
    }
    return t;
  }

  /** Throws where debugTypeDeep would, without building types (for the container fast paths). */
  probeDeep(v: unknown): void {
    const t = this.debugType(v);
    if (t === this.list) {
      const first = isArray(v) ? v[0] : (v as Set<unknown>).values().next().value;
      if (first !== undefined) this.probeDeep(first);
    } else if (t === this.map) {
      const first = firstMapElement(v);
      if (first) {
        this.probeDeep(first[0]);
        this.probeDeep(first[1]);
      }
    }
  }

  /** operators.js fieldAccess: `.` and `[]` on a dyn operand. */
  dynField(left: unknown, key: unknown, ast: Node): unknown {
    const ctor = (left as { constructor?: unknown } | null | undefined)?.constructor;
    if (ctor === undefined || ctor === Object) {
      const obj = (left || EMPTY) as Record<PropertyKey, unknown>;
      const v = hasOwn(obj, key as PropertyKey) ? obj[key as PropertyKey] : undefined;
      if (v !== undefined) return this.debugType(v) && v;
    } else if (ctor === Map) {
      const v = (left as Map<unknown, unknown>).get(key);
      if (v !== undefined) return this.debugType(v) && v;
    } else if (ctor === Array || ctor === Set) {
      return this.list.field(left, key, ast, this.ev);
    } else {
      const t = this.registry.objectTypesByConstructor.get(ctor);
      if (t) return t.type.field(left, key, ast, this.ev);
      if (typeof left === "object") bail();
    }
    throw new ClosureError(`No such key: ${String(key)}`);
  }

  /** overloads.js isEqual (deep equality inside lists and maps). */
  isEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    switch (typeof a) {
      case "undefined":
      case "string":
      case "boolean":
        return false;
      case "bigint":
        // biome-ignore lint/suspicious/noDoubleEquals: int == double compares values, as cel-js does
        return typeof b === "number" ? (a as unknown) == b : false;
      case "number":
        // biome-ignore lint/suspicious/noDoubleEquals: double == int compares values, as cel-js does
        return typeof b === "bigint" ? (a as unknown) == b : false;
      case "object": {
        if (typeof b !== "object") return false;
        const lt = this.debugType(a);
        const rt = this.debugType(b);
        if (lt !== rt) return false;
        const overload = this.registry.findBinaryOverload("==", lt, rt);
        if (!overload) return false;
        return (this.impl("==", overload, undefined) ?? bail)(a, b) as boolean;
      }
      default:
        return bail();
    }
  }

  /** overloads.js `list<V> == list<V>`. */
  listEq(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (isArray(a) && isArray(b)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!this.isEqual(a[i], b[i])) return false;
      return true;
    }
    if (a instanceof Set && b instanceof Set) {
      if (a.size !== b.size) return false;
      for (const value of a) if (!b.has(value)) return false;
      return true;
    }
    const arr = a instanceof Set ? b : a;
    const set = (a instanceof Set ? a : b) as Set<unknown> | undefined;
    if (!isArray(arr)) return false;
    if (arr.length !== set?.size) return false;
    for (let i = 0; i < arr.length; i++) if (!set.has(arr[i])) return false;
    return true;
  }

  /** overloads.js `map<K, V> == map<K, V>`. */
  mapEq(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a instanceof Map && b instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [key, value] of a) if (!(b.has(key) && this.isEqual(value, b.get(key)))) return false;
      return true;
    }
    if (a instanceof Map || b instanceof Map) {
      const obj = (a instanceof Map ? b : a) as Record<PropertyKey, unknown>;
      const map = (a instanceof Map ? a : b) as Map<unknown, unknown>;
      if (map.size !== Object.keys(obj).length) return false;
      for (const [key, value] of map) {
        if (!((key as PropertyKey) in obj && this.isEqual(value, obj[key as PropertyKey]))) return false;
      }
      return true;
    }
    const oa = a as Record<string, unknown>;
    const ob = b as Record<string, unknown>;
    const keysA = Object.keys(oa);
    if (keysA.length !== Object.keys(ob).length) return false;
    for (const key of keysA) if (!(key in ob && this.isEqual(oa[key], ob[key]))) return false;
    return true;
  }

  /** overloads.js listIncludes (`V in list<V>`). */
  listIncludes(value: unknown, list: unknown): boolean {
    if (list instanceof Set && list.has(value)) return true;
    for (const v of list as Iterable<unknown>) if (this.isEqual(value, v)) return true;
    return false;
  }

  /** The implementation of an operator overload, or undefined when we have none. */
  impl(op: string, decl: Decl, ast: Node | undefined): Impl | undefined {
    const sig = decl.signature;
    // The dyn equality fallback (registry.js fallbackDynEqualityMatchers) has no signature.
    if (sig === undefined) {
      if (op === "==") return (a, b) => a === b;
      if (op === "!=") return (a, b) => a !== b;
      return undefined;
    }
    switch (sig) {
      case LIST_EQ:
        return (a, b) => this.listEq(a, b);
      case LIST_NE:
        return (a, b) => !this.listEq(a, b);
      case MAP_EQ:
        return (a, b) => this.mapEq(a, b);
      case MAP_NE:
        return (a, b) => !this.mapEq(a, b);
      case LIST_IN:
        return (a, b) => this.listIncludes(a, b);
    }
    if (!referenceHandlers.has(decl.handler)) return undefined;
    const h = decl.handler;
    return (a, b) => h(a, b, ast);
  }
}

function isMapValue(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const c = (v as { constructor?: unknown }).constructor;
  return c === undefined || c === Object || c === Map;
}

function firstMapElement(coll: unknown): [unknown, unknown] | undefined {
  if (coll instanceof Map) return coll.entries().next().value;
  for (const key in coll as object) return [key, (coll as Record<string, unknown>)[key]];
  return undefined;
}

const runtimes = new WeakMap<Environment, Runtime>();
export function runtimeFor(env: Environment): Runtime {
  let rt = runtimes.get(env);
  if (!rt) {
    rt = new Runtime(registryOf(env));
    runtimes.set(env, rt);
  }
  return rt;
}

// --- translation ---

interface Scope {
  readonly rt: Runtime;
  /** Iteration variables in scope → their slot. */
  readonly vars: ReadonlyMap<string, number>;
  /** Slot of the innermost comprehension's accumulator. */
  readonly accu: number;
  readonly slots: { n: number };
  readonly undefinedAsNull: boolean;
}

function typeOf(ast: Node): LibType {
  return ast.checkedType ?? unsupported(`unchecked node ${ast.op}`);
}

function translateNode(ast: Node, sc: Scope): Fn {
  const alternate = ast.meta.alternate;
  if (alternate) return translateNode(alternate, sc);
  if (ast.meta.macro) return translateHas(ast, sc);
  switch (ast.op) {
    case "value": {
      const v = ast.args;
      return () => v;
    }
    case "id":
      return translateId(ast, sc);
    case ".":
      return translateField(ast, sc);
    case "[]":
      return translateIndex(ast, sc);
    case "list":
      return translateList(ast, sc);
    case "map":
      return translateMap(ast, sc);
    case "?:":
      return translateTernary(ast, sc);
    case "&&":
    case "||":
      return translateLogical(ast, sc);
    case "!_":
    case "-_":
      return translateUnary(ast, sc);
    case "call":
    case "rcall":
      return translateCall(ast, sc);
    case "comprehension":
      return translateComprehension(ast, sc);
    case "accuValue": {
      const s = sc.accu;
      return (_act, loc) => loc[s];
    }
    case "accuInc": {
      const s = sc.accu;
      return (_act, loc) => (loc[s] = (loc[s] as number) + 1);
    }
    case "accuPush": {
      const s = sc.accu;
      const el = translateNode(ast.args as Node, sc);
      return (act, loc) => {
        const arr = loc[s] as unknown[];
        arr.push(el(act, loc));
        return arr;
      };
    }
    default:
      if (BINARY.has(ast.op)) return translateBinary(ast, sc);
      return unsupported(`operator ${ast.op}`);
  }
}

function translateId(ast: Node, sc: Scope): Fn {
  const name = ast.args as string;
  const slot = sc.vars.get(name);
  // OverlayContext#getCheckedValue returns an iteration variable as set.
  if (slot !== undefined) return (_act, loc) => loc[slot];
  const matches = sc.rt.matcher(typeOf(ast));
  const nullForUndefined = sc.undefinedAsNull;
  // RootContext#getCheckedValue: unknown variable, then the declared type's check.
  return (act) => {
    let v = act[name];
    if (v === undefined) {
      if (!nullForUndefined) throw new ClosureError(`Unknown variable: ${name}`);
      v = null;
    }
    return matches(v) ? v : bail();
  };
}

/** The string of a literal index (`x["k"]`), else undefined. */
export function constantString(ast: Node): string | undefined {
  return ast.op === "value" && !ast.meta.alternate && typeof ast.args === "string" ? ast.args : undefined;
}

/**
 * A chain of constant-key selections on a variable (body.a.b, vars["x"], i.price) as one closure.
 * Each step is the dyn fieldAccess or the field() of a map whose values are dyn; a plain object
 * holding the key takes the fast path, everything else that step's exact code.
 */
function translatePath(ast: Node, sc: Scope): Fn | undefined {
  const { rt } = sc;
  const keys: string[] = [];
  const steps: ((o: unknown) => unknown)[] = [];
  let node = ast;
  while (node.op === "." || node.op === "[]") {
    if (node.meta.alternate || node.meta.macro) return undefined;
    const [leftAst, k] = node.args as [Node, unknown];
    const key = node.op === "." ? (k as string) : constantString(k as Node);
    if (key === undefined) return undefined;
    const lt = typeOf(leftAst);
    const at = node;
    if (lt === rt.dyn) steps.push((o) => rt.dynField(o, key, at));
    else if (lt.kind === "map" && lt.valueType === rt.dyn) steps.push((o) => lt.field(o, key, at, rt.ev));
    else return undefined;
    keys.push(key);
    node = leftAst;
  }
  if (node.op !== "id" || node.meta.alternate) return undefined;
  keys.reverse();
  steps.reverse();
  const n = keys.length;
  const k0 = keys[0] as string;
  const walk = (o: unknown, from: number): unknown => {
    for (let i = from; i < n; i++) {
      const key = keys[i] as string;
      if (typeof o === "object" && o !== null && o.constructor === Object && hasOwn(o, key)) {
        const v = (o as Record<string, unknown>)[key];
        if (v !== undefined && rt.supported(v)) {
          o = v;
          continue;
        }
      }
      o = (steps[i] as (o: unknown) => unknown)(o);
    }
    return o;
  };
  const name = node.args as string;
  const slot = sc.vars.get(name);
  const first = (o: object): unknown => {
    if (hasOwn(o, k0)) {
      const v = (o as Record<string, unknown>)[k0];
      if (v !== undefined && rt.supported(v)) return n === 1 ? v : walk(v, 1);
    }
    return walk(o, 0);
  };
  if (slot !== undefined) {
    return (_act, loc) => {
      const o = loc[slot];
      return typeof o === "object" && o !== null && o.constructor === Object ? first(o) : walk(o, 0);
    };
  }
  const rootType = typeOf(node);
  if (rootType !== rt.dyn && rootType.kind !== "map") return undefined;
  // RootContext#getCheckedValue, then the walk. A plain object passes both root types' checks.
  const matches = rt.matcher(rootType);
  const nullForUndefined = sc.undefinedAsNull;
  const checked = (v: unknown): unknown => {
    if (v === undefined) {
      if (!nullForUndefined) throw new ClosureError(`Unknown variable: ${name}`);
      v = null;
    }
    return matches(v) ? walk(v, 0) : bail();
  };
  // The runtime's activation always has these two: named loads keep their feedback monomorphic.
  if (name === "body") {
    return (act) => {
      const o = act.body;
      return typeof o === "object" && o !== null && o.constructor === Object ? first(o) : checked(o);
    };
  }
  if (name === "vars") {
    return (act) => {
      const o = act.vars;
      return typeof o === "object" && o !== null && o.constructor === Object ? first(o) : checked(o);
    };
  }
  return (act) => {
    const o = act[name];
    return typeof o === "object" && o !== null && o.constructor === Object ? first(o) : checked(o);
  };
}

function translateField(ast: Node, sc: Scope): Fn {
  const path = translatePath(ast, sc);
  if (path) return path;
  const [leftAst, key] = ast.args as [Node, string];
  const left = translateNode(leftAst, sc);
  const lt = typeOf(leftAst);
  const { rt } = sc;
  // checkAccessNode: fieldAccess for dyn, else the static type's field().
  if (lt === rt.dyn) return (act, loc) => rt.dynField(left(act, loc), key, ast);
  if (lt.kind === "optional") unsupported("field of an optional");
  const { ev } = rt;
  return (act, loc) => lt.field(left(act, loc), key, ast, ev);
}

function translateIndex(ast: Node, sc: Scope): Fn {
  const path = translatePath(ast, sc);
  if (path) return path;
  const [leftAst, indexAst] = ast.args as [Node, Node];
  const left = translateNode(leftAst, sc);
  const index = translateNode(indexAst, sc);
  const lt = typeOf(leftAst);
  const { rt } = sc;
  if (lt === rt.dyn) return (act, loc) => rt.dynField(left(act, loc), index(act, loc), ast);
  if (lt.kind === "optional") unsupported("index of an optional");
  const { ev } = rt;
  return (act, loc) => lt.field(left(act, loc), index(act, loc), ast, ev);
}

function translateList(ast: Node, sc: Scope, out = false): Fn {
  const elements = ast.args as Node[];
  const items = elements.map((a) => (out ? translateOut(a, sc) : translateNode(a, sc)));
  const n = items.length;
  if (n === 0) return () => [];
  return (act, loc) => {
    const arr = new Array(n);
    for (let i = 0; i < n; i++) arr[i] = (items[i] as Fn)(act, loc);
    return arr;
  };
}

/** operators.js safeFromEntries drops these keys; a repeated key keeps the last value. */
export const isDroppedKey = (k: unknown) => k === "__proto__" || k === "constructor" || k === "prototype";

/** A value of a map literal; in output mode converted to JSON unless it was built as JSON. */
function entry(f: Fn, toJsonValue: boolean, act: Activation, loc: unknown[]): unknown {
  const v = f(act, loc);
  return toJsonValue ? jsonValue(v) : v;
}

function translateMap(ast: Node, sc: Scope, out = false): Fn {
  const entries = ast.args as [Node, Node][];
  const n = entries.length;
  if (n === 0) return () => ({});
  // Output mode: a nested literal builds JSON itself, any other value is converted.
  const literal = (v: Node) => !(v.meta.alternate ?? v).meta.macro && isLiteral(v.meta.alternate ?? v);
  const values = entries.map(([, v]) => (out && literal(v) ? translateOut(v, sc) : translateNode(v, sc)));
  const convert = entries.map(([, v]) => out && !literal(v));
  const constKeys = entries.map(([k]) => constantString(k));
  if (constKeys.every((k) => k !== undefined && !isDroppedKey(k))) {
    return objectLiteral(constKeys as string[], values, convert);
  }
  const keys = entries.map(([k]) => translateNode(k, sc));
  return (act, loc) => {
    const obj: Record<PropertyKey, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = (keys[i] as Fn)(act, loc);
      const v = entry(values[i] as Fn, convert[i] as boolean, act, loc);
      if (!isDroppedKey(k)) obj[k as PropertyKey] = v;
    }
    return obj;
  };
}

function isLiteral(ast: Node): boolean {
  return ast.op === "map" || ast.op === "list" || ast.op === "?:";
}

/**
 * Constant keys: stores unrolled per size, so each store site sees few keys. (Object literals
 * with computed keys are faster while monomorphic but ~5x slower once several literals share the
 * code; a loop makes one store site see every key.)
 */
function objectLiteral(keys: string[], fns: Fn[], convert: boolean[]): Fn {
  const [k0, k1, k2, k3, k4, k5] = keys as [string, string, string, string, string, string];
  const [f0, f1, f2, f3, f4, f5] = fns as [Fn, Fn, Fn, Fn, Fn, Fn];
  const [c0, c1, c2, c3, c4, c5] = convert as [boolean, boolean, boolean, boolean, boolean, boolean];
  type Obj = Record<string, unknown>;
  switch (keys.length) {
    case 1:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        return o;
      };
    case 2:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        o[k1] = entry(f1, c1, a, l);
        return o;
      };
    case 3:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        o[k1] = entry(f1, c1, a, l);
        o[k2] = entry(f2, c2, a, l);
        return o;
      };
    case 4:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        o[k1] = entry(f1, c1, a, l);
        o[k2] = entry(f2, c2, a, l);
        o[k3] = entry(f3, c3, a, l);
        return o;
      };
    case 5:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        o[k1] = entry(f1, c1, a, l);
        o[k2] = entry(f2, c2, a, l);
        o[k3] = entry(f3, c3, a, l);
        o[k4] = entry(f4, c4, a, l);
        return o;
      };
    case 6:
      return (a, l) => {
        const o: Obj = {};
        o[k0] = entry(f0, c0, a, l);
        o[k1] = entry(f1, c1, a, l);
        o[k2] = entry(f2, c2, a, l);
        o[k3] = entry(f3, c3, a, l);
        o[k4] = entry(f4, c4, a, l);
        o[k5] = entry(f5, c5, a, l);
        return o;
      };
    default:
      return (a, l) => {
        const o: Obj = {};
        for (let i = 0; i < keys.length; i++)
          o[keys[i] as string] = entry(fns[i] as Fn, convert[i] as boolean, a, l);
        return o;
      };
  }
}

function translateTernary(ast: Node, sc: Scope, branchOut?: (ast: Node) => Fn): Fn {
  const [c, l, r] = ast.args as [Node, Node, Node];
  const cond = translateNode(c, sc);
  const tr = branchOut ?? ((a: Node) => translateNode(a, sc));
  const yes = tr(l);
  const no = tr(r);
  return (act, loc) => {
    const v = cond(act, loc);
    if (v === true) return yes(act, loc);
    if (v === false) return no(act, loc);
    throw new ClosureError("Ternary condition must be bool");
  };
}

/** operators.js `&&` / `||`: an error on one side is absorbed when the other side decides. */
function translateLogical(ast: Node, sc: Scope): Fn {
  const [l, r] = ast.args as [Node, Node];
  const left = translateNode(l, sc);
  const right = translateNode(r, sc);
  const decisive = ast.op === "||";
  return (act, loc) => {
    let lv: unknown;
    let leftFailed = false;
    try {
      lv = left(act, loc);
    } catch (e) {
      if (e instanceof ClosureBail) throw e;
      leftFailed = true;
    }
    if (!leftFailed && lv === decisive) return decisive;
    const rv = right(act, loc);
    if (rv === decisive) return decisive;
    if (!leftFailed && lv === !decisive && rv === !decisive) return !decisive;
    throw new ClosureError("Logical operator requires bool operands");
  };
}

function translateUnary(ast: Node, sc: Scope): Fn {
  const argAst = ast.args as Node;
  const arg = translateNode(argAst, sc);
  const cands = ast.candidates ?? unsupported("unary without candidates");
  const at = typeOf(argAst);
  const handlerOf = (d: Decl | false): Handler | undefined =>
    d && referenceHandlers.has(d.handler) ? d.handler : undefined;
  // checkUnary: static overload unless the operand's type is dyn.
  if (at.kind !== "dyn") {
    const h = handlerOf(cands.findUnaryOverload(at)) ?? unsupported(`unary ${ast.op} overload`);
    return (act, loc) => h(arg(act, loc));
  }
  const { rt } = sc;
  const table = PRIMITIVE_KINDS.map((k) => {
    const d = cands.findUnaryOverload(rt.kindTypes[k] as LibType);
    return d ? (handlerOf(d) ?? bail) : noOverload;
  });
  // handleUnary: the runtime type (debugRuntimeType) picks the overload.
  return (act, loc) => {
    const v = arg(act, loc);
    const k = kindOf(v);
    if (k >= 0 && k < K_LIST) return (table[k] as Handler)(v);
    const type = at.hasDynType === false ? at : rt.debugTypeDeep(v);
    const d = cands.findUnaryOverload(type);
    if (!d) throw new ClosureError(`no such overload: ${ast.op[0]}${type.name}`);
    return (handlerOf(d) ?? bail)(v);
  };
}

function noOverload(): never {
  throw new ClosureError("no such overload");
}

function translateBinary(ast: Node, sc: Scope): Fn {
  const [l, r] = ast.args as [Node, Node];
  const left = translateNode(l, sc);
  const right = translateNode(r, sc);
  const op = ast.op;
  const cands = ast.candidates ?? unsupported("binary without candidates");
  const lt = typeOf(l);
  const rtype = typeOf(r);
  const { rt } = sc;
  // checkBinary: with no dyn on either side the overload is fixed at check time.
  if (!lt.hasDynType && !rtype.hasDynType) {
    const d = cands.findBinaryOverload(lt, rtype) || unsupported(`no overload for ${op}`);
    const impl = rt.impl(op, d, ast) ?? unsupported(`overload ${d.signature}`);
    return specialise(d, left, right, impl);
  }
  // handleBinary: a dyn side contributes its runtime type, wrapped in dyn<>.
  const resolve = (L: LibType, R: LibType): Impl => {
    let d: Decl | false;
    try {
      d = cands.findBinaryOverload(L, R);
    } catch (e) {
      return () => {
        throw e;
      };
    }
    return d ? (rt.impl(op, d, ast) ?? bail) : noOverload;
  };
  const sideKinds = (t: LibType): readonly number[] =>
    t.hasDynType
      ? PRIMITIVE_KINDS
      : PRIMITIVE_TYPE_NAMES.includes(t.name)
        ? [PRIMITIVE_TYPE_NAMES.indexOf(t.name)]
        : [];
  const sideType = (t: LibType, k: number): LibType =>
    t.hasDynType ? (rt.kindTypes[k] as LibType).wrappedType : t;
  const table: (Impl | undefined)[] = new Array(25);
  for (const ka of sideKinds(lt)) {
    for (const kb of sideKinds(rtype)) table[ka * 5 + kb] = resolve(sideType(lt, ka), sideType(rtype, kb));
  }
  const slow = (a: unknown, b: unknown): unknown =>
    resolve(
      lt.hasDynType ? rt.debugTypeDeep(a).wrappedType : lt,
      rtype.hasDynType ? rt.debugTypeDeep(b).wrappedType : rtype,
    )(a, b);
  const generic = (a: unknown, b: unknown): unknown => {
    const ka = kindOf(a);
    const kb = kindOf(b);
    if (ka >= 0 && kb >= 0 && ka < K_LIST && kb < K_LIST) {
      const f = table[ka * 5 + kb];
      if (f) return f(a, b);
    }
    return slow(a, b);
  };
  const builtIn = (k: number, signature: string) => {
    const t = (rt.kindTypes[k] as LibType).wrappedType;
    const d = table[k * 5 + k] && cands.findBinaryOverload(t, t);
    return !!d && d.signature === signature && referenceHandlers.has(d.handler);
  };
  const fast = fastBinary(op, left, right, generic, builtIn);
  return fast ?? ((act, loc) => generic(left(act, loc), right(act, loc)));
}

/**
 * double op double (JSON numbers) and string op string inline, for operators whose overload for
 * that pair is the built-in one (`builtIn`); every other pair goes through `generic`. One closure
 * literal per operator, so each has its own type feedback.
 */
function fastBinary(
  op: string,
  left: Fn,
  right: Fn,
  generic: (a: unknown, b: unknown) => unknown,
  builtIn: (kind: number, signature: string) => boolean,
): Fn | undefined {
  const numeric = (sig: string) => builtIn(1, `double ${sig}`);
  const strings = (sig: string) => builtIn(0, `string ${sig}`);
  switch (op) {
    case "+":
      if (!numeric("+ double: double")) return undefined;
      if (strings("+ string: string")) {
        return (act, loc) => {
          const a = left(act, loc);
          const b = right(act, loc);
          if (typeof a === "number" && typeof b === "number") return a + b;
          if (typeof a === "string" && typeof b === "string") return a + b;
          return generic(a, b);
        };
      }
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a + b : generic(a, b);
      };
    case "-":
      if (!numeric("- double: double")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a - b : generic(a, b);
      };
    case "*":
      if (!numeric("* double: double")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a * b : generic(a, b);
      };
    case "/":
      if (!numeric("/ double: double")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a / b : generic(a, b);
      };
    case "<":
      if (!numeric("< double: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a < b : generic(a, b);
      };
    case "<=":
      if (!numeric("<= double: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a <= b : generic(a, b);
      };
    case ">":
      if (!numeric("> double: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a > b : generic(a, b);
      };
    case ">=":
      if (!numeric(">= double: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        return typeof a === "number" && typeof b === "number" ? a >= b : generic(a, b);
      };
    case "==":
      if (!numeric("== double: bool") || !strings("== string: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        const t = typeof a;
        return (t === "number" || t === "string") && typeof b === t ? a === b : generic(a, b);
      };
    case "!=":
      if (!numeric("!= double: bool") || !strings("!= string: bool")) return undefined;
      return (act, loc) => {
        const a = left(act, loc);
        const b = right(act, loc);
        const t = typeof a;
        return (t === "number" || t === "string") && typeof b === t ? a !== b : generic(a, b);
      };
    default:
      return undefined;
  }
}

/** Static overloads: inline the common handlers whose code is known. */
function specialise(d: Decl, left: Fn, right: Fn, impl: Impl): Fn {
  if (referenceHandlers.has(d.handler)) {
    switch (d.signature) {
      case "double + double: double":
        return (act, loc) => (left(act, loc) as number) + (right(act, loc) as number);
      case "string + string: string":
        return (act, loc) => (left(act, loc) as string) + (right(act, loc) as string);
      case "double * double: double":
        return (act, loc) => (left(act, loc) as number) * (right(act, loc) as number);
    }
  }
  return (act, loc) => impl(left(act, loc), right(act, loc));
}

/**
 * Function and method calls (operators.js call / rcall): a static overload is called directly;
 * with dyn arguments the runtime types pick it (callFn / callRecFn), memoised by kind when only
 * one position is dyn.
 */
function translateCall(ast: Node, sc: Scope): Fn {
  const method = ast.op === "rcall";
  const parts = ast.args as [string, Node, Node[]] | [string, Node[]];
  const receiverAst = method ? (parts[1] as Node) : undefined;
  const argAsts = (method ? parts[2] : parts[1]) as Node[];
  const cands = ast.candidates ?? unsupported("call without candidates");
  if (cands.macro) unsupported(`macro ${parts[0]}`);
  const { rt } = sc;
  const positions = receiverAst ? [receiverAst, ...argAsts] : argAsts;
  const fns = positions.map((a) => translateNode(a, sc));
  const types = positions.map(typeOf);
  const { find, isStatic } = overloadLookup(method, types, cands);
  const allowed = (d: Decl | null): Handler | undefined =>
    d && referenceHandlers.has(d.handler) ? d.handler : undefined;

  if (isStatic) {
    const h = allowed(find(types)) ?? unsupported(`function ${parts[0]}`);
    return callWith(h, fns);
  }

  // debugRuntimeType: a position's static type unless it has dyn in it.
  const dynamic = types.map((t) => t.hasDynType !== false);
  const runtimeTypes = (vals: unknown[]): LibType[] =>
    vals.map((v, i) => (dynamic[i] ? rt.debugTypeDeep(v) : (types[i] as LibType)));
  const slow = (vals: unknown[]): unknown => {
    const d = find(runtimeTypes(vals));
    if (!d) throw new ClosureError(`found no matching overload for '${parts[0]}'`);
    return (allowed(d) ?? bail)(...vals);
  };
  const dynPositions = dynamic.flatMap((d, i) => (d ? [i] : []));
  if (dynPositions.length !== 1) {
    return (act, loc) => slow(fns.map((f) => f(act, loc)));
  }
  // One dyn position: memoise the overload per kind of its value.
  const p = dynPositions[0] as number;
  const containers = containerSafe(cands, rt);
  const table: (Handler | undefined)[] = [];
  for (let k = 0; k <= K_MAP; k++) {
    if (k >= K_LIST && !containers) continue;
    const ts = types.slice();
    ts[p] = k === K_LIST ? rt.list : k === K_MAP ? rt.map : (rt.kindTypes[k] as LibType);
    const d = find(ts);
    table[k] = d ? (allowed(d) ?? bail) : noOverload;
  }
  const n = fns.length;
  if (n === 1) {
    const f0 = fns[0] as Fn;
    return (act, loc) => {
      const v = f0(act, loc);
      const k = kindOf(v);
      const h = k >= 0 ? table[k] : undefined;
      if (h) {
        if (k >= K_LIST) rt.probeDeep(v);
        return h(v);
      }
      return slow([v]);
    };
  }
  return (act, loc) => {
    const vals = fns.map((f) => f(act, loc));
    const v = vals[p];
    const k = kindOf(v);
    const h = k >= 0 ? table[k] : undefined;
    if (h) {
      if (k >= K_LIST) rt.probeDeep(v);
      return h(...vals);
    }
    return slow(vals);
  };
}

function callWith(h: Handler, fns: Fn[]): Fn {
  const [f0, f1, f2] = fns;
  switch (fns.length) {
    case 0:
      return () => h();
    case 1:
      return (act, loc) => h((f0 as Fn)(act, loc));
    case 2:
      return (act, loc) => h((f0 as Fn)(act, loc), (f1 as Fn)(act, loc));
    case 3:
      return (act, loc) => h((f0 as Fn)(act, loc), (f1 as Fn)(act, loc), (f2 as Fn)(act, loc));
    default:
      return (act, loc) => h(...fns.map((f) => f(act, loc)));
  }
}

/**
 * True when no overload of these candidates depends on the element types of a list or map
 * argument (no placeholders; list and map parameters are list<dyn> / map<dyn, dyn>): then an
 * array or plain object resolves like `list` / `map`, whatever debugTypeDeep would say.
 */
export function containerSafe(cands: Candidates, rt: Runtime): boolean {
  const ok = (t: LibType | null | undefined) =>
    !t || (t.kind !== "list" && t.kind !== "map") || t === rt.list || t === rt.map;
  return cands.declarations.every(
    (d) => !d.hasPlaceholderType && ok(d.receiverType) && (d.argTypes ?? []).every(ok),
  );
}

/** has(a.b.c) (macros.js createHasExpander evaluate). */
function translateHas(ast: Node, sc: Scope): Fn {
  const macro = ast.meta.macro as HasMacro;
  if (macro.evaluate !== hasMacroEvaluate || !macro.macroHasProps) unsupported("macro");
  const nodes = macro.macroHasProps;
  if (nodes.slice(0, -1).some((n) => n.op !== ".")) unsupported("has() with optional selection");
  const root = translateNode(nodes[nodes.length - 1] as Node, sc);
  const { rt } = sc;
  return (act, loc) => {
    let obj = root(act, loc);
    for (let i = nodes.length - 2; i >= 0; i--) {
      const node = nodes[i] as Node;
      const key = (node.args as [Node, string])[1];
      obj = rt.debugType(obj).fieldLazy(obj, key, node, rt.ev);
      if (obj !== undefined) continue;
      if (i) throw new ClosureError(`No such key: ${key}`);
      break;
    }
    return obj !== undefined;
  };
}

/** Macros map/filter/all/exists/exists_one (operators.js runComprehension / runQualifier). */
function translateComprehension(ast: Node, sc: Scope): Fn {
  const a = ast.args as ComprehensionArgs;
  const iterType = a.iterCtx?.iterType ?? unsupported("comprehension without iteration type");
  const iterable = translateNode(a.iterable, sc);
  const iterSlot = sc.slots.n++;
  const accuSlot = sc.slots.n++;
  const inner: Scope = { ...sc, vars: new Map(sc.vars).set(a.iterVarName, iterSlot), accu: accuSlot };
  const init = translateNode(a.init, inner);
  const step = translateNode(a.step, inner);
  const { condition, result } = a;
  // OverlayContext#setIterValue checks each element against the iteration type.
  const matches = sc.rt.matcher(iterType);

  const itemsOf = (coll: unknown): unknown[] => {
    if (isArray(coll)) return coll;
    if (coll instanceof Set) return [...coll];
    if (coll instanceof Map) return [...coll.keys()];
    if (coll && typeof coll === "object") return Object.keys(coll);
    throw new ClosureError("Expression cannot be range of a comprehension");
  };

  if (a.errorsAreFatal) {
    return (act, loc) => {
      const items = itemsOf(iterable(act, loc));
      let accu = init(act, loc);
      loc[accuSlot] = accu;
      const len = items.length;
      for (let i = 0; i < len; i++) {
        if (condition && !condition(accu)) break;
        const item = items[i];
        if (!matches(item)) bail();
        loc[iterSlot] = item;
        accu = step(act, loc);
      }
      return result(accu);
    };
  }
  if (!condition) unsupported("quantifier without condition");
  // Quantifiers: an error in one step is kept and thrown only if no later step decides.
  return (act, loc) => {
    const items = itemsOf(iterable(act, loc));
    let accu = init(act, loc);
    loc[accuSlot] = accu;
    let error: unknown;
    const len = items.length;
    for (let i = 0; i < len; i++) {
      if (!condition(accu)) return result(accu);
      const item = items[i];
      if (!matches(item)) bail();
      loc[iterSlot] = item;
      try {
        accu = step(act, loc);
      } catch (e) {
        if (e instanceof ClosureBail) throw e;
        error ??= e;
      }
    }
    if (error !== undefined && condition(accu)) throw error;
    return result(accu);
  };
}

// --- output: results as JSON, converted while they are built ---

function jsonValue(v: unknown): unknown {
  return typeof v === "number" || typeof v === "string" || typeof v === "boolean" || v === null
    ? v
    : toJson(v);
}

/**
 * The root in output mode: map and list literals (and ternary branches) build JSON directly, so
 * toJson never walks what the expression just built. Equal to toJson(result), since toJson
 * converts a plain object's values and an array's elements one by one.
 */
function translateOut(ast: Node, sc: Scope): Fn {
  const node = ast.meta.alternate ?? ast;
  if (!node.meta.macro) {
    if (node.op === "map") return translateMap(node, sc, true);
    if (node.op === "list") return translateList(node, sc, true);
    if (node.op === "?:") return translateTernary(node, sc, (a) => translateOut(a, sc));
  }
  const f = translateNode(node, sc);
  return (act, loc) => jsonValue(f(act, loc));
}

// --- API ---

export interface ClosureProgram {
  /** The raw CEL value (library representation). Throws when the interpreter should decide. */
  run(activation: Activation): unknown;
  /** The value as JSON, as toJson(run(activation)). */
  runJson(activation: Activation): unknown;
}

export type TranslateResult = { ok: true; program: ClosureProgram } | { ok: false; reason: string };

export interface TranslateOptions {
  /** A variable whose value is undefined reads as null (compile()'s rule), instead of failing. */
  undefinedAsNull?: boolean;
}

const NO_SLOTS: unknown[] = [];

/** Translates a checked AST of `env` into closures, or says why it keeps the interpreter. */
export function translate(ast: unknown, env: Environment, options: TranslateOptions = {}): TranslateResult {
  const node = ast as Node;
  if (!node.checkedType) return { ok: false, reason: "not type-checked" };
  const scope = (): Scope => ({
    rt: runtimeFor(env),
    vars: new Map(),
    accu: -1,
    slots: { n: 0 },
    undefinedAsNull: options.undefinedAsNull ?? false,
  });
  const rawScope = scope();
  const jsonScope = scope();
  let raw: Fn;
  let json: Fn;
  try {
    raw = translateNode(node, rawScope);
    json = translateOut(node, jsonScope);
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
  const n = Math.max(rawScope.slots.n, jsonScope.slots.n);
  // Comprehensions keep their variables in per-evaluation slots; most expressions have none.
  const program: ClosureProgram =
    n === 0
      ? { run: (act) => raw(act, NO_SLOTS), runJson: (act) => json(act, NO_SLOTS) }
      : { run: (act) => raw(act, new Array(n)), runJson: (act) => json(act, new Array(n)) };
  return { ok: true, program };
}

/**
 * One node's closure with its own comprehension slots, for codegen.ts (which calls it for the
 * nodes it does not inline). Undefined when the node is not translatable.
 */
export function translateSubtree(
  ast: unknown,
  env: Environment,
  options: TranslateOptions = {},
): ((act: Activation) => unknown) | undefined {
  const sc: Scope = {
    rt: runtimeFor(env),
    vars: new Map(),
    accu: -1,
    slots: { n: 0 },
    undefinedAsNull: options.undefinedAsNull ?? false,
  };
  let fn: Fn;
  try {
    fn = translateNode(ast as Node, sc);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const n = sc.slots.n;
  return n === 0 ? (act) => fn(act, NO_SLOTS) : (act) => fn(act, new Array(n));
}

/** Variables an expression reads, and those it uses as a whole value (not only `x.f`, `x[k]`, `has(x.f)`). */
export interface VariableUse {
  readonly read: ReadonlySet<string>;
  readonly whole: ReadonlySet<string>;
}

/** From the checked AST; undefined when the AST holds something this walk does not know. */
export function variableUse(ast: unknown): VariableUse | undefined {
  const read = new Set<string>();
  const whole = new Set<string>();
  const walk = (node: Node, accessed: boolean): boolean => {
    const alternate = node.meta.alternate;
    if (alternate) return walk(alternate, accessed);
    const macro = node.meta.macro as HasMacro | undefined;
    if (macro) {
      const props = macro.evaluate === hasMacroEvaluate ? macro.macroHasProps : undefined;
      const root = props?.[props.length - 1];
      return root !== undefined && walk(root, true);
    }
    const args = node.args;
    switch (node.op) {
      case "value":
      case "accuValue":
      case "accuInc":
        return true;
      case "id":
        read.add(args as string);
        if (!accessed) whole.add(args as string);
        return true;
      case ".":
      case ".?":
        return walk((args as [Node])[0], true);
      case "[]":
      case "[?]":
        return walk((args as [Node, Node])[0], true) && walk((args as [Node, Node])[1], false);
      case "call":
        return (args as [string, Node[]])[1].every((a) => walk(a, false));
      case "rcall": {
        const [, receiver, list] = args as [string, Node, Node[]];
        return walk(receiver, false) && list.every((a) => walk(a, false));
      }
      case "map":
        return (args as [Node, Node][]).every(([k, v]) => walk(k, false) && walk(v, false));
      case "comprehension": {
        const c = args as ComprehensionArgs;
        return walk(c.iterable, false) && walk(c.init, false) && walk(c.step, false);
      }
      case "accuPush":
      case "!_":
      case "-_":
        return walk(args as Node, false);
      default:
        return (
          Array.isArray(args) && args.every((a) => typeof a === "object" && a !== null && walk(a, false))
        );
    }
  };
  return walk(ast as Node, false) ? { read, whole } : undefined;
}

// --- test support ---

/** Typed deep equality of two library values (an int is not a double, a uint not an int). */
export function sameCelValue(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === "number") return Object.is(a, b);
  if (typeof a !== "object" || a === null || b === null) return a === b;
  const o = b as object;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(o)) return false;
  if (isArray(a)) {
    const l = o as unknown[];
    return a.length === l.length && a.every((v, i) => sameCelValue(v, l[i]));
  }
  if (a instanceof Map) {
    const m = o as Map<unknown, unknown>;
    return a.size === m.size && [...a].every(([k, v]) => m.has(k) && sameCelValue(v, m.get(k)));
  }
  if (a instanceof Set) return sameCelValue([...a], [...(o as Set<unknown>)]);
  if (a instanceof Date) return a.getTime() === (o as Date).getTime();
  if (a instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(o as Uint8Array));
  if (a instanceof Duration)
    return a.seconds === (o as Duration).seconds && a.nanos === (o as Duration).nanos;
  if (a instanceof Optional) {
    const p = o as Optional;
    return a.hasValue() === p.hasValue() && (!a.hasValue() || sameCelValue(a.value(), p.value()));
  }
  const proto = Object.getPrototypeOf(a);
  if (proto === Object.prototype || proto === null) {
    const ka = Object.keys(a);
    const kb = Object.keys(o);
    const ob = o as Record<string, unknown>;
    return (
      ka.length === kb.length &&
      ka.every((k) => hasOwn(ob, k) && sameCelValue((a as Record<string, unknown>)[k], ob[k]))
    );
  }
  // UnsignedInt and Type print their value.
  return String(a) === String(o);
}
