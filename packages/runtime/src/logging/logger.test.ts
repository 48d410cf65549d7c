// The runtime's logger on pino: levels, JSON and text records, default format, secret redaction.
import { describe, expect, it } from "vitest";
import { type ConsoleLoggerOptions, consoleLogger, jsonLineRedactor, redactor } from "./logger.ts";

/** A console logger whose lines are kept (each as given to `write`). */
function captured(opts: ConsoleLoggerOptions = {}) {
  const lines: string[] = [];
  const logger = consoleLogger({ tty: false, ...opts, write: (l) => lines.push(l) });
  return { logger, lines };
}

const json = (line: string | undefined) => JSON.parse(line ?? "") as Record<string, unknown>;
/** ANSI colour escapes start with ESC [. */
const coloured = (line: string | undefined) => (line ?? "").includes("\u001b[");

describe("consoleLogger levels", () => {
  it("writes only records at or above the configured level", () => {
    const { logger, lines } = captured({ level: "warn", format: "json" });
    logger.log("debug", "d");
    logger.log("info", "i");
    logger.log("warn", "w");
    logger.log("error", "e");
    expect(lines.map((l) => json(l).msg)).toEqual(["w", "e"]);
  });

  it("defaults to info", () => {
    const { logger, lines } = captured({ format: "json" });
    logger.log("debug", "d");
    logger.log("info", "i");
    expect(lines.map((l) => json(l).msg)).toEqual(["i"]);
  });
});

describe("consoleLogger JSON records", () => {
  it("has time (ISO), level as a label, service, msg and the fields; one write per record, no newline", () => {
    const { logger, lines } = captured({ format: "json", service: "orders" });
    logger.log("warn", "slow call", { flow: "main", ms: 1200, nested: { a: [1, 2] } });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(false);
    const record = json(lines[0]);
    expect(record).toMatchObject({
      level: "warn",
      service: "orders",
      msg: "slow call",
      flow: "main",
      ms: 1200,
      nested: { a: [1, 2] },
    });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Number.isNaN(Date.parse(String(record.time)))).toBe(false);
    // pino's defaults are dropped: nothing but what the runtime asked for.
    expect(Object.keys(record).sort()).toEqual(
      ["flow", "level", "ms", "msg", "nested", "service", "time"].sort(),
    );
  });

  it("omits service when none is given", () => {
    const { logger, lines } = captured({ format: "json" });
    logger.log("info", "hi");
    expect(json(lines[0])).not.toHaveProperty("service");
  });

  it("writes a field named like a record key as _<name> instead of a duplicate key", () => {
    const { logger, lines } = captured({ format: "json", service: "svc" });
    logger.log("info", "real", { level: "fake", msg: "fake", time: 1, service: "fake" });
    expect(lines[0]?.match(/"level":/g)).toHaveLength(1);
    expect(json(lines[0])).toMatchObject({
      level: "info",
      msg: "real",
      service: "svc",
      _level: "fake",
      _msg: "fake",
      _time: 1,
      _service: "fake",
    });
  });

  it("writes an Error field with its type, message and stack", () => {
    const { logger, lines } = captured({ format: "json" });
    logger.log("error", "failed", { cause: new TypeError("bad input") });
    expect(json(lines[0]).cause).toMatchObject({ type: "TypeError", message: "bad input" });
    expect(String((json(lines[0]).cause as { stack: string }).stack)).toContain("TypeError: bad input");
  });

  it("survives circular fields", () => {
    const { logger, lines } = captured({ format: "json" });
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    logger.log("info", "circular", { loop });
    expect(json(lines[0]).loop).toMatchObject({ name: "loop" });
  });

  it("writes source only when addSource is set", () => {
    const source = { flow: "main", block: "audit", path: "flows[0].process[1]" };
    const off = captured({ format: "json" });
    off.logger.log("info", "x", {}, source);
    expect(json(off.lines[0])).not.toHaveProperty("source");
    const on = captured({ format: "json", addSource: true });
    on.logger.log("info", "x", {}, source);
    expect(json(on.lines[0]).source).toEqual(source);
  });
});

