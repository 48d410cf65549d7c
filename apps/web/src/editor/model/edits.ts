/**
 * Edits by path. Each function returns a new EditorDocument built from a clone of the input's
 * Document (see editDocument); the input is never changed, and everything an edit does not touch
 * keeps its comments and formatting. Invalid edits (a path that is not a list, a duplicate name,
 * a move into the moved step itself) throw EditError.
 */
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Pair,
  visit,
  type YAMLMap,
  type YAMLSeq,
  type Node as YamlNode,
} from "yaml";
import {
  EditError,
  type EditorDocument,
  editDocument,
  hasAlias,
  keyOf,
  locate,
  type Path,
  type PathSegment,
} from "./document.ts";
import { type JsonSchema, propertiesOf, type SchemaInfo, type ScopeField } from "./schema-info.ts";

// ---------------------------------------------------------------------------------------------
// Helpers on the working clone

type ScalarValue = string | number | boolean | null;

function isScalarValue(value: unknown): value is ScalarValue {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function describe(path: Path): string {
  return path.length === 0 ? "the document root" : path.join(".");
}

/** A node for `value`: yaml nodes are cloned (comments included), anything else is converted. */
function nodeFor(yaml: Document, value: unknown): YamlNode {
  return isNode(value) ? (value.clone() as YamlNode) : yaml.createNode(value);
}

/** Nothing there: no node, or `key:` without a value. */
function isVacant(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

/**
 * Puts `value` at `path`, creating what is missing on the way (a map, or a list before an index);
 * an empty `{}` on the way becomes a block map. Only vacant places are filled: a scalar in the
 * way is an error.
 */
function createAt(yaml: Document, path: Path, value: YamlNode): void {
  const fail = () => new EditError(`cannot create ${describe(path)}`);
  const fresh = (next: PathSegment | undefined): YamlNode =>
    next === undefined ? value : (yaml.createNode(typeof next === "number" ? [] : {}) as YamlNode);
  if (isVacant(yaml.contents)) yaml.contents = fresh(path[0]) as typeof yaml.contents;
  let node: unknown = yaml.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const next = path[i + 1];
    if (isMap(node) && typeof seg === "string") {
      if (node.flow && node.items.length === 0) node.flow = false;
      const pair = mapEntry(node, seg);
      if (pair && next !== undefined && (isMap(pair.value) || isSeq(pair.value))) {
        node = pair.value;
        continue;
      }
      if (pair && !isVacant(pair.value) && next !== undefined) throw fail();
      const child = fresh(next);
      if (pair) pair.value = carryComments(pair.value, child);
      else node.set(yaml.createNode(seg), child);
      node = child;
    } else if (isSeq(node) && typeof seg === "number" && seg >= 0 && seg <= node.items.length) {
      const item = node.items[seg];
      if (next !== undefined && (isMap(item) || isSeq(item))) {
        node = item;
        continue;
      }
      if (!isVacant(item) && next !== undefined) throw fail();
      const child = fresh(next);
      if (seg === node.items.length) insertInto(node, seg, child);
      else node.items[seg] = child;
      node = child;
    } else throw fail();
  }
}

/** The list at `path`; with `create`, a missing or empty (`key:`) one is created. */
function listAt(yaml: Document, path: Path, create: boolean): YAMLSeq {
  const found = locate(yaml.contents, path);
  if (found && isSeq(found.node)) return found.node;
  if (create && (found === undefined || isVacant(found.node))) {
    const seq = yaml.createNode([]) as YAMLSeq;
    createAt(yaml, path, seq);
    return seq;
  }
  throw new EditError(`${describe(path)} is not a list`);
}

function checkIndex(index: number, max: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index > max) {
    throw new EditError(`index ${index} is outside ${what} (0…${max})`);
  }
}

/**
 * A comment written directly above the first item of a block list is held by the list; hand it to
 * the item so that it moves, copies and disappears with the step it describes. A comment followed
 * by a blank line describes the list and stays.
 */
