import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument, Scalar } from "yaml";
import type { Diagnostic, SourceLocation } from "../errors/diagnostic.ts";

export type Path = readonly (string | number)[];

// `port: ${HTTP_PORT}` inside a flow map (`{ port: ${HTTP_PORT} }`) is not valid YAML: `{` and
// `}` end plain scalars there. The reference substitutes env text before parsing, so its files
// use this form freely. We parse with each `${…}` brace swapped for a private-use character
// (same length, so every line:col stays true) and swap them back in the parsed values.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const ENV_REF = /\$\{([^}\n]*)\}/g;

function shieldEnvRefs(text: string): string {
  return text.includes("${") ? text.replace(ENV_REF, (_, name: string) => `$${OPEN}${name}${CLOSE}`) : text;
}

function unshield(value: unknown): unknown {
  if (typeof value === "string") {
    return value.includes(OPEN) ? value.replaceAll(OPEN, "{").replaceAll(CLOSE, "}") : value;
  }
  if (Array.isArray(value)) return value.map(unshield);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[unshield(k) as string] = unshield(v);
    return out;
  }
  return value;
}

/**
 * One parsed YAML file that can answer "where is this path?" so every later
 * error (schema, references, CEL) names file:line:col.
 */
export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  readonly errors: Diagnostic[];
  private readonly doc: ReturnType<typeof parseDocument>;
  private readonly lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lines = new LineCounter();
    this.doc = parseDocument(shieldEnvRefs(text), {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true,
    });
    // After the first syntax error the parser's later complaints are mostly its own confusion.
    this.errors = this.doc.errors.slice(0, 1).map((e) => {
      const pos = e.code === "MISSING_CHAR" && /quote/i.test(e.message) ? this.openQuote(e.pos[0]) : e.pos[0];
      return {
        code: "yaml-syntax",
        message: `YAML syntax error: ${e.message.split("\n")[0]}`,
        hint: "fix the YAML syntax (indentation, quoting, colons) at this position",
        location: this.at(pos),
        excerpt: this.excerpt(pos),
      };
    });
    this.value = this.errors.length === 0 ? unshield(this.doc.toJS({ maxAliasCount: 100 })) : undefined;
  }

  /**
   * The yaml library reports an unclosed quote where the file ends; the useful place is the
   * quote that opens it: the last quote before `end` that starts a value (after `: `, `- ` …).
   */
  private openQuote(end: number): number {
    const re = /(?:^|[:\-,[{]\s*)(["'])/gm;
    let found = end;
    for (const m of this.text.slice(0, end).matchAll(re)) found = (m.index ?? 0) + m[0].length - 1;
    return found;
  }

  /** Location of a character offset in the file. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The source line holding `offset`, with a caret under it. */
  excerpt(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    const text = this.text.split("\n")[line - 1] ?? "";
    return `${text}\n${" ".repeat(Math.max(0, col - 1))}^`;
  }

  /** The YAML node at `path`; walks up to the nearest existing ancestor when the path is missing. */
  private nodeAt(path: Path): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (node && typeof node === "object" && "range" in node) return node as Node;
      if (n === 0) return this.doc.contents ?? undefined;
    }
    return undefined;
  }

  /** Offset of the value at `path` (or of its nearest existing ancestor). */
  offsetOf(path: Path): number {
    return this.nodeAt(path)?.range?.[0] ?? 0;
  }

  /** Offset of the key `key` inside the map at `path` (for "unknown key" errors). */
  keyOffset(path: Path, key: string): number | undefined {
    const node = this.nodeAt(path);
    if (!isMap(node)) return undefined;
    for (const pair of node.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === key) return pair.key.range?.[0];
    }
    return undefined;
  }

  /**
   * Offset of character `index` of the string scalar at `path`: quotes and block-scalar
   * headers are skipped so a CEL error column points into the expression itself.
   */
  offsetInScalar(path: Path, index: number): number {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range) return this.offsetOf(path);
    const start = node.range[0];
    const raw = this.text.slice(start, node.range[1]);
    const value = unshield(String(node.value)) as string;
    // Escapes, folding and indentation make value and source text differ; the token at the
    // error (e.g. an identifier) reads the same in both, so find its k-th occurrence in the source.
    const needle = /^[A-Za-z0-9_]+|^\S/.exec(value.slice(index))?.[0];
    if (needle) {
      const k = value.slice(0, index).split(needle).length - 1;
      let at = -1;
      for (let i = 0; i <= k; i++) {
        at = raw.indexOf(needle, at + 1);
        if (at < 0) break;
      }
      if (at >= 0) return start + at;
    }
    switch (node.type) {
      case Scalar.QUOTE_DOUBLE:
      case Scalar.QUOTE_SINGLE:
      case Scalar.PLAIN:
        return this.mapFlowScalar(
          start + (node.type === Scalar.PLAIN ? 0 : 1),
          unshield(String(node.value)) as string,
          index,
          raw,
        );
      case Scalar.BLOCK_LITERAL:
      case Scalar.BLOCK_FOLDED:
        return this.mapBlockScalar(start, raw, value, index);
      default:
        return start;
    }
  }

  private mapFlowScalar(contentStart: number, value: string, index: number, raw: string): number {
    // Single-line scalars map one to one (escapes aside); multi-line ones map by line.
    if (!raw.includes("\n")) return contentStart + Math.min(index, value.length);
    return this.mapBlockScalar(contentStart, raw, value, index);
  }

  private mapBlockScalar(start: number, raw: string, value: string, index: number): number {
    const before = value.slice(0, index);
    const lineNo = before.split("\n").length - 1;
    const colInLine = index - (before.lastIndexOf("\n") + 1);
    const rawLines = raw.split("\n");
    // Block scalars start with their header line (`|`, `>-` …); content lines follow.
    const contentLines = rawLines[0]?.trim().match(/^[|>]/) ? rawLines.slice(1) : rawLines;
    const headerLen = contentLines === rawLines ? 0 : (rawLines[0]?.length ?? 0) + 1;
    const nonEmpty = contentLines.filter((l) => l.trim() !== "");
    let offset = start + headerLen;
    let seen = 0;
    for (const l of contentLines) {
      if (seen === lineNo && l.trim() !== "") {
        const indent = l.length - l.trimStart().length;
        return offset + indent + colInLine;
      }
      if (l.trim() !== "") seen++;
      offset += l.length + 1;
    }
    return nonEmpty.length > 0 ? start + headerLen : start;
  }

  /** A diagnostic located at `path`. */
  diagnosticAt(path: Path, code: string, message: string, hint?: string): Diagnostic {
    const offset = this.offsetOf(path);
    return {
      code,
      message,
      ...(hint ? { hint } : {}),
      location: this.at(offset),
      excerpt: this.excerpt(offset),
    };
  }
}
