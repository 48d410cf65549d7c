import { describe, expect, it } from "vitest";
import { type CelToken, tokenizeCel } from "./cel-language.ts";

/** The non-whitespace spans as [text, token] pairs. */
function tokens(source: string): [string, CelToken | null][] {
  return tokenizeCel(source)
    .filter((span) => span.text.trim() !== "")
    .map((span) => [span.text, span.token]);
}

/** The token of the first span whose text is exactly `text`. */
function tokenOf(source: string, text: string): CelToken | null | undefined {
  return tokens(source).find(([t]) => t === text)?.[1];
}

describe("CEL tokenizer", () => {
  it("tokenizes a map literal with member access, concatenation and a call (samples)", () => {
    expect(tokens('{"text": body.text, "savedAt": string(now)}')).toEqual([
      ["{", "brace"],
      ['"', "string"],
      ['text"', "string"],
      [":", "operator"],
      ["body", "variableName"],
      [".", "derefOperator"],
      ["text", "propertyName"],
      [",", "separator"],
      ['"', "string"],
      ['savedAt"', "string"],
      [":", "operator"],
      ["string", "variableName.function"],
      ["(", "paren"],
      ["now", "variableName"],
      [")", "paren"],
      ["}", "brace"],
    ]);
  });

  it("tokenizes macros, method calls, comparisons and the conditional operator", () => {
    expect(tokens("body.items.map(i, i.qty * i.unitPrice).sum()")).toEqual([
      ["body", "variableName"],
      [".", "derefOperator"],
      ["items", "propertyName"],
      [".", "derefOperator"],
      ["map", "propertyName.function"],
      ["(", "paren"],
      ["i", "variableName"],
      [",", "separator"],
      ["i", "variableName"],
      [".", "derefOperator"],
      ["qty", "propertyName"],
      ["*", "arithmeticOperator"],
      ["i", "variableName"],
      [".", "derefOperator"],
      ["unitPrice", "propertyName"],
      [")", "paren"],
      [".", "derefOperator"],
      ["sum", "propertyName.function"],
      ["(", "paren"],
      [")", "paren"],
    ]);
    expect(tokens("body.rowsAffected == 0.0 ? 404 : 200").map(([, t]) => t)).toEqual([
      "variableName",
      "derefOperator",
      "propertyName",
      "compareOperator",
      "number",
      "operator",
      "number",
      "operator",
      "number",
    ]);
  });

  it("knows true, false, null and in as keywords, but not as members", () => {
    expect(tokens('"X-Tenant" in vars ? vars["X-Tenant"] : null')).toEqual([
      ['"', "string"],
      ['X-Tenant"', "string"],
      ["in", "operatorKeyword"],
      ["vars", "variableName"],
      ["?", "operator"],
      ["vars", "variableName"],
      ["[", "squareBracket"],
      ['"', "string"],
      ['X-Tenant"', "string"],
      ["]", "squareBracket"],
      [":", "operator"],
      ["null", "null"],
    ]);
    expect(tokenOf("has(body.express) && body.express == true", "true")).toBe("bool");
    expect(tokenOf("has(body.express) && body.express == true", "&&")).toBe("logicOperator");
    expect(tokenOf("has(body.express)", "has")).toBe("variableName.function");
    expect(tokenOf("!false", "!")).toBe("logicOperator");
    expect(tokenOf("!false", "false")).toBe("bool");
    // After a dot these are field names.
    expect(tokenOf("vars.in", "in")).toBe("propertyName");
    expect(tokenOf("body.null", "null")).toBe("propertyName");
    expect(tokenOf("a.?b", "b")).toBe("propertyName");
    expect(tokenOf("intValue", "intValue")).toBe("variableName");
  });

  it("splits escapes out of strings and flags unknown ones", () => {
    expect(tokens('"a\\nb\\"c\\x41\\u00e9\\U0001F600\\101"')).toEqual([
      ['"', "string"],
      ["a", "string"],
      ["\\n", "escape"],
      ["b", "string"],
      ['\\"', "escape"],
      ["c", "string"],
      ["\\x41", "escape"],
      ["\\u00e9", "escape"],
      ["\\U0001F600", "escape"],
      ["\\101", "escape"],
      ['"', "string"],
    ]);
    expect(tokenOf("'bad \\q escape'", "\\q")).toBe("invalid");
    // An escaped quote does not end the string: the rest stays a string.
    expect(tokens("'it\\'s' + x").map(([, t]) => t)).toEqual([
      "string",
      "string",
      "escape",
      "string",
      "arithmeticOperator",
      "variableName",
    ]);
  });

  it("reads raw strings without escapes, and bytes strings", () => {
    expect(tokens("r\"C:\\dir\\n\" + R'\\d+'")).toEqual([
      ['r"', "string.special"],
      ['C:\\dir\\n"', "string.special"],
      ["+", "arithmeticOperator"],
      ["R'", "string.special"],
      ["\\d+'", "string.special"],
    ]);
    expect(tokens('b"\\xff" == rb"x"')).toEqual([
      ['b"', "string"],
      ["\\xff", "escape"],
      ['"', "string"],
      ["==", "compareOperator"],
      ['rb"', "string.special"],
      ['x"', "string.special"],
    ]);
    // A b or r not followed by a quote is an identifier.
    expect(tokenOf("b + r", "b")).toBe("variableName");
  });

  it("keeps triple-quoted strings open across lines, with their quotes inside", () => {
    const spans = tokens('"""first "line"\nsecond""" + x');
    expect(spans).toEqual([
      ['"""', "string"],
      ['first "line"', "string"],
      ['second"""', "string"],
      ["+", "arithmeticOperator"],
      ["x", "variableName"],
    ]);
    expect(tokens("'''a\n'b'\nc''' == y").at(-1)).toEqual(["y", "variableName"]);
  });

  it("closes an unterminated single-quoted string at the end of its line", () => {
    expect(tokens('"open\nbody.x').slice(-3)).toEqual([
      ["body", "variableName"],
      [".", "derefOperator"],
      ["x", "propertyName"],
    ]);
    expect(tokens("'\nnext").at(-1)).toEqual(["next", "variableName"]);
  });

  it("reads every number form: ints, uints, hex, floats with exponents", () => {
    for (const literal of ["42", "1u", "7U", "0x1F", "0X1fu", "1.5", "1.5e3", "2E-4", "1e10", ".5", "0.0"])
      expect(tokens(literal), literal).toEqual([[literal, "number"]]);
    expect(tokens("-12").map(([, t]) => t)).toEqual(["arithmeticOperator", "number"]);
    expect(tokens("x.5")).toEqual([
      ["x", "variableName"],
      [".", "derefOperator"],
      ["5", "number"],
    ]);
    expect(tokens("[1, 2.0, 3u][0]").map(([, t]) => t)).toEqual([
      "squareBracket",
      "number",
      "separator",
      "number",
      "separator",
      "number",
      "squareBracket",
      "squareBracket",
      "number",
      "squareBracket",
    ]);
    expect(tokenOf("1.5u", "1.5u")).toBe("invalid");
    expect(tokenOf("12abc", "12abc")).toBe("invalid");
  });

  it("reads every operator", () => {
    const ops = tokens("a || b && c == d != e < f <= g > h >= i + j - k * l / m % n");
    expect(ops.filter(([, t]) => t !== "variableName").map(([text]) => text)).toEqual([
      "||",
      "&&",
      "==",
      "!=",
      "<",
      "<=",
      ">",
      ">=",
      "+",
      "-",
      "*",
      "/",
      "%",
    ]);
  });

  it("treats // as a line comment, as the runtime's parser does", () => {
    expect(tokens("x // why\n+ 1")).toEqual([
      ["x", "variableName"],
      ["// why", "comment"],
      ["+", "arithmeticOperator"],
      ["1", "number"],
    ]);
    // Inside a string it is text.
    expect(tokens('"http://x"').map(([, t]) => t)).toEqual(["string", "string"]);
  });

  it("marks characters CEL does not have", () => {
    expect(tokenOf("a # b", "#")).toBe("invalid");
    expect(tokenOf("a ; b", ";")).toBe("invalid");
  });

  it("covers the text exactly: the spans concatenate to the input", () => {
    const source = 'vars.order.lines.filter(l, l.sku.startsWith("A-")).size() > 0u\n  && r"\\w" in tags';
    expect(
      tokenizeCel(source)
        .map((span) => span.text)
        .join(""),
    ).toBe(source);
  });
});
