/**
 * String templates of the rest block (`/orders/{vars.id}`, `{body.city}`): literal text with
 * `{expr}` segments holding CEL. `{{` and `}}` write literal braces. Braces inside an
 * expression (CEL maps) and inside its string literals are matched, so `{ {"a": 1}.a }` works.
 */
export type TemplatePart = { literal: string } | { expr: string; offset: number };

export type ParsedTemplate =
  | { ok: true; parts: TemplatePart[] }
  | { ok: false; message: string; offset: number };

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "{" && text[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (c === "}" && text[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (c === "}") {
      return { ok: false, message: "a } closes no {; write }} for a literal }", offset: i };
    } else if (c === "{") {
      const end = closingBrace(text, i + 1);
      if (end === undefined)
        return { ok: false, message: "a { is never closed; write {{ for a literal {", offset: i };
      const expr = text.slice(i + 1, end);
      if (expr.trim() === "") return { ok: false, message: "{} holds no expression", offset: i };
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ expr, offset: i + 1 });
      i = end + 1;
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push({ literal });
  return { ok: true, parts };
}

/** Index of the `}` that closes an expression starting at `from`, skipping CEL strings and nested braces. */
function closingBrace(text: string, from: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}