function adoptListComment(seq: YAMLSeq): void {
  const first = seq.items[0];
  if (!isNode(first) || !holdsFirstItemComment(seq)) return;
  first.commentBefore = firstItemComment(seq) ?? null;
  seq.commentBefore = null;
}

function holdsFirstItemComment(seq: YAMLSeq): boolean {
  const first = seq.items[0];
  const comment = seq.commentBefore;
  return !seq.flow && !!comment && !comment.endsWith("\n") && isNode(first) && !first.spaceBefore;
}

/** The comment above a list's first item, counting the one the list holds for it (see above). */
function firstItemComment(seq: YAMLSeq): string | undefined {
  const first = seq.items[0];
  if (!isNode(first)) return undefined;
  const own = first.commentBefore ?? undefined;
  if (!holdsFirstItemComment(seq)) return own;
  return own ? `${seq.commentBefore}\n${own}` : (seq.commentBefore ?? undefined);
}

function insertInto(seq: YAMLSeq, index: number, node: unknown, wasEmpty = seq.items.length === 0): void {
  checkIndex(index, seq.items.length, "the list");
  adoptListComment(seq);
  // An empty `[]` becomes a block list; a non-empty flow list stays flow (and so does what joins it).
  if (seq.flow && wasEmpty) seq.flow = false;
  seq.items.splice(index, 0, node);
}

function takeFrom(seq: YAMLSeq, index: number): unknown {
  checkIndex(index, seq.items.length - 1, "the list");
  adoptListComment(seq);
  return seq.items.splice(index, 1)[0];
}

function splitStepPath(stepPath: Path): { listPath: Path; index: number } {
  const index = stepPath.at(-1);
  if (typeof index !== "number") throw new EditError(`${describe(stepPath)} is not a list entry`);
  return { listPath: stepPath.slice(0, -1), index };
}

/** A new value for an existing node: a scalar keeps its node (quoting style, comments). */
function replaceValue(yaml: Document, old: unknown, value: unknown): unknown {
  if (isScalar(old) && isScalarValue(value) && (old.value === null || typeof old.value === typeof value)) {
    old.value = value;
    return old;
  }
  return carryComments(old, nodeFor(yaml, value));
}

/** `node` with the comments (and blank line) of the node it replaces. */
function carryComments(old: unknown, node: YamlNode): YamlNode {
  if (isNode(old)) {
    if (old.commentBefore) node.commentBefore = old.commentBefore;
    if (old.comment) node.comment = old.comment;
    if (old.spaceBefore) node.spaceBefore = true;
  }
  return node;
}

function mapEntry(map: YAMLMap, key: PathSegment): Pair | undefined {
  return map.items.find((p) => keyOf(p.key) === key);
}

function stringAt(map: unknown, key: string): string | undefined {
  if (!isMap(map)) return undefined;
  const v = mapEntry(map, key)?.value;
  return isScalar(v) && typeof v.value === "string" ? v.value : undefined;
}

function setScalar(yaml: Document, map: YAMLMap, key: string, value: unknown): void {
  const pair = mapEntry(map, key);
  if (pair) pair.value = replaceValue(yaml, pair.value, value);
  else map.set(yaml.createNode(key), nodeFor(yaml, value));
}

/** Top-level sections in the order the runtime documents them; new ones go in that order. */
const TOP_LEVEL_ORDER = ["service", "env", "connectors", "processors", "flows"];

