import { describe, expect, it } from "vitest";
import { LogBuffer, lineSplitter, REDACTED, redactor } from "./log-buffer.ts";

const line = (text: string) => ({ replica: "r-0", stream: "stdout" as const, time: "t", text });

describe("LogBuffer", () => {
  it("numbers lines and returns those after a seq", () => {
    const b = new LogBuffer(10);
    expect(b.after()).toEqual([]);
    for (const t of ["a", "b", "c"]) b.push(line(t));
    expect(b.after().map((l) => [l.seq, l.text])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    expect(b.after(2).map((l) => l.text)).toEqual(["c"]);
    expect(b.after(3)).toEqual([]);
    expect(b.lastSeq).toBe(3);
  });

  it("keeps only the last `capacity` lines, seq still increasing", () => {
    const b = new LogBuffer(3);
    for (let i = 1; i <= 8; i++) b.push(line(`l${i}`));
    expect(b.after().map((l) => l.seq)).toEqual([6, 7, 8]);
    expect(b.after(2).map((l) => l.seq)).toEqual([6, 7, 8]);
    expect(b.after(6).map((l) => l.text)).toEqual(["l7", "l8"]);
  });

  it("rejects a capacity below 1", () => {
    expect(() => new LogBuffer(0)).toThrow(RangeError);
  });
});

describe("redactor", () => {
  it("replaces every occurrence, longest secret first, and the JSON-escaped form", () => {
    const r = redactor(["s3cret", "s3cret-long", 'q"uote', ""]);
    expect(r("a s3cret-long b s3cret")).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(r(JSON.stringify({ msg: 'x q"uote' }))).toBe(`{"msg":"x ${REDACTED}"}`);
    expect(r("nothing here")).toBe("nothing here");
  });

  it("leaves text alone without secrets", () => {
    expect(redactor([])("abc")).toBe("abc");
  });
});

describe("lineSplitter", () => {
  it("joins chunks into lines, strips \\r, flushes the rest at the end, cuts overlong lines", () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l), 5);
    s.write("ab");
    s.write("c\r\nde\nfg");
    s.write("hijklm");
    s.end();
    expect(lines).toEqual(["abc", "de", "fghij", "klm"]);
  });
});
