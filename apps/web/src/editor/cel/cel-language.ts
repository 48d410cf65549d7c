/**
 * CEL (Common Expression Language) highlighting for CodeMirror: a stream tokenizer following the
 * lexical grammar of cel-spec and of the runtime's parser (@marcbachmann/cel-js). It only
 * colours text; whether an expression is valid is the runtime's answer (CelInput's `check`).
 */
import {
  HighlightStyle,
  LanguageSupport,
  StreamLanguage,
  type StreamParser,
  StringStream,
  syntaxHighlighting,
} from "@codemirror/language";
import { tags } from "@lezer/highlight";

/** An open string literal that continues past the current token (escapes, triple quotes over lines). */
interface OpenString {
  readonly quote: string;
  readonly raw: boolean;
}

export interface CelState {
  string: OpenString | null;
  /** The previous token was `.`: the next identifier is a member (field or method). */
  afterDot: boolean;
  /** The previous token ends an operand, so `.5` is member access rather than a number. */
  afterOperand: boolean;
}

/** Token names returned by the tokenizer; each is a @lezer/highlight tag (with modifiers). */
export type CelToken =
  | "string"
  | "string.special"
  | "escape"
  | "number"
  | "bool"
  | "null"
  | "operatorKeyword"
  | "operator"
  | "logicOperator"
  | "compareOperator"
  | "arithmeticOperator"
  | "derefOperator"
  | "variableName"
  | "variableName.function"
  | "propertyName"
  | "propertyName.function"
  | "paren"
  | "squareBracket"
  | "brace"
  | "separator"
  | "punctuation"
  | "comment"
  | "invalid";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
