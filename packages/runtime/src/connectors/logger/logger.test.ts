// The logger connector (runtime spec §4): outputs, formats, levels, addSource, redaction, load errors.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import { standaloneServices } from "../../services/standalone.ts";
import { loggerConnector } from "./index.ts";
import { loggerConnectorSettings } from "./spec.ts";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "octo-logger-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A logger connector named `audit`, created as the runtime would from raw settings. */
async function create(settings: Record<string, unknown>, secrets: string[] = []) {
  const runtimeLogger = memoryLogger();
  const instance = await loggerConnector.create(loggerConnectorSettings.parse(settings), {
    name: "audit",
    logger: runtimeLogger,
    services: standaloneServices(),
    secrets,
  });
  return { logger: instance, runtimeLogger };
}

const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean);
const records = (path: string) => lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);

describe("logger connector settings", () => {
  it("defaults to stdout, text, info, no source", () => {
    expect(loggerConnectorSettings.parse({})).toEqual({
      output: "stdout",
      format: "text",
      level: "info",
      addSource: false,
    });
  });

  function loadErrors(settings: string): string[] {
    const yaml = `
connectors:
  - name: audit
    type: logger
    settings: ${settings}
flows:
  - name: main
    process:
      - { type: log, settings: { logger: audit, message: '"hi"' } }
`;
    const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
      registry: defaultRegistry(),
      osEnv: {},
    });
    expect(r.ok).toBe(false);
    // Only errors about the connector: compile also reports the log block's (now unknown) logger.
    return r.ok ? [] : r.diagnostics.map(formatDiagnostic).filter((d) => !d.includes("unknown-connector"));
  }

  it("reports a bad level at its line and column, naming the allowed levels", () => {
    const [error, ...more] = loadErrors("{ level: verbose }");
    expect(more).toEqual([]);
    expect(error).toMatch(/^t\.yaml:5:/);
    expect(error).toContain("level");
    expect(error).toMatch(/debug.*info.*warn.*error/);
  });

  it("reports a bad format at its line and column, naming text and json", () => {
    const [error, ...more] = loadErrors("{ format: yaml }");
    expect(more).toEqual([]);
    expect(error).toMatch(/^t\.yaml:5:/);
    expect(error).toMatch(/"text".*"json"/);
  });

  it("reports an empty output and an unknown key", () => {
    expect(loadErrors('{ output: "" }').join("\n")).toContain("output must be stdout, stderr or a file path");
    expect(loadErrors("{ ouput: x.log }").join("\n")).toContain("ouput");
  });

  it("reports a log block naming a logger that is not declared", () => {
    const r = loadRuntimeFromSources(
      [
        new YamlSource(
          "t.yaml",
          `
flows:
  - name: main
    process:
      - { type: log, settings: { logger: nope } }
`,
        ),
      ],
      { registry: defaultRegistry(), osEnv: {} },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map(formatDiagnostic).join("\n")).toContain('no connector named "nope"');
  });
});

