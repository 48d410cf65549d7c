// The file-logger sample: a logger connector appends JSON lines to a file, filtered by level,
// with secret values redacted.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sample, startOcto } from "../test/octo-process.ts";

describe("samples/file-logger", () => {
  it("octo invoke writes the flow's log lines to the file, redacted and level-filtered", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "octo-file-logger-")), "nested", "orders.log");
    const env = { LOG_FILE: file, API_TOKEN: "tok-0123456789" };
    const args = ["invoke", "-c", sample("file-logger"), "-f", "record"];
    for (const order of [7, 8]) {
      const octo = startOcto([...args, "--data", JSON.stringify({ order, total: 42.5 })], env);
      expect(await octo.exited).toEqual({ code: 0, signal: null });
      expect(octo.output()).toContain(`{"recorded":${order}}`);
      expect(octo.output()).not.toContain("tok-0123456789");
    }
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    // Two runs appended to one file: info and warn lines each; the debug line is filtered out.
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ["info", "order 7 recorded, total 42.5"],
      ["warn", "calling the API with token [REDACTED]"],
      ["info", "order 8 recorded, total 42.5"],
      ["warn", "calling the API with token [REDACTED]"],
    ]);
    expect(lines[0]).toMatchObject({ logger: "orders-log", flow: "record" });
    expect(readFileSync(file, "utf8")).not.toContain("tok-0123456789");
  });
});