/** A string prefix: raw (r), bytes (b) or both, in either order and case, directly before a quote. */
const STRING_PREFIX = /^(?:[rR][bB]?|[bB][rR]?)(?=["'])/;
const HEX_NUMBER = /^0[xX][0-9a-fA-F]+[uU]?/;
const FLOAT = /^(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)/;
const INTEGER = /^\d+[uU]?/;
/** Escapes of cel-spec: simple, \x hex, \u and \U code points, and three-digit octal. */
const ESCAPE = /^\\(?:[abfnrtv"'`?\\]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-3][0-7]{2})/;

/** Reads string content up to the closing quote, an escape or the end of the line. */
function stringBody(stream: StringStream, state: CelState, open: OpenString): CelToken {
  if (!open.raw && stream.peek() === "\\") {
    if (stream.match(ESCAPE)) return "escape";
    // An escape CEL does not know: mark the backslash and what follows it.
    stream.next();
    stream.next();
    return "invalid";
  }
  while (!stream.eol()) {
    if (stream.match(open.quote)) {
      state.string = null;
      state.afterOperand = true;
      return open.raw ? "string.special" : "string";
    }
    const ch = stream.peek();
    if (ch === "\\") {
      // The runtime lets a backslash protect the next character even in raw strings.
      if (open.raw) {
        stream.next();
        stream.next();
        continue;
      }
      if (stream.pos > stream.start) break;
    }
    stream.next();
  }
  return open.raw ? "string.special" : "string";
}

function tokenize(stream: StringStream, state: CelState): CelToken | null {
  const token = nextToken(stream, state);
  // A single-quoted string cannot span lines: whatever is open closes with the line.
  if (state.string && state.string.quote.length === 1 && stream.eol()) {
    state.string = null;
    state.afterOperand = true;
  }
  return token;
}

function nextToken(stream: StringStream, state: CelState): CelToken | null {
  if (state.string) return stringBody(stream, state, state.string);
  if (stream.eatSpace()) return null;

  const afterDot = state.afterDot;
  state.afterDot = false;

  const prefix = stream.match(STRING_PREFIX);
  if (prefix || stream.peek() === '"' || stream.peek() === "'") {
    const raw = typeof prefix === "object" && prefix !== null && /[rR]/.test(prefix[0]);
    const q = stream.peek() ?? '"';
    const quote = stream.match(q.repeat(3)) ? q.repeat(3) : q;
    if (quote === q) stream.next();
    state.string = { quote, raw };
    state.afterOperand = false;
    // The opening quote is its own token; the body follows on the next calls.
    return raw ? "string.special" : "string";
  }

  const ch = stream.peek() ?? "";
  if (
    /[0-9]/.test(ch) ||
    (ch === "." && !state.afterOperand && /[0-9]/.test(stream.string.charAt(stream.pos + 1)))
  ) {
    if (stream.match(HEX_NUMBER) || stream.match(FLOAT) || stream.match(INTEGER)) {
      state.afterOperand = true;
      // Letters glued to a number (`1x`, `0x1g`) are not part of any literal.
      if (stream.match(/^[A-Za-z0-9_]+/)) return "invalid";
      return "number";
    }
  }

  const word = stream.match(IDENTIFIER);
  if (word && typeof word === "object") {
    const name = word[0];
    state.afterOperand = true;
    if (!afterDot) {
      if (name === "true" || name === "false") return "bool";
      if (name === "null") return "null";
      if (name === "in") {
        state.afterOperand = false;
        return "operatorKeyword";
      }
    }
    const isCall = Boolean(stream.match(/^\s*\(/, false));
    if (afterDot) return isCall ? "propertyName.function" : "propertyName";
    return isCall ? "variableName.function" : "variableName";
  }

  if (stream.match("//")) {
    stream.skipToEnd();
    return "comment";
  }

  state.afterOperand = false;
  if (stream.match("&&") || stream.match("||")) return "logicOperator";
  if (stream.match(/^(?:==|!=|<=|>=|<|>)/)) return "compareOperator";
  if (stream.match(/^[+\-*/%]/)) return "arithmeticOperator";
  if (stream.match("!")) return "logicOperator";
  if (stream.match("?")) {
    // `a.?b` (optional field selection): b is still a member.
    state.afterDot = afterDot;
    return "operator";
  }
  if (stream.match(":")) return "operator";
  if (stream.match(".")) {
    state.afterDot = true;
    return "derefOperator";
  }
  if (stream.match(",")) return "separator";
  const bracket = stream.next() ?? "";
  if (bracket === ")" || bracket === "]" || bracket === "}") state.afterOperand = true;
  if (bracket === "(" || bracket === ")") return "paren";
  if (bracket === "[" || bracket === "]") return "squareBracket";
  if (bracket === "{" || bracket === "}") return "brace";
  return "invalid";
}

export const celStreamParser: StreamParser<CelState> = {
  name: "cel",
  startState: () => ({ string: null, afterDot: false, afterOperand: false }),
  copyState: (state) => ({ ...state }),
  token: tokenize,
  languageData: { closeBrackets: { brackets: ["(", "[", "{", '"', "'"] } },
};

export const celLanguage = StreamLanguage.define(celStreamParser);

/** Colours that keep a 4.5:1 contrast on the panel's white. */
export const celHighlightStyle = HighlightStyle.define([
  { tag: [tags.string], color: "#0b7a3e" },
  { tag: [tags.special(tags.string)], color: "#0b6b6b" },
  { tag: tags.escape, color: "#8a4b00", fontWeight: "600" },
  { tag: tags.number, color: "#1c5fb0" },
  { tag: [tags.bool, tags.null], color: "#8b2fc9", fontWeight: "600" },
  { tag: tags.operatorKeyword, color: "#8b2fc9", fontWeight: "600" },
  {
    tag: [tags.logicOperator, tags.compareOperator, tags.arithmeticOperator, tags.operator],
    color: "#a3341c",
  },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: "#7a4d00" },
  { tag: tags.propertyName, color: "#1b1f24" },
  { tag: tags.variableName, color: "#24438f" },
  { tag: tags.comment, color: "#5b6570", fontStyle: "italic" },
  { tag: tags.invalid, color: "#c92a2a", textDecoration: "underline wavy" },
]);

/** The CEL language with its highlighting. */
export function cel(): LanguageSupport {
  return new LanguageSupport(celLanguage, [syntaxHighlighting(celHighlightStyle)]);
}

export interface CelTokenSpan {
  readonly text: string;
  readonly token: CelToken | null;
}

/**
 * Runs the tokenizer over a whole expression (line by line, as the editor does) and returns the
 * spans it produced; whitespace comes back as `null` spans. For tests and non-editor displays.
 */
export function tokenizeCel(source: string): CelTokenSpan[] {
  const state = celStreamParser.startState?.(2) ?? { string: null, afterDot: false, afterOperand: false };
  const spans: CelTokenSpan[] = [];
  source.split("\n").forEach((line, index) => {
    if (index > 0) spans.push({ text: "\n", token: null });
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      const token = tokenize(stream, state);
      if (stream.pos === stream.start) throw new Error(`tokenizer stuck at ${stream.pos} in ${line}`);
      spans.push({ text: stream.current(), token });
      stream.start = stream.pos;
    }
  });
  return spans;
}
