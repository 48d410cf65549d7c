// Body and query parsing, and the response helpers' reading of vars.httpStatus / vars.httpHeaders.
import type { OutgoingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { BodyError, parseBody, parseQuery } from "./body.ts";
import { responseHeaders, responseStatus } from "./route.ts";

describe("parseQuery", () => {
  it("gives strings; a repeated key keeps its last value; '+' and escapes are decoded", () => {
    expect(parseQuery("")).toEqual({});
    expect(parseQuery("a=1&b=x+y&a=2&c=%C3%A9&flag")).toEqual({ a: "2", b: "x y", c: "é", flag: "" });
  });

  it("stores a __proto__ key as data, not as the prototype", () => {
    const q = parseQuery("__proto__=x&a=1");
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(Object.keys(q)).toEqual(["__proto__", "a"]);
  });
});

describe("parseBody", () => {
  const b = (text: string) => Buffer.from(text);

  it("reads JSON by content type, with parameters and any case", () => {
    expect(parseBody(b('{"a":1}'), "Application/JSON; charset=utf-8")).toEqual({ a: 1 });
    expect(parseBody(b("[1]"), "application/vnd.api+json")).toEqual([1]);
  });

  it("malformed JSON is a 400 BodyError with the parser's message", () => {
    let error: unknown;
    try {
      parseBody(b("{"), "application/json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BodyError);
    expect(error).toMatchObject({ status: 400, kind: "bad-request" });
    expect((error as Error).message).toMatch(/^request body is not valid JSON: ./);
  });

  it("reads forms, text in its charset, anything else as text; empty is null", () => {
    expect(parseBody(b("x=1&x=2&y=%20"), "application/x-www-form-urlencoded")).toEqual({ x: "2", y: " " });
    expect(parseBody(Buffer.from([0xe9]), 'text/plain; charset="ISO-8859-1"')).toBe("é");
    expect(parseBody(b("é"), "text/plain; charset=no-such-charset")).toBe("é");
    expect(parseBody(b("<a/>"), "application/xml")).toBe("<a/>");
    expect(parseBody(b("raw"), undefined)).toBe("raw");
    expect(parseBody(Buffer.alloc(0), "application/json")).toBeNull();
  });
});

describe("responseStatus", () => {
  it("takes numbers and numeric strings from 100 to 599; absent is 200", () => {
    expect(responseStatus(undefined)).toBe(200);
    expect(responseStatus(null)).toBe(200);
    expect(responseStatus(201)).toBe(201);
    expect(responseStatus("502")).toBe(502);
    expect(responseStatus(" 404 ")).toBe(404);
  });

  it("rejects anything else with a message naming the value", () => {
    for (const bad of [99, 600, 200.5, "abc", "", true, {}, []]) {
      expect(() => responseStatus(bad)).toThrow(/^vars\.httpStatus must be a status code from 100 to 599/);
    }
    expect(() => responseStatus("20x")).toThrow(/not "20x"$/);
  });
});

describe("responseHeaders", () => {
  it("lower-cases names, writes scalars as text, repeats lists; framing headers are the connector's", () => {
    const headers: OutgoingHttpHeaders = {};
    responseHeaders(
      { "X-A": "1", "X-N": 2, "X-B": true, "Set-Cookie": ["a=1", "b=2"], "Content-Length": "999" },
      headers,
    );
    expect(headers).toEqual({ "x-a": "1", "x-n": "2", "x-b": "true", "set-cookie": ["a=1", "b=2"] });
  });

  it("rejects non-objects, nested values and unsendable names or values", () => {
    expect(() => responseHeaders("x", {})).toThrow("vars.httpHeaders must be an object");
    expect(() => responseHeaders(["x"], {})).toThrow("vars.httpHeaders must be an object");
    expect(() => responseHeaders({ "X-A": { b: 1 } }, {})).toThrow("vars.httpHeaders.X-A must be a string");
    expect(() => responseHeaders({ "Bad Name": "x" }, {})).toThrow(
      /^vars\.httpHeaders\.Bad Name cannot be sent/,
    );
    expect(() => responseHeaders({ "X-A": "a\nb" }, {})).toThrow(/^vars\.httpHeaders\.X-A cannot be sent/);
  });
});
