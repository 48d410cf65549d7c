// Value conversion: driver values → JSON, CEL values → bound parameters.
import { describe, expect, it } from "vitest";
import { sqliteArg, sqlitePath } from "./sqlite.ts";
import { bigintToJson, jsonText, rowToJson, toJsonValue } from "./values.ts";

describe("driver values as JSON", () => {
  it("turns bigints into numbers when exact, else decimal strings", () => {
    expect(bigintToJson(42n)).toBe(42);
    expect(bigintToJson(-9007199254740991n)).toBe(-9007199254740991);
    expect(bigintToJson(9007199254740992n)).toBe("9007199254740992");
    expect(bigintToJson(-9223372036854775808n)).toBe("-9223372036854775808");
  });

  it("turns dates into ISO strings and invalid dates into null", () => {
    expect(toJsonValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe("2024-01-02T03:04:05.006Z");
    expect(toJsonValue(new Date(Number.NaN))).toBeNull();
  });

  it("turns bytes into base64", () => {
    expect(toJsonValue(new Uint8Array([0, 1, 254, 255]))).toBe("AAH+/w==");
    expect(toJsonValue(Buffer.from("hi"))).toBe("aGk=");
    // A view into a larger buffer encodes only its own bytes.
    expect(toJsonValue(new Uint8Array([9, 1, 2, 9]).subarray(1, 3))).toBe("AQI=");
  });

  it("keeps non-finite floats as postgres prints them", () => {
    expect(toJsonValue(Number.NaN)).toBe("NaN");
    expect(toJsonValue(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(toJsonValue(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(toJsonValue(1.5)).toBe(1.5);
  });

  it("converts arrays, json objects and null-prototype rows recursively", () => {
    const row = Object.assign(Object.create(null) as Record<string, unknown>, {
      id: 1n,
      tags: [1n, "a", null],
      data: { at: new Date(0), n: undefined },
    });
    const json = rowToJson(row);
    expect(json).toEqual({ id: 1, tags: [1, "a", null], data: { at: "1970-01-01T00:00:00.000Z", n: null } });
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
  });

  it("prints values of other classes as text", () => {
    expect(toJsonValue(new URL("http://x/"))).toBe("http://x/");
  });
});

describe("arguments", () => {
  it("binds CEL values for sqlite: integers as INTEGER, booleans as 1/0, lists and maps as JSON", () => {
    expect(sqliteArg(3)).toBe(3n);
    expect(sqliteArg(-0)).toBe(0n);
    expect(sqliteArg(2.5)).toBe(2.5);
    expect(sqliteArg(2 ** 60)).toBe(2 ** 60);
    expect(sqliteArg(true)).toBe(1n);
    expect(sqliteArg(false)).toBe(0n);
    expect(sqliteArg(null)).toBeNull();
    expect(sqliteArg(undefined)).toBeNull();
    expect(sqliteArg("x'); DROP TABLE t; --")).toBe("x'); DROP TABLE t; --");
    expect(sqliteArg({ a: [1, "b"] })).toBe('{"a":[1,"b"]}');
    expect(sqliteArg([1, 2])).toBe("[1,2]");
  });

  it("writes lists and maps as JSON text for postgres text parameters", () => {
    expect(jsonText([1, "a"])).toBe('[1,"a"]');
    expect(jsonText({ a: 1 })).toBe('{"a":1}');
    expect(jsonText(3)).toBe("3");
    expect(jsonText("s")).toBe("s");
  });

  it("resolves a relative sqlite path against the working directory", () => {
    expect(sqlitePath(":memory:")).toBe(":memory:");
    expect(sqlitePath("data/x.db")).toBe(`${process.cwd()}/data/x.db`);
    expect(sqlitePath("/abs/x.db")).toBe("/abs/x.db");
  });
});
