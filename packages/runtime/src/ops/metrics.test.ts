// Per-flow and per-connector Prometheus metrics fed by the event bus (issue 4 §4).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../test/helpers.ts";
import { YamlSource } from "../config/yaml-source.ts";
import { QueueFullError } from "../engine/pool.ts";
import { loadRuntimeFromSources } from "../engine/runtime.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";
import type { BlockDefinition } from "../plugin/types.ts";
import { RuntimeMetrics } from "./metrics.ts";

function gated() {
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const block: BlockDefinition = {
    type: "hold",
    label: "Hold",
    category: "processor",
    description: "test: waits for the gate",
    kind: "composite",
    fields: z.strictObject({}),
    compile: () => () => gate,
  };
  return { block, open: () => open() };
}

const YAML = `
flows:
  - name: ok
    process: [{ type: set-payload, settings: { value: '1' } }]
  - name: bad
    process: [{ type: set-payload, settings: { value: 'body.missing' } }]
  - name: busy
    workers: 1
    buffer: 1
    process: [{ type: hold }]
`;

async function measured() {
  const gate = gated();
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const r = loadRuntimeFromSources([new YamlSource("m.yaml", YAML)], {
    registry: defaultRegistry().use({ name: "test", blocks: [gate.block] }),
    osEnv: {},
    logger: memoryLogger(),
    observer: metrics,
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  metrics.use(r.runtime);
  await r.runtime.start({ sources: false });
  return { runtime: r.runtime, metrics, gate };
}

describe("RuntimeMetrics", () => {
  it("counts messages, failures and latency per flow", async () => {
    const { runtime, metrics, gate } = await measured();
    await runtime.invoke("ok", null);
    await runtime.invoke("ok", null);
    await runtime.invoke("bad", {});
    const text = await metrics.text();
    expect(text).toContain('octo_flow_messages_total{flow="ok"} 2');
    expect(text).toContain('octo_flow_messages_total{flow="bad"} 1');
    expect(text).toContain('octo_flow_failures_total{flow="bad"} 1');
    expect(text).toContain('octo_flow_duration_seconds_count{flow="ok",outcome="completed"} 2');
    expect(text).toContain('octo_flow_duration_seconds_count{flow="bad",outcome="failed"} 1');
    gate.open();
    await runtime.stop();
  });

  it("shows queue depth and running messages, and counts queue-full drops", async () => {
    const { runtime, metrics, gate } = await measured();
    const running = runtime.invoke("busy", null);
    const queued = runtime.invoke("busy", null);
    await expect(runtime.invoke("busy", null)).rejects.toBeInstanceOf(QueueFullError);
    const text = await metrics.text();
    expect(text).toContain('octo_flow_queue_depth{flow="busy"} 1');
    expect(text).toContain('octo_flow_queue_capacity{flow="busy"} 1');
    expect(text).toContain('octo_flow_running{flow="busy"} 1');
    expect(text).toContain('octo_flow_drops_total{flow="busy",reason="queue-full"} 1');
    gate.open();
    await Promise.all([running, queued]);
    expect(await metrics.text()).toContain('octo_flow_queue_depth{flow="busy"} 0');
    await runtime.stop();
  });

  it("counts connector errors reported through the runtime", async () => {
    const { runtime, metrics, gate } = await measured();
    expect(await metrics.text()).not.toContain("octo_connector_errors_total{");
    runtime.connectorError("db", "query");
    runtime.connectorError("db", "query");
    expect(await metrics.text()).toContain('octo_connector_errors_total{connector="db",kind="query"} 2');
    gate.open();
    await runtime.stop();
  });

  it("includes process metrics unless turned off", async () => {
    expect(await new RuntimeMetrics().text()).toContain("process_cpu_seconds_total");
    expect(await new RuntimeMetrics({ processMetrics: false }).text()).not.toContain(
      "process_cpu_seconds_total",
    );
  });
});
