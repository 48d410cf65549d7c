// Parsing of the rest block's `{expr}` templates.
import { describe, expect, it } from "vitest";
import { parseTemplate } from "./template.ts";

describe("parseTemplate", () => {
  it("splits literal text and expressions, with offsets of each expression", () => {
    expect(parseTemplate("/orders/{vars.id}/items")).toEqual({
      ok: true,
      parts: [{ literal: "/orders/" }, { expr: "vars.id", offset: 9 }, { literal: "/items" }],
    });
    expect(parseTemplate("plain")).toEqual({ ok: true, parts: [{ literal: "plain" }] });
    expect(parseTemplate("")).toEqual({ ok: true, parts: [] });
  });

  it("matches braces of CEL maps and skips braces inside CEL strings", () => {
    expect(parseTemplate('{ {"a": 1}.a }')).toMatchObject({ ok: true, parts: [{ expr: ' {"a": 1}.a ' }] });
    expect(parseTemplate("{'}' + \"{\"}x")).toMatchObject({
      ok: true,
      parts: [{ expr: "'}' + \"{\"" }, { literal: "x" }],
    });
    expect(parseTemplate("{'it\\'s}'}")).toMatchObject({ ok: true, parts: [{ expr: "'it\\'s}'" }] });
    expect(parseTemplate("{'''a}'''}")).toMatchObject({ ok: true, parts: [{ expr: "'''a}'''" }] });
  });

  it("reads {{ and }} as literal braces", () => {
    expect(parseTemplate("{{x}}-{body.a}")).toEqual({
      ok: true,
      parts: [{ literal: "{x}-" }, { expr: "body.a", offset: 7 }],
    });
  });

  it("reports unclosed, stray and empty braces with their offset", () => {
    expect(parseTemplate("/a/{vars.id")).toEqual({
      ok: false,
      message: "a { is never closed; write {{ for a literal {",
      offset: 3,
    });
    expect(parseTemplate("/a}")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/closes no \{/),
      offset: 2,
    });
    expect(parseTemplate("/a/{ }")).toMatchObject({
      ok: false,
      message: "{} holds no expression",
      offset: 3,
    });
  });
});