/** The top-level list `key`, created in its usual place (and spaced like its neighbours) when missing. */
function topLevelList(yaml: Document, key: string): YAMLSeq {
  if (yaml.contents === null) yaml.contents = yaml.createNode({}) as YAMLMap;
  const root = yaml.contents;
  if (!isMap(root)) throw new EditError("the document is not a map of sections");
  const existing = mapEntry(root, key);
  if (existing && isSeq(existing.value)) return existing.value;
  if (existing && existing.value !== null) throw new EditError(`${key} is not a list`);
  const seq = yaml.createNode([]) as YAMLSeq;
  if (existing) {
    existing.value = seq;
    return seq;
  }
  const rank = (k: unknown) => {
    const i = TOP_LEVEL_ORDER.indexOf(String(keyOf(k)));
    return i === -1 ? TOP_LEVEL_ORDER.length : i;
  };
  const mine = rank(key);
  let at = root.items.findIndex((p) => rank(p.key) > mine);
  if (at === -1) at = root.items.length;
  const pair = yaml.createPair(key, seq);
  const spaced = root.items.some((p, i) => i > 0 && isNode(p.key) && p.key.spaceBefore);
  if (spaced && root.items.length > 0 && isNode(pair.key)) {
    if (at === 0) {
      const next = root.items[0]?.key;
      if (isNode(next)) next.spaceBefore = true;
    } else pair.key.spaceBefore = true;
  }
  root.items.splice(at, 0, pair);
  return seq;
}

function indexByName(seq: YAMLSeq, name: string): number {
  return seq.items.findIndex((item) => stringAt(item, "name") === name);
}