describe("logger connector file output", () => {
  it("appends to an existing file; close() flushes every record before it resolves", async () => {
    const path = join(dir, "app.log");
    writeFileSync(path, "earlier line\n");
    const { logger } = await create({ output: path, format: "json" });
    for (let i = 0; i < 2000; i++) logger.log("info", `record ${i}`, { i });
    await logger.close();
    const all = lines(path);
    expect(all[0]).toBe("earlier line");
    expect(all).toHaveLength(2001);
    expect(JSON.parse(all[2000] ?? "")).toMatchObject({ msg: "record 1999", i: 1999 });
  });

  it("creates missing directories", async () => {
    const path = join(dir, "a", "b", "c", "app.log");
    const { logger } = await create({ output: path, format: "json" });
    logger.log("warn", "made it");
    await logger.close();
    expect(records(path)).toMatchObject([{ level: "warn", msg: "made it" }]);
  });

  it("filters by level", async () => {
    const path = join(dir, "app.log");
    const { logger } = await create({ output: path, format: "json", level: "warn" });
    logger.log("debug", "d");
    logger.log("info", "i");
    logger.log("warn", "w");
    logger.log("error", "e");
    await logger.close();
    expect(records(path).map((r) => r.level)).toEqual(["warn", "error"]);
  });

  it("writes JSON lines with time, level label, logger name, msg and fields", async () => {
    const path = join(dir, "app.log");
    const { logger } = await create({ output: path, format: "json" });
    logger.log("info", "hello", { flow: "main", n: 1 });
    await logger.close();
    const [record] = records(path);
    expect(record).toMatchObject({ level: "info", logger: "audit", msg: "hello", flow: "main", n: 1 });
    expect(String(record?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("writes readable text without colour codes by default", async () => {
    const path = join(dir, "app.log");
    const { logger } = await create({ output: path });
    logger.log("error", "disk almost full", { percent: 97 });
    await logger.close();
    const text = readFileSync(path, "utf8");
    const [main] = text.split("\n");
    expect(main).toMatch(/^\[\d{4}-.+Z\] ERROR: \(audit\) disk almost full$/);
    expect(text).toContain("percent: 97");
    expect(text).not.toContain("\x1b[");
  });

  for (const format of ["json", "text"] as const) {
    it(`redacts secret values in message and fields (${format} file)`, async () => {
      const path = join(dir, "app.log");
      const { logger } = await create({ output: path, format }, ["tok-123456"]);
      logger.log("info", "calling with tok-123456", { headers: { authorization: "Bearer tok-123456" } });
      await logger.close();
      const text = readFileSync(path, "utf8");
      expect(text).not.toContain("tok-123456");
      expect(text.match(/\[REDACTED\]/g)).toHaveLength(2);
    });
  }

  it("ignores records logged after close() and closes once", async () => {
    const path = join(dir, "app.log");
    const { logger } = await create({ output: path, format: "json" });
    logger.log("info", "before");
    await Promise.all([logger.close(), logger.close()]);
    logger.log("info", "after");
    await logger.close();
    expect(records(path).map((r) => r.msg)).toEqual(["before"]);
  });

  it("fails to start with a clear error when the file cannot be opened", async () => {
    // A directory where the file should be.
    await expect(create({ output: dir })).rejects.toThrow(
      /^logger audit: cannot open output file .+: EISDIR/,
    );
  });

  it("writes source only with addSource", async () => {
    const source = { flow: "main", block: "audit-entry", path: "flows[0].process[0]" };
    const with_ = join(dir, "with.log");
    const without = join(dir, "without.log");
    const a = await create({ output: with_, format: "json", addSource: true });
    const b = await create({ output: without, format: "json" });
    a.logger.log("info", "x", {}, source);
    b.logger.log("info", "x", {}, source);
    await Promise.all([a.logger.close(), b.logger.close()]);
    expect(records(with_)[0]?.source).toEqual(source);
    expect(records(without)[0]).not.toHaveProperty("source");
  });
});

describe("logger connector process outputs (a real child process)", () => {
  const indexUrl = pathToFileURL(join(import.meta.dirname, "index.ts")).href;
  const specUrl = pathToFileURL(join(import.meta.dirname, "spec.ts")).href;

  /** Runs a node process that creates a logger with `settings`, logs, closes; returns its output. */
  async function run(settings: Record<string, unknown>, cwd: string) {
    const script = `
const { loggerConnector } = await import(${JSON.stringify(indexUrl)});
const { loggerConnectorSettings } = await import(${JSON.stringify(specUrl)});
const logger = await loggerConnector.create(loggerConnectorSettings.parse(${JSON.stringify(settings)}), {
  name: "audit", logger: { log() {} }, services: undefined, secrets: ["tok-123456"],
});
logger.log("info", "to the output tok-123456", { n: 1 });
await logger.close();
`;
    return promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
    });
  }

  it("writes to stdout by default, redacted", async () => {
    const { stdout, stderr } = await run({ format: "json" }, dir);
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toMatchObject({ level: "info", msg: "to the output [REDACTED]", n: 1 });
  });

  it("writes to stderr when asked", async () => {
    const { stdout, stderr } = await run({ output: "stderr" }, dir);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/INFO: \(audit\) to the output \[REDACTED\]\n/);
  });

  it("resolves a relative file path against the working directory", async () => {
    const { stdout } = await run({ output: "logs/app.log", format: "json" }, dir);
    expect(stdout).toBe("");
    expect(existsSync(join(dir, "logs", "app.log"))).toBe(true);
    expect(records(join(dir, "logs", "app.log"))[0]).toMatchObject({ msg: "to the output [REDACTED]" });
  });
});

describe("log block through a named logger connector", () => {
  it("writes into the connector's file; runtime.stop() flushes it", async () => {
    const path = join(dir, "nested", "audit.log");
    const yaml = `
env:
  - { name: API_TOKEN, secret: true }
connectors:
  - name: audit
    type: logger
    settings: { output: ${JSON.stringify(path)}, format: json, level: info, addSource: true }
flows:
  - name: main
    process:
      - name: audit-entry
        type: log
        settings: { logger: audit, level: warn, message: '"order from " + body.user', full: true }
      - { type: log, settings: { logger: audit, level: debug, message: '"below the level"' } }
      - { type: set-payload, settings: { value: '"done"' } }
`;
    const runtimeLogger = memoryLogger();
    const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
      registry: defaultRegistry(),
      osEnv: { API_TOKEN: "tok-123456" },
      logger: runtimeLogger,
    });
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    await r.runtime.start({ sources: false });
    const outcome = await r.runtime.invoke("main", { user: "ada", token: "tok-123456" });
    await r.runtime.stop();
    expect(outcome.status).toBe("completed");

    const text = readFileSync(path, "utf8");
    expect(text).not.toContain("tok-123456");
    const written = records(path);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      level: "warn",
      logger: "audit",
      msg: "order from ada",
      flow: "main",
      eventID: outcome.message.eventID,
      body: { user: "ada", token: "[REDACTED]" },
      source: { flow: "main", block: "audit-entry", path: "flows[0].process[0]" },
    });
    // The runtime's own logger got none of it.
    expect(runtimeLogger.lines).toEqual([]);
  });

  it("names an unnamed log block by its type in source", async () => {
    const path = join(dir, "audit.log");
    const yaml = `
connectors:
  - { name: audit, type: logger, settings: { output: ${JSON.stringify(path)}, format: json, addSource: true } }
flows:
  - name: main
    process:
      - { type: set-payload, settings: { value: '1' } }
      - { type: log, settings: { logger: audit, message: '"x"' } }
`;
    const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
      registry: defaultRegistry(),
      osEnv: {},
      logger: memoryLogger(),
    });
    if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    await r.runtime.start({ sources: false });
    await r.runtime.invoke("main", null);
    await r.runtime.stop();
    expect(records(path)[0]?.source).toEqual({ flow: "main", block: "log", path: "flows[0].process[1]" });
  });
});
