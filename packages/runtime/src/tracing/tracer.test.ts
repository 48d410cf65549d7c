// Tracing is decided when a config compiles: without a tracer the compiled steps carry no trace
// state at all; with one, every block, nested block list and flow run goes through it once.

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../test/helpers.ts";
import { YamlSource } from "../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../engine/runtime.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";
import type { BlockDefinition, Exec } from "../plugin/types.ts";
import { type BlockInfo, composeTracers, type ScopeInfo, type Tracer } from "./tracer.ts";

/** A block that remembers the execution state it ran with. */
function probeRegistry(seen: Exec[]) {
  const probe: BlockDefinition<{ settings: Record<string, never> }> = {
    type: "probe",
    label: "Probe",
    category: "processor",
    description: "test block",
    kind: "leaf",
    fields: z.strictObject({}),
    compile: () => (_msg, exec) => {
      seen.push(exec);
    },
  };
  return defaultRegistry().use({ name: "probe", blocks: [probe] });
}

const YAML = `
flows:
  - name: main
    process:
      - type: probe
      - type: fork
        branches:
          - { name: a, process: [{ type: probe }] }
          - { process: [{ type: flow-ref, settings: { flow: other } }] }
      - type: switch
        cases:
          - { when: "true", process: [{ type: probe, name: in-case }] }
  - name: other
    process: [{ type: probe }]
`;

/** A tracer that only writes down what it was asked to wrap and what ran through it. */
function spyTracer(tag: string, log: string[]): Tracer & { blocks: BlockInfo[]; scopes: ScopeInfo[] } {
  const blocks: BlockInfo[] = [];
  const scopes: ScopeInfo[] = [];
  return {
    blocks,
    scopes,
    plan: (info) => log.push(`${tag} plan ${info.service}`),
    block(step, info) {
      blocks.push(info);
      return (msg, exec) => {
        log.push(`${tag} ${info.type}`);
        return step(msg, exec);
      };
    },
    scope(step, info) {
      scopes.push(info);
      return step;
    },
    flow: (run, flow) => (msg, exec) => {
      log.push(`${tag} flow ${flow}`);
      return run(msg, { ...exec, trace: { ...exec.trace } });
    },
  };
}

async function run(tracer: Tracer | undefined, seen: Exec[]) {
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", YAML)], {
    registry: probeRegistry(seen),
    logger: memoryLogger(),
    ...(tracer ? { tracer } : {}),
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  await r.runtime.start({ sources: false });
  try {
    return await r.runtime.invoke("main", {});
  } finally {
    await r.runtime.stop();
  }
}

describe("compile-time tracing", () => {
  it("without a tracer, no step sees trace state", async () => {
    const seen: Exec[] = [];
    const outcome = await run(undefined, seen);
    expect(outcome.status).toBe("completed");
    expect(seen).toHaveLength(4);
    for (const exec of seen) expect(exec).not.toHaveProperty("trace");
  });

  it("with one, every block, block list and flow is wrapped once, named by its slot", async () => {
    const seen: Exec[] = [];
    const log: string[] = [];
    const spy = spyTracer("t", log);
    await run(spy, seen);
    for (const exec of seen) expect(exec.trace).toBeDefined();
    // Compiled once per block (processors aside): probe, fork, its two branches' blocks, switch …
    expect(
      spy.blocks.map((b) => `${b.flow}/${b.type}${b.name ? ` ${b.name}` : ""}@${b.location.line}`),
    ).toEqual([
      "main/probe@5",
      "main/probe@8",
      "main/flow-ref@9",
      "main/fork@6",
      "main/probe in-case@12",
      "main/switch@10",
      "other/probe@14",
    ]);
    expect(spy.scopes).toEqual([
      { slot: "branches[0]", label: "a" },
      { slot: "branches[1]", label: undefined },
      { slot: "cases[0]", label: "when true" },
      { slot: "process", label: undefined },
      { slot: "process", label: undefined },
    ]);
    expect(log[0]).toBe("t plan octo");
    expect(log.filter((l) => l.startsWith("t flow "))).toEqual(["t flow main", "t flow other"]);
  });

  it("composes tracers: the first wraps the others, each sees every block", async () => {
    const log: string[] = [];
    const both = composeTracers(spyTracer("outer", log), undefined, spyTracer("inner", log));
    await run(both, []);
    expect(log.slice(0, 2)).toEqual(["outer plan octo", "inner plan octo"]);
    const runs = log.slice(2);
    expect(runs.slice(0, 4)).toEqual(["outer flow main", "inner flow main", "outer probe", "inner probe"]);
    expect(runs.filter((l) => l.startsWith("outer")).length).toBe(
      runs.filter((l) => l.startsWith("inner")).length,
    );
    expect(composeTracers(undefined, undefined)).toBeUndefined();
  });
});