/** New entries of a list written in flow style (`- { name: A, default: "1" }`) follow suit. */
function likeSiblings(seq: YAMLSeq, node: YamlNode): YamlNode {
  const maps = seq.items.filter(isMap);
  if (isMap(node) && maps.length > 0 && maps.every((m) => m.flow)) node.flow = true;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Paths across edits

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/** Where `path` points after the list entry at `removed` is taken out; undefined when inside it. */
export function pathAfterRemove(path: Path, removed: Path): Path | undefined {
  const { listPath, index } = splitStepPath(removed);
  if (!startsWith(path, listPath) || path.length === listPath.length) return path;
  const at = path[listPath.length];
  if (typeof at !== "number") return path;
  if (at === index) return undefined;
  if (at < index) return path;
  return [...listPath, at - 1, ...path.slice(listPath.length + 1)];
}

/** Where `path` points after an entry is inserted at `inserted` (a list path plus the new index). */
export function pathAfterInsert(path: Path, inserted: Path): Path {
  const { listPath, index } = splitStepPath(inserted);
  if (!startsWith(path, listPath) || path.length === listPath.length) return path;
  const at = path[listPath.length];
  if (typeof at !== "number" || at < index) return path;
  return [...listPath, at + 1, ...path.slice(listPath.length + 1)];
}

/**
 * The moved step's path after `moveStep(doc, fromPath, toListPath, toIndex)`. `toIndex` is a slot
 * in the target list as it is before the move (what a drop indicator shows).
 */
export function movedStepPath(fromPath: Path, toListPath: Path, toIndex: number): Path {
  const { listPath, index } = splitStepPath(fromPath);
  const target = pathAfterRemove(toListPath, fromPath);
  if (!target) throw new EditError("a step cannot move into itself");
  const sameList = target.length === listPath.length && startsWith(target, listPath);
  return [...target, sameList && index < toIndex ? toIndex - 1 : toIndex];
}

// ---------------------------------------------------------------------------------------------
// Steps

/** Inserts `step` (plain data, or a yaml node which is cloned) at `index` of the list at `listPath`. */
export function insertStep(
  doc: EditorDocument,
  listPath: Path,
  index: number,
  step: unknown,
): EditorDocument {
  return editDocument(doc, (yaml) => insertInto(listAt(yaml, listPath, true), index, nodeFor(yaml, step)));
}

export function removeStep(doc: EditorDocument, stepPath: Path): EditorDocument {
  const { listPath, index } = splitStepPath(stepPath);
  return editDocument(doc, (yaml) => {
    takeFrom(listAt(yaml, listPath, false), index);
  });
}

/**
 * Moves the step at `fromPath` to slot `toIndex` of the list at `toListPath` (both as they are
 * before the move; indices that the removal shifts are accounted for). The step keeps its comments.
 */
export function moveStep(
  doc: EditorDocument,
  fromPath: Path,
  toListPath: Path,
  toIndex: number,
): EditorDocument {
  const { listPath, index } = splitStepPath(fromPath);
  if (startsWith(toListPath, fromPath)) throw new EditError("a step cannot move into itself");
  return editDocument(doc, (yaml) => {
    // Lists are found before anything moves: node identity survives the index shift.
    const target = listAt(yaml, toListPath, true);
    const source = listAt(yaml, listPath, false);
    checkIndex(toIndex, target.items.length, "the target list");
    const targetWasEmpty = target.items.length === 0;
    const node = takeFrom(source, index);
    insertInto(target, target === source && index < toIndex ? toIndex - 1 : toIndex, node, targetWasEmpty);
  });
}

/** What copyStep puts on the clipboard: the step's node, comments included. */
export interface StepClipboard {
  readonly node: YamlNode;
}

export function copyStep(doc: EditorDocument, stepPath: Path): StepClipboard {
  const { listPath, index } = splitStepPath(stepPath);
  const list = locate(doc.yaml.contents, listPath)?.node;
  const found = isSeq(list) ? list.items[index] : undefined;
  if (!isNode(found)) throw new EditError(`no step at ${describe(stepPath)}`);
  // An alias points at an anchor elsewhere in this document; the copy holds the value instead.
  if (hasAlias(found)) return { node: doc.yaml.createNode(found.toJS(doc.yaml)) };
  const node = found.clone() as YamlNode;
  const comment = index === 0 && isSeq(list) ? firstItemComment(list) : undefined;
  if (comment) node.commentBefore = comment;
  return { node };
}

export function pasteStep(
  doc: EditorDocument,
  listPath: Path,
  index: number,
  clipboard: StepClipboard,
): EditorDocument {
  return insertStep(doc, listPath, index, clipboard.node);
}

// ---------------------------------------------------------------------------------------------
// Values

/**
 * Sets the value at `path`, creating missing maps on the way. A scalar replaced by a scalar of the
 * same kind keeps its quoting style and comments; `path` may end one past a list's last index.
 */
export function setAt(doc: EditorDocument, path: Path, value: unknown): EditorDocument {
  const last = path.at(-1);
  if (last === undefined) throw new EditError("setAt needs a path");
  return editDocument(doc, (yaml) => {
    const parent = locate(yaml.contents, path.slice(0, -1))?.node;
    if (isMap(parent) && typeof last === "string") {
      const pair = mapEntry(parent, last);
      if (parent.flow && parent.items.length === 0) parent.flow = false;
      if (pair) pair.value = replaceValue(yaml, pair.value, value);
      else parent.set(yaml.createNode(last), nodeFor(yaml, value));
    } else if (isSeq(parent) && typeof last === "number") {
      checkIndex(last, parent.items.length, "the list");
      if (last === parent.items.length) insertInto(parent, last, nodeFor(yaml, value));
      else parent.items[last] = replaceValue(yaml, parent.items[last], value);
    } else createAt(yaml, path, nodeFor(yaml, value));
  });
}

/** Removes the map entry or list item at `path`; a path that does not exist changes nothing. */
export function deleteAt(doc: EditorDocument, path: Path): EditorDocument {
  const last = path.at(-1);
  if (last === undefined) throw new EditError("deleteAt needs a path");
  if (!locate(doc.yaml.contents, path)) return doc;
  return editDocument(doc, (yaml) => {
    const parent = locate(yaml.contents, path.slice(0, -1))?.node;
    if (isMap(parent)) parent.delete(mapEntry(parent, last)?.key);
    else if (isSeq(parent) && typeof last === "number") takeFrom(parent, last);
  });
}

// ---------------------------------------------------------------------------------------------
// Flows, connectors, env

function names(doc: EditorDocument, section: string): string[] {
  const list = locate(doc.yaml.contents, [section])?.node;
  if (!isSeq(list)) return [];
  return list.items.map((item) => stringAt(item, "name")).filter((n): n is string => n !== undefined);
}

export function flowNames(doc: EditorDocument): string[] {
  return names(doc, "flows");
}

export function connectorNames(doc: EditorDocument): string[] {
  return names(doc, "connectors");
}

/** Appends `{name, process: []}` to `flows:` (created when missing). Pick the name with uniqueName. */
export function addFlow(doc: EditorDocument, name: string): EditorDocument {
  if (flowNames(doc).includes(name)) throw new EditError(`a flow named ${name} exists`);
  return editDocument(doc, (yaml) => {
    const flows = topLevelList(yaml, "flows");
    insertInto(flows, flows.items.length, yaml.createNode({ name, process: [] }));
  });
}

export function removeFlow(doc: EditorDocument, name: string): EditorDocument {
  return removeNamed(doc, "flows", name, "flow");
}

/** Renames a flow and every `flow-ref` that calls it by that name. */
export function renameFlow(doc: EditorDocument, from: string, to: string): EditorDocument {
  if (from === to) return doc;
  if (flowNames(doc).includes(to)) throw new EditError(`a flow named ${to} exists`);
  return editDocument(doc, (yaml) => {
    const flows = listAt(yaml, ["flows"], false);
    const flow = flows.items[indexByName(flows, from)];
    if (!isMap(flow)) throw new EditError(`no flow named ${from}`);
    setScalar(yaml, flow, "name", to);
    visit(yaml, {
      Map(_, map) {
        if (stringAt(map, "type") !== "flow-ref") return;
        const settings = mapEntry(map, "settings")?.value;
        if (isMap(settings) && stringAt(settings, "flow") === from) setScalar(yaml, settings, "flow", to);
      },
    });
  });
}

export interface ConnectorInput {
  readonly name: string;
  readonly type: string;
  readonly settings?: Readonly<Record<string, unknown>>;
}

export function addConnector(doc: EditorDocument, connector: ConnectorInput): EditorDocument {
  if (connectorNames(doc).includes(connector.name)) {
    throw new EditError(`a connector named ${connector.name} exists`);
  }
  return editDocument(doc, (yaml) => {
    const list = topLevelList(yaml, "connectors");
    const value = {
      name: connector.name,
      type: connector.type,
      ...(connector.settings ? { settings: connector.settings } : {}),
    };
    insertInto(list, list.items.length, likeSiblings(list, yaml.createNode(value)));
  });
}

/** Removes the connector; blocks and sources that name it are left for validation to report. */
export function removeConnector(doc: EditorDocument, name: string): EditorDocument {
  return removeNamed(doc, "connectors", name, "connector");
}

function removeNamed(doc: EditorDocument, section: string, name: string, what: string): EditorDocument {
  return editDocument(doc, (yaml) => {
    const list = listAt(yaml, [section], false);
    const index = indexByName(list, name);
    if (index === -1) throw new EditError(`no ${what} named ${name}`);
    takeFrom(list, index);
  });
}

export interface EnvVarInput {
  readonly name: string;
  readonly required?: boolean;
  readonly default?: string | number | boolean;
  readonly secret?: boolean;
  readonly description?: string;
}

const ENV_FIELDS = ["required", "default", "secret", "description"] as const;

/**
 * Makes `env:` exactly `vars`, in that order. A declaration that stays keeps its node: its
 * comments, formatting and keys this form does not know survive. An empty list removes `env:`.
 */
export function setEnvVars(doc: EditorDocument, vars: readonly EnvVarInput[]): EditorDocument {
  return editDocument(doc, (yaml) => {
    if (vars.length === 0) {
      if (isMap(yaml.contents)) yaml.contents.delete("env");
      return;
    }
    const list = topLevelList(yaml, "env");
    adoptListComment(list);
    const old = new Map<string, YAMLMap>();
    for (const item of list.items) {
      const name = stringAt(item, "name");
      if (isMap(item) && name !== undefined && !old.has(name)) old.set(name, item);
    }
    const items: unknown[] = [];
    for (const v of vars) {
      const existing = old.get(v.name);
      old.delete(v.name);
      if (!existing) {
        const fresh: Record<string, unknown> = { name: v.name };
        for (const k of ENV_FIELDS) if (v[k] !== undefined) fresh[k] = v[k];
        items.push(likeSiblings(list, yaml.createNode(fresh)));
        continue;
      }
      for (const k of ENV_FIELDS) {
        if (v[k] === undefined) existing.delete(k);
        else setScalar(yaml, existing, k, v[k]);
      }
      items.push(existing);
    }
    list.items = items;
  });
}

// ---------------------------------------------------------------------------------------------
// New steps and names

export interface NewStepOptions {
  /** Also write optional fields that have a schema default (`level: info`); default true. */
  readonly includeDefaults?: boolean;
}

/**
 * A new step of `type` as plain data: required fields get their default or an empty value of
 * their type (for the form to fill in), required scopes an empty `process: []` (a list scope
 * that needs entries, like switch cases, gets one). An unknown type gives `{type}`.
 */
export function newStep(
  info: SchemaInfo,
  type: string,
  options: NewStepOptions = {},
): Record<string, unknown> {
  const block = info.blocks.get(type);
  const step: Record<string, unknown> = { type };
  if (!block) return step;
  const withDefaults = options.includeDefaults ?? true;
  const scopes = new Map(block.scopes.map((s) => [s.name, s]));
  for (const [key, schema] of Object.entries(propertiesOf(block.schema))) {
    if (key === "type" || key === "name" || key === "ref") continue;
    const required = block.required.includes(key);
    const scope = scopes.get(key);
    if (scope) {
      if (required) step[key] = seedScope(scope);
    } else if (required) step[key] = seedValue(schema, withDefaults);
    else if (withDefaults && "default" in schema) step[key] = schema.default;
  }
  return step;
}

/** `{ref: name}`: a step that runs a processor declared under `processors:`. */
export function newRefStep(processor: string): Record<string, unknown> {
  return { ref: processor };
}

/** One new entry of a `flow` or `flow-list` scope: its required keys seeded, an empty `process`. */
export function newScopeEntry(scope: ScopeField): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = propertiesOf(scope.entrySchema);
  for (const key of scope.requiredEntryKeys) out[key] = seedValue(props[key] ?? {}, false);
  out.process = [];
  return out;
}