describe("consoleLogger text records", () => {
  it("is readable text: time, level, service and message on the main line, fields below", () => {
    const { logger, lines } = captured({ format: "text", service: "orders" });
    logger.log("warn", "slow call", { flow: "main" });
    expect(lines).toHaveLength(1);
    const [main, ...rest] = (lines[0] ?? "").split("\n");
    expect(main).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] WARN: \(orders\) slow call$/);
    expect(main).not.toMatch(/[{}]/);
    expect(rest.join("\n")).toMatch(/^\s+flow: "main"$/m);
    expect(coloured(lines[0])).toBe(false);
    expect(lines[0]?.endsWith("\n")).toBe(false);
  });

  it("filters levels as JSON does", () => {
    const { logger, lines } = captured({ format: "text", level: "error" });
    logger.log("warn", "no");
    logger.log("error", "yes");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("ERROR: yes");
  });
});

describe("consoleLogger default format", () => {
  it("is text in a terminal (coloured unless NO_COLOR) and JSON otherwise", () => {
    const terminal = captured({ tty: true });
    terminal.logger.log("info", "hello");
    expect(() => JSON.parse(terminal.lines[0] ?? "")).toThrow();
    expect(terminal.lines[0]).toContain("hello");
    expect(coloured(terminal.lines[0])).toBe(!("NO_COLOR" in process.env));

    const pipe = captured({ tty: false });
    pipe.logger.log("info", "hello");
    expect(json(pipe.lines[0]).msg).toBe("hello");
  });

  it("format overrides the terminal check both ways", () => {
    const forcedJson = captured({ tty: true, format: "json" });
    forcedJson.logger.log("info", "a");
    expect(json(forcedJson.lines[0]).msg).toBe("a");
    const forcedText = captured({ tty: false, format: "text" });
    forcedText.logger.log("info", "a");
    expect(forcedText.lines[0]).toMatch(/INFO: a$/);
  });
});

describe("secret redaction", () => {
  const SECRET = "s3cr3t-token";

  for (const format of ["json", "text"] as const) {
    it(`replaces secret values in message, fields and keys (${format})`, () => {
      const { logger, lines } = captured({ format, secrets: [SECRET] });
      logger.log("info", `token is ${SECRET}`, {
        header: `Bearer ${SECRET}`,
        nested: { list: [SECRET] },
        [SECRET]: "as a key",
      });
      const out = lines.join("\n");
      expect(out).not.toContain(SECRET);
      expect(out.match(/\[REDACTED\]/g)?.length).toBe(4);
      if (format === "json") {
        expect(json(lines[0])).toMatchObject({
          msg: "token is [REDACTED]",
          header: "Bearer [REDACTED]",
          nested: { list: ["[REDACTED]"] },
          "[REDACTED]": "as a key",
        });
      }
    });
  }

  it("redacts secrets that JSON escapes (quotes, backslashes, newlines) and keeps valid JSON", () => {
    const secrets = ['pa"ss\\word', "line1\nline2"];
    const { logger, lines } = captured({ format: "json", secrets });
    logger.log("info", `a ${secrets[0]} b`, { other: `x${secrets[1]}y` });
    const record = json(lines[0]);
    expect(record).toMatchObject({ msg: "a [REDACTED] b", other: "x[REDACTED]y" });
    for (const s of secrets) {
      expect(lines[0]).not.toContain(s);
      expect(lines[0]).not.toContain(JSON.stringify(s).slice(1, -1));
    }
  });

  it("redacts a secret written as a number and keeps valid JSON", () => {
    const { logger, lines } = captured({ format: "json", secrets: ["424242"] });
    logger.log("info", "pin", { pin: 424242, other: 7 });
    expect(json(lines[0])).toMatchObject({ pin: "[REDACTED]", other: 7 });
  });

  it("redacts in text written for a terminal too", () => {
    const { logger, lines } = captured({ tty: true, secrets: [SECRET] });
    logger.log("error", SECRET, { k: SECRET });
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain("[REDACTED]");
  });

  it("leaves lines without secrets byte for byte", () => {
    const redact = jsonLineRedactor(["abcdef"]);
    const line = '{"a":"x\\u0001y","b":1.50}\n';
    expect(redact(line)).toBe(line);
  });

  it("ignores secret values shorter than 3 characters (they would redact everything)", () => {
    expect(redactor(["ab", ""])("about")).toBe("about");
    expect(redactor(["abc"])("abcabc")).toBe("[REDACTED][REDACTED]");
  });
});
