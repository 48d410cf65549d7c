// Body reading and parsing, query parsing, and the response helpers' reading of vars.httpStatus /
// vars.httpHeaders.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BodyError, parseBody, parseJson, parseQuery, RawBody, readBody } from "./body.ts";
import { responseHeaders, responseStatus } from "./route.ts";

const MiB = 1024 * 1024;

afterEach(() => {
  vi.restoreAllMocks();
});

/** A request whose body arrives in `chunks`; written once readBody listens. */
function request(chunks: Buffer[], headers: Record<string, string> = {}, end = true): IncomingMessage {
  const req = Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage;
  setImmediate(() => {
    for (const c of chunks) (req as unknown as PassThrough).write(c);
    if (end) (req as unknown as PassThrough).end();
  });
  return req;
}

/** `bytes` cut every `size` bytes. */
function cut(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** A body of `text` in segments of `segment` bytes (views: parsing never frees them). */
const segmented = (text: string, segment: number) => new RawBody(cut(Buffer.from(text), segment), false);

describe("readBody", () => {
  it("keeps a body of one chunk as it is, never freeing the socket's memory", async () => {
    const chunk = Buffer.from('{"a":1}');
    const body = await readBody(request([chunk]), 100);
    expect(body.parts).toHaveLength(1);
    expect(body.parts[0]).toBe(chunk);
    expect(parseBody(body, "application/json")).toEqual({ a: 1 });
    expect(chunk.toString()).toBe('{"a":1}');
  });

  it("copies a longer body into 1 MiB segments, with or without Content-Length", async () => {
    const bytes = Buffer.alloc(2.5 * MiB + 3, "x");
    for (const headers of [{ "content-length": String(bytes.length) }, {}]) {
      const body = await readBody(request(cut(bytes, 65_536 - 7), headers), 3 * MiB);
      expect(body.parts.map((p) => p.length)).toEqual([MiB, MiB, 0.5 * MiB + 3]);
      expect(Buffer.concat(body.parts as Buffer[]).equals(bytes)).toBe(true);
      expect(body.byteLength).toBe(bytes.length);
    }
  });

  it("frees its segments once the body is parsed", async () => {
    const text = JSON.stringify({ items: Array.from({ length: 100_000 }, (_, i) => ({ i })) });
    const body = await readBody(request(cut(Buffer.from(text), 65_536)), 3 * MiB);
    const segments = [...body.parts];
    expect(segments.length).toBeGreaterThan(1);
    const release = vi.spyOn(body, "releaseBefore");
    expect((parseBody(body, "application/json") as { items: unknown[] }).items).toHaveLength(100_000);
    // Some while parsing, not all at the end.
    expect(release.mock.calls.some(([n]) => n > 0 && n < segments.length)).toBe(true);
    // A view of a detached ArrayBuffer has no bytes left.
    expect(segments.map((s) => s.length)).toEqual(segments.map(() => 0));
  });

  it("rejects past max with 413, stops reading and frees what it had read", async () => {
    const req = request([Buffer.alloc(40), Buffer.alloc(40)], {}, false);
    await expect(readBody(req, 64)).rejects.toMatchObject({ status: 413, kind: "body-too-large" });
    expect(req.isPaused()).toBe(true);
    const copied = vi.spyOn(Buffer.prototype, "copy");
    const big = request(cut(Buffer.alloc(3 * MiB), 65_536), {}, false);
    await expect(readBody(big, 2.5 * MiB)).rejects.toMatchObject({ status: 413 });
    // Every segment written to is detached (a view of a detached buffer has no bytes).
    const targets = new Set(copied.mock.calls.map(([target]) => target as Buffer));
    expect(targets.size).toBe(3);
    expect([...targets].map((t) => t.length)).toEqual([0, 0, 0]);
  });

  it("rejects a body cut short by the client as aborted", async () => {
    const req = request([Buffer.alloc(40), Buffer.alloc(70_000)], {}, false);
    setImmediate(() => setImmediate(() => req.destroy()));
    await expect(readBody(req, MiB)).rejects.toMatchObject({ status: 400, kind: "aborted" });
  });
});

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

describe("parseJson", () => {
  const documents = [
    '{"a": [1, "x"], "b": {"c": null, "d": [true, false, -1.5e3]}, "e": []}',
    ' [ {} , [] , [[[]]], {"":{"":""}} ] ',
    '["a,b", "[{", "}]", "q\\"q", "back\\\\", "\\u0061:", "é", "😀 ", "\\ud800"]',
    '{"__proto__": {"x": 1}, "a": 1, "__proto__": 2, "2": "two", "10": "ten", "a": 3, "1": "one"}',
    '{"k":\n\t{"deep": [1, {"k": [2, {"k": [3]}]}]}, "z": "last"}',
    `${"[".repeat(40)}1${"]".repeat(40)}`,
    JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ sku: `x${i}`, qty: i, price: i / 3 })) }),
  ];

  /** JSON.parse's value, with its key order (which toEqual does not compare). */
  const expectSame = (got: unknown, text: string) => {
    const want = JSON.parse(text);
    expect(got).toEqual(want);
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  };

  it("builds what JSON.parse builds, however the bytes are cut into pieces and segments", () => {
    for (const text of documents) {
      for (const piece of [1, 2, 5, 16, 1000]) {
        for (const segment of [1, 3, 7, 4096])
          expectSame(parseJson(segmented(text, segment), piece, 0), text);
      }
    }
  });

  it("agrees with JSON.parse on generated documents, valid or broken", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const words = ["a", "", "__proto__", "x,y", "[{", "}]", 'q"q', "b\\s", "é", "😀", "1", "10"];
    const space = () => pick(["", "", " ", "\n", "\t ", "\r\n"]);
    const value = (depth: number): string => {
      const r = next();
      if (depth > 4 || r < 0.3) return JSON.stringify(pick<unknown>([0, -1.5, 1e21, true, null, ...words]));
      const n = Math.floor(next() * 5);
      if (r < 0.65)
        return `[${Array.from({ length: n }, () => space() + value(depth + 1) + space()).join(",")}]`;
      return `{${Array.from({ length: n }, () => `${space()}${JSON.stringify(pick(words))}${space()}:${space()}${value(depth + 1)}`).join(",")}}`;
    };
    const junk = [",", "]", "}", "[", "{", '"', ":", "x", "\\", "\ufeff", "\u0000"];
    for (let n = 0; n < 1500; n++) {
      let text = space() + value(0) + space();
      if (next() < 0.5) {
        const at = Math.floor(next() * (text.length + 1));
        text =
          next() < 0.5
            ? text.slice(0, at) + pick(junk) + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1);
      }
      // What the bytes say (a cut surrogate pair is U+FFFD once encoded).
      text = Buffer.from(text).toString("utf8");
      const piece = pick([1, 3, 8]);
      const segment = pick([1, 5, 64]);
      let want: unknown;
      try {
        want = JSON.parse(text);
      } catch {
        expect(() => parseJson(segmented(text, segment), piece, 0), text).toThrow(SyntaxError);
        continue;
      }
      expectSame(parseJson(segmented(text, segment), piece, 0), text);
      expect(want).toBeDefined();
    }
  });

  it("never gives JSON.parse more than a piece at once for a large container", () => {
    const text = JSON.stringify({
      a: "x".repeat(50),
      items: Array.from({ length: 2000 }, (_, i) => ({ i })),
    });
    const parse = vi.spyOn(JSON, "parse");
    const got = parseJson(segmented(text, 1000), 256, 0);
    const lengths = parse.mock.calls.map(([t]) => t.length);
    parse.mockRestore();
    expectSame(got, text);
    expect(lengths.length).toBeGreaterThan(10);
    // A run of members with the commas between them, in brackets.
    expect(Math.max(...lengths)).toBeLessThanOrEqual(256 + 2);
  });

  it("a structural error carries JSON.parse's own message; a bad piece says where it is", () => {
    for (const bad of [
      "[1,,2]",
      "[1,]",
      '{"a":1,}',
      '{"a" 1}',
      "{1:2}",
      '{"a"::1}',
      '{"a":1}}',
      "[[1]",
      "[] []",
    ]) {
      let message = "";
      try {
        JSON.parse(bad);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(() => parseJson(segmented(bad, 2), 1, 0), bad).toThrow(message);
    }
    expect(() => parseJson(segmented("[1, tru, 3]", 2), 1, 0)).toThrow(/ \(in bytes 4 to 7\)$/);
    expect(() => parseJson(segmented("[1 2]", 2), 1, 0)).toThrow(/ \(in bytes 1 to 4\)$/);
  });

  it("parses small bodies whole", () => {
    const parse = vi.spyOn(JSON, "parse");
    expect(parseJson(segmented("[1, 2]", 6), 1)).toEqual([1, 2]);
    expect(parse.mock.calls).toEqual([["[1, 2]"]]);
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
