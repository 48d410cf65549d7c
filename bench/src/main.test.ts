// `pnpm bench` refuses bad flags with a clear message and exit code 64, before starting anything.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const MAIN = join(import.meta.dirname, "main.ts");

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe("pnpm bench flags", () => {
  it("rejects a duration that is not a positive number", () => {
    const r = bench("--duration", "ten");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--duration must be a positive number, got "ten"');
    expect(r.stderr).toContain("usage: pnpm bench");
  });

  it("rejects a zero warm-up", () => {
    const r = bench("--warmup", "0");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--warmup must be a positive number, got "0"');
  });

  it("rejects a fractional connection count", () => {
    const r = bench("--connections", "2.5");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--connections must be a positive integer, got "2.5"');
  });

  it("rejects an unknown scenario id and lists the known ones", () => {
    const r = bench("--only", "S1,S99");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown scenario S99; known: S1, S2");
  });

  it("rejects an unknown flag", () => {
    const r = bench("--fast");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--fast");
    expect(r.stderr).toContain("usage: pnpm bench");
  });

  it("prints its usage with --help", () => {
    const r = bench("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--results-dir");
  });
});
