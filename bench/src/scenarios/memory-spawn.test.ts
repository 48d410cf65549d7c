// The child protocol of the memory and S5 scenarios: commands answered over IPC, and clear errors
// for a command the child does not have, a child that cannot start and a config that does not load.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_NODE_FLAGS } from "../../../packages/runtime/src/cli/node-flags.ts";
import type { SoakReport } from "./memory-soak-child.ts";
import { childNodeArgs, median, startChild, withChild } from "./memory-spawn.ts";
import { memorySample, startRuntime } from "./memory-worker.ts";

const PAYLOAD_CHILD = join(import.meta.dirname, "memory-large-payload-child.ts");
const QUEUE_CHILD = join(import.meta.dirname, "memory-bounded-queue-child.ts");
const SOAK_CHILD = join(import.meta.dirname, "memory-soak-child.ts");

// A child loads the runtime pinned to one core: seconds when the machine is busy.
describe("bench children", { timeout: 30_000 }, () => {
  it("answers a command with its result, from a process of its own", async () => {
    const sample = await withChild(PAYLOAD_CHILD, (child) =>
      child.request<{ sample: { rss: number; heapUsed: number }; peakReset: boolean }>("baseline"),
    );
    expect(sample.sample.rss).toBeGreaterThan(sample.sample.heapUsed);
    expect(typeof sample.peakReset).toBe("boolean");
  });

  it("rejects a command the child does not have, naming it", async () => {
    await withChild(PAYLOAD_CHILD, async (child) => {
      await expect(child.request("nope")).rejects.toThrow(/unknown command nope/);
    });
  });

  it("rejects with the child's own error when a command fails", async () => {
    await withChild(QUEUE_CHILD, async (child) => {
      await expect(child.request("sample")).rejects.toThrow(/not started/);
    });
  });

  it("reports a child that exits before serving, with its output", async () => {
    const missing = join(import.meta.dirname, "no-such-child.ts");
    await expect(startChild(missing)).rejects.toThrow(/exited[\s\S]*Cannot find module/);
  });

  it("runs with octo run's node flags", async () => {
    const r = await withChild(SOAK_CHILD, (child) =>
      child.request<SoakReport>("soak", { messages: 100, window: 4 }),
    );
    expect(r.execArgv).toEqual(expect.arrayContaining(["--expose-gc", ...RUN_NODE_FLAGS]));
  });

  it("refuses a request once the child is gone", async () => {
    const child = await startChild(PAYLOAD_CHILD);
    await child.stop();
    await expect(child.request("baseline")).rejects.toThrow(/exited/);
  });
});

describe("childNodeArgs", () => {
  it("gives children octo run's flags, replaced like octo run's", () => {
    expect(childNodeArgs([], {})).toEqual(["--expose-gc", ...RUN_NODE_FLAGS]);
    expect(childNodeArgs(["--cpu-prof"], {})).toEqual(["--expose-gc", ...RUN_NODE_FLAGS, "--cpu-prof"]);
    // A what-if young generation (BENCH_CHILD_NODE_ARGS) replaces the pair; so does OCTO_NODE_OPTIONS.
    expect(childNodeArgs(["--max-semi-space-size=64"], {})).toEqual([
      "--expose-gc",
      "--max-semi-space-size=64",
    ]);
    expect(childNodeArgs([], { OCTO_NODE_OPTIONS: "" })).toEqual(["--expose-gc"]);
  });
});

describe("startRuntime", () => {
  it("throws the config's load errors with their line and column", async () => {
    const yaml = "flows:\n  - name: f\n    process:\n      - type: no-such-block\n";
    await expect(startRuntime(yaml, false)).rejects.toThrow(
      /bench config does not load:\n4:\d+ .*no-such-block/,
    );
  });
});

describe("memorySample", () => {
  it("reports live memory with V8's young generation", () => {
    const m = memorySample();
    expect(m.rss).toBeGreaterThan(0);
    expect(m.heapUsed).toBeGreaterThan(0);
    expect(m.newSpace).toBeGreaterThan(0);
  });
});

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/no values/);
  });
});
