/**
 * The flow editor's document: one YAML file, kept lossless.
 *
 * The source of truth is the `yaml` package's `Document` (parseDocument keeps comments, key order,
 * scalar styles and unknown keys). The canvas reads a derived outline and edits by paths into a
 * clone of the Document (edits.ts); everything an edit does not touch survives. `toYaml` of an
 * unedited document is the text it was opened from, byte for byte, even with YAML errors.
 *
 * After an edit the package renders the whole clone in its own style, so the new text is that
 * rendering with the author's text put back wherever the edit did not reach (text-merge.ts):
 * untouched lines, and lines that only moved (a dragged step, re-indented), stay as written —
 * comment alignment, `[a]` vs `[ a ]`, folded lines, extra blank lines. The result is kept only
 * if it parses to exactly what the edit produced; otherwise the package's rendering is used.
 *
 * Where comments cannot survive, and what changes form:
 * - A comment belongs to the node after it (or ends the line of the node before it). A comment on
 *   a step that is deleted goes with it; a moved or copied step carries its own comments, including
 *   one written directly above the first step of a list (a comment separated from the first step
 *   by a blank line stays with the list).
 * - A comment after the last entry of a list stays at the end of that list, whatever moves.
 * - Replacing a whole map or list with `setAt` drops the comments inside the old value (comments
 *   before and after the value itself are kept); setting a scalar keeps its node, so its quoting
 *   style and comments stay (a plain `dev` set to "" becomes `""`, and stays quoted after that).
 * - A line an edit changes is written by the package (`lineWidth` off, so nothing is re-folded):
 *   its trailing comment keeps its column, but other spacing becomes the package's, and a
 *   multi-line flow collection or folded scalar that the edit changes is written on one line.
 * - Flow-style collections (`[ … ]`, `{ … }`) stay flow style when edited, and whatever is put
 *   inside them is written in flow style too (a block step moved into one becomes `{ type: …,
 *   settings: { … } }`); an empty `[]` or `{}` that gets its first entry becomes block style.
 *   Comments inside a flow collection move onto their own lines when the collection is rewritten.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type ToStringOptions,
  visit,
  type Node as YamlNode,
} from "yaml";
import { mergeFormatting } from "./text-merge.ts";

export type PathSegment = string | number;
/** Keys and indices from the document root, e.g. `["flows", 0, "process", 2]`. */
export type Path = readonly PathSegment[];

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export interface YamlProblem extends Position {
  readonly message: string;
}

export interface EditorDocument {
  /** The YAML text; what the YAML view shows and what is saved. */
  readonly text: string;
  /** The parsed document; read it, never mutate it (edits work on a clone). */
  readonly yaml: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** YAML syntax errors; when there are any the document can be read but not edited. */
  readonly errors: readonly YamlProblem[];
}

export function openDocument(text: string): EditorDocument {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, prettyErrors: true });
  const errors = yaml.errors.map((e) => {
    const at = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
    // The package appends "at line L, column C:" and a code excerpt; the editor shows both itself.
    const message = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
    return { message, line: at.line, col: at.col };
  });
  return { text, yaml, lineCounter, errors };
}

export function toYaml(doc: EditorDocument): string {
  return doc.text;
}

/** True when the document holds nothing but (maybe) comments. */
export function isEmpty(doc: EditorDocument): boolean {
  return doc.yaml.contents === null && doc.errors.length === 0;
}

/** Where the node at `path` starts: the key for a map entry, the item for a list entry. */
export function positionOf(doc: EditorDocument, path: Path): Position | undefined {
  const found = locate(doc.yaml.contents, path);
  if (!found) return undefined;
  const node = found.key ?? found.node;
  const offset = isNodeWithRange(node) ? node.range[0] : undefined;
  return offset === undefined ? undefined : doc.lineCounter.linePos(offset);
}

function isNodeWithRange(value: unknown): value is { range: readonly [number, number, number] } {
  return typeof value === "object" && value !== null && Array.isArray((value as { range?: unknown }).range);
}

