// `octo run`'s node flags: which flags a process still needs, and the real CLI re-executing itself
// with them (the flags show in /proc/<pid>/cmdline of the very process that was spawned).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killAll, OCTO, runSample, sample, startOcto } from "../../test/octo-process.ts";
import { commandOf, configuredRunFlags, missingFlags, RUN_NODE_FLAGS, relaunchFlags } from "./node-flags.ts";

describe("relaunchFlags", () => {
  it("gives `run` its flags, and no other command any", () => {
    expect(relaunchFlags(["run", "-c", "x.yaml"], {}, [])).toEqual(RUN_NODE_FLAGS);
    expect(relaunchFlags(["run"], {}, ["--expose-gc"])).toEqual(RUN_NODE_FLAGS);
    for (const args of [
      ["invoke", "-c", "x", "-f", "run"],
      ["validate", "-c", "run"],
      ["schema"],
      ["--version"],
      [],
    ]) {
      expect(relaunchFlags(args, {}, [])).toEqual([]);
    }
  });

  it("gives nothing once the process has the flags (no loop)", () => {
    expect(relaunchFlags(["run"], {}, [...RUN_NODE_FLAGS])).toEqual([]);
  });

  it("OCTO_NODE_OPTIONS replaces the flags; empty means V8's defaults", () => {
    expect(
      configuredRunFlags({ OCTO_NODE_OPTIONS: " --max-semi-space-size=32  --stack-size=2000 " }),
    ).toEqual(["--max-semi-space-size=32", "--stack-size=2000"]);
    expect(relaunchFlags(["run"], { OCTO_NODE_OPTIONS: "" }, [])).toEqual([]);
  });

  it("a semi-space size the operator set on the command line or in NODE_OPTIONS wins, min and max alike", () => {
    expect(missingFlags(RUN_NODE_FLAGS, {}, ["--max-semi-space-size=64"])).toEqual([]);
    expect(missingFlags(RUN_NODE_FLAGS, { NODE_OPTIONS: "--max_semi_space_size=8" }, [])).toEqual([]);
    expect(missingFlags(["--stack-size=2000", ...RUN_NODE_FLAGS], {}, ["--min-semi-space-size=1"])).toEqual([
      "--stack-size=2000",
    ]);
    // Unrelated settings do not count.
    expect(
      missingFlags(RUN_NODE_FLAGS, { NODE_OPTIONS: "--max-old-space-size=512" }, ["--cpu-prof"]),
    ).toEqual(RUN_NODE_FLAGS);
  });

  it("the command is the first argument that is not an option", () => {
    expect(commandOf(["--log-level", "run"])).toBe("run");
    expect(commandOf(["-v"])).toBeUndefined();
  });
});

const cmdline = (pid: number | undefined) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");

function helloConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-flags-"));
  writeFileSync(
    join(dir, "hello.yaml"),
    "service: { name: flags }\nflows: [{ name: f, process: [{ type: set-payload, settings: { value: '1' } }] }]\n",
  );
  return dir;
}

const MiB = 1024 * 1024;

/** `nodejs_heap_space_size_total_bytes` of V8's young generation, from /metrics. */
async function newSpaceBytes(managementPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${managementPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('nodejs_heap_space_size_total_bytes{space="new"'));
  return Number(line?.split(" ").pop());
}

// Processes of the real CLI: seconds when the machine is busy.
describe("octo run re-executes itself with its node flags", { timeout: 30_000 }, () => {
  afterEach(() => killAll());

  it("in the process that was spawned (same pid), with a fixed young generation", async () => {
    const octo = await runSample(helloConfig());
    const argv = cmdline(octo.child.pid);
    expect(argv).toEqual(expect.arrayContaining([...RUN_NODE_FLAGS, OCTO, "run"]));
    // The flags stand before the script: node's, not octo's.
    expect(argv.indexOf(RUN_NODE_FLAGS[0] as string)).toBeLessThan(argv.indexOf(OCTO));
    // Both semi-spaces at their fixed 16 MiB from the start; by default V8 starts smaller and grows them.
    expect(await newSpaceBytes(await octo.managementPort())).toBeGreaterThan(16 * MiB);
    // Signals reach the server: SIGINT drains and exits 0 like SIGTERM (test/cli-run.test.ts).
    expect(await octo.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect(octo.output()).toMatch(/octo: stopped/);
  });

  it("OCTO_NODE_OPTIONS replaces them; empty runs with V8's defaults", async () => {
    const custom = await runSample(helloConfig(), { OCTO_NODE_OPTIONS: "--max-semi-space-size=8" });
    const argv = cmdline(custom.child.pid);
    expect(argv).toContain("--max-semi-space-size=8");
    expect(argv).not.toContain("--min-semi-space-size=16");
    // At most two semi-spaces of 8 MiB: the default minimum of 16 was not added.
    expect(await newSpaceBytes(await custom.managementPort())).toBeLessThanOrEqual(16 * MiB);
    const plain = await runSample(helloConfig(), { OCTO_NODE_OPTIONS: "" });
    const plainArgv = cmdline(plain.child.pid);
    expect(plainArgv.slice(1, plainArgv.indexOf(OCTO))).toEqual([]);
  });

  it("a semi-space size in the operator's NODE_OPTIONS wins", async () => {
    const octo = await runSample(helloConfig(), { NODE_OPTIONS: "--max-semi-space-size=8" });
    expect(cmdline(octo.child.pid).filter((a) => a.includes("semi-space"))).toEqual([]);
    expect(await newSpaceBytes(await octo.managementPort())).toBeLessThanOrEqual(16 * MiB);
  });

  it("invoke and validate are not re-executed; run is, and a bad flag stops it with node's error", async () => {
    const env = { ...process.env, OCTO_NODE_OPTIONS: "--no-such-node-flag" };
    const hello = sample("hello-invoke", "hello-invoke.yaml");
    const invoke = spawnSync(
      process.execPath,
      [OCTO, "invoke", "-c", hello, "-f", "greet", "-d", '{"name":"Ada"}'],
      {
        env,
        encoding: "utf8",
      },
    );
    expect(invoke).toMatchObject({ status: 0, stdout: '{"greeting":"hello, Ada!"}\n' });
    expect(
      spawnSync(process.execPath, [OCTO, "validate", "-c", hello], { env, encoding: "utf8" }).status,
    ).toBe(0);
    const run = startOcto(["run", "-c", helloConfig()], { OCTO_NODE_OPTIONS: "--no-such-node-flag" });
    expect((await run.exited).code).toBe(9);
    expect(run.output()).toMatch(/bad option: --no-such-node-flag/);
  });

  it("exit codes survive the re-execution", async () => {
    const broken = join(helloConfig(), "hello.yaml");
    writeFileSync(broken, "flows: [{ name: f, process: [{ type: nope }] }]\n");
    const octo = startOcto(["run", "-c", broken]);
    expect((await octo.exited).code).toBe(1);
    expect(octo.output()).toMatch(/unknown block type "nope"/);
  });
});