function seedScope(scope: ScopeField): unknown {
  if (scope.shape === "flow") return newScopeEntry(scope);
  if (scope.shape === "flow-list")
    return Array.from({ length: scope.minItems ?? 0 }, () => newScopeEntry(scope));
  return [];
}

function seedValue(schema: JsonSchema, withDefaults: boolean): unknown {
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variant = [schema.oneOf, schema.anyOf].find(Array.isArray)?.[0];
  if (variant && typeof variant === "object") return seedValue(variant as JsonSchema, withDefaults);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return "";
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return seedObject(schema, withDefaults);
    default:
      return null;
  }
}

function seedObject(schema: JsonSchema, withDefaults: boolean): Record<string, unknown> {
  const required = Array.isArray(schema.required) ? schema.required : [];
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(propertiesOf(schema))) {
    if (required.includes(key)) out[key] = seedValue(prop, withDefaults);
    else if (withDefaults && "default" in prop) out[key] = prop.default;
  }
  return out;
}

/** `base` when free, else base-2, base-3 … ("http", "http-2"; a taken "http-2" gives "http-3"). */
export function uniqueName(existing: Iterable<string>, base: string): string {
  const taken = new Set(existing);
  if (!taken.has(base)) return base;
  const stem = base.replace(/-\d+$/, "");
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