/** A map key's value as a path segment (keys are scalars in the files we edit). */
export function keyOf(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/**
 * The node at `path` (and, for a map entry, its key node). `node` is null for `key:` with no
 * value. Undefined when the path leaves the document.
 */
export function locate(root: unknown, path: Path): { node: unknown; key?: unknown } | undefined {
  let node: unknown = root;
  let key: unknown;
  for (const seg of path) {
    key = undefined;
    if (typeof seg === "number") {
      if (!isSeq(node) || seg < 0 || seg >= node.items.length) return undefined;
      node = node.items[seg];
    } else {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p) => keyOf(p.key) === seg);
      if (!pair) return undefined;
      key = pair.key;
      node = pair.value;
    }
  }
  return key === undefined ? { node } : { node, key };
}

/** The package's own rendering options, set to match how the author indents. */
export type RenderStyle = Pick<ToStringOptions, "indent" | "indentSeq" | "lineWidth">;

const styles = new WeakMap<EditorDocument, RenderStyle>();
const renderings = new WeakMap<EditorDocument, string>();

/** Indent width and whether `- ` items are indented under their key, as the author wrote them. */
export function renderStyle(doc: EditorDocument): RenderStyle {
  let style = styles.get(doc);
  if (style) return style;
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  const col = (n: unknown) => (isNodeWithRange(n) ? doc.lineCounter.linePos(n.range[0]).col : undefined);
  visit(doc.yaml, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) return;
      const value = pair.value as YamlNode | null;
      const keyCol = col(pair.key);
      const valueCol = col(value);
      if (keyCol === undefined || valueCol === undefined) return;
      if (indentSeq === undefined && isSeq(value) && !value.flow) indentSeq = valueCol > keyCol;
      if (indent === undefined && isMap(value) && !value.flow && valueCol > keyCol)
        indent = valueCol - keyCol;
      if (indent !== undefined && indentSeq !== undefined) return visit.BREAK;
    },
  });
  style = { indent: indent ?? 2, indentSeq: indentSeq ?? true, lineWidth: 0 };
  styles.set(doc, style);
  return style;
}

function render(yaml: Document, style: RenderStyle): string {
  return yaml.toString(style);
}

/** The package's rendering of an unedited document, cached: each edit compares against it. */
function renderingOf(doc: EditorDocument): string {
  let text = renderings.get(doc);
  if (text === undefined) {
    text = render(doc.yaml, renderStyle(doc));
    renderings.set(doc, text);
  }
  return text;
}

export class EditError extends Error {}

/** Edits need a document without syntax errors: the package cannot write one that has them. */
export function canEdit(doc: EditorDocument): boolean {
  return doc.errors.length === 0;
}

/**
 * Applies `mutate` to a clone of the document and returns the resulting document; the input is
 * never changed. Returns the input itself when the edit changes nothing.
 */
export function editDocument(doc: EditorDocument, mutate: (yaml: Document) => void): EditorDocument {
  if (!canEdit(doc)) throw new EditError("the YAML has syntax errors; fix them in the YAML view first");
  const work = doc.yaml.clone();
  mutate(work);
  const style = renderStyle(doc);
  const edited = render(work, style);
  const base = renderingOf(doc);
  if (edited === base) return doc;
  const crlf = doc.text.includes("\r\n");
  const original = crlf ? doc.text.replaceAll("\r\n", "\n") : doc.text;
  const eol = (text: string) => (crlf ? text.replaceAll("\n", "\r\n") : text);
  // Moved lines are matched by content; if that guess breaks the meaning, merge without it.
  for (const guess of [true, false]) {
    const merged = mergeFormatting(original, base, edited, { guess });
    if (merged === edited) break;
    const candidate = openDocument(eol(merged));
    // A merge is kept only when it means exactly what the edit produced.
    if (candidate.errors.length === 0 && render(candidate.yaml, style) === edited) {
      styles.set(candidate, style);
      renderings.set(candidate, edited);
      return candidate;
    }
  }
  const result = openDocument(eol(edited));
  styles.set(result, style);
  return result;
}

/** Whether a node (a copied step) refers to anchors it does not hold itself. */
export function hasAlias(node: unknown): boolean {
  let found = false;
  visit(node as YamlNode, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found || isAlias(node);
}
