// Runtime spec §5: worker pools, bounded queues, the shared pool and the event bus.
import { describe, expect, it } from "vitest";
import type { FlowEvent } from "../src/engine/events.ts";
import { QueueFullError } from "../src/engine/pool.ts";
import { runtimeOf } from "./helpers.ts";

describe("§5 concurrency and events", () => {
  it("R5.1 events: started then completed, with flow, ids and timing", async () => {
    const { runtime } = await runtimeOf(
      `flows: [{ name: main, process: [{ type: set-payload, settings: { value: '1' } }] }]`,
    );
    const events: FlowEvent[] = [];
    runtime.events.on("*", (e) => e.type !== "block" && events.push(e));
    const outcome = await runtime.invoke("main", null, { correlationID: "corr-1" });
    await runtime.stop();
    expect(events.map((e) => e.type)).toEqual(["started", "completed"]);
    for (const e of events) {
      expect(e).toMatchObject({ flow: "main", eventID: outcome.message.eventID, correlationID: "corr-1" });
      expect(Date.parse(e.time)).not.toBeNaN();
    }
    expect(events[1]?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("R5.2 failed events carry the error {message, flow, block}", async () => {
    const { runtime } = await runtimeOf(
      `flows: [{ name: main, process: [{ type: set-payload, name: bad, settings: { value: 'body.x.y' } }] }]`,
    );
    const failed: FlowEvent[] = [];
    runtime.events.on("failed", (e) => failed.push(e));
    await runtime.invoke("main", {});
    await runtime.stop();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toMatchObject({ flow: "main", block: "bad" });
    expect(failed[0]?.error?.message).toMatch(/x/);
  });

  it("R5.3 a full intake queue rejects (never grows) and emits dropped with reason queue-full", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: slow
    process: [{ type: flow-ref, settings: { flow: work } }]
  - name: work
    process:
      - type: foreach
        items: 'body.items'
        body: { process: [{ type: set-variable, settings: { name: x, value: 'vars.item' } }] }
  - name: main
    workers: 1
    buffer: 2
    process:
      - type: fork
        branches: [{ process: [{ type: flow-ref, settings: { flow: slow } }] }]
`);
    const dropped: FlowEvent[] = [];
    runtime.events.on("dropped", (e) => dropped.push(e));
    const items = Array.from({ length: 200 }, (_, i) => i);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => runtime.invoke("main", { items })),
    );
    await runtime.stop();
    const rejected = results.filter((r) => r.status === "rejected");
    // 1 running + 2 queued accepted; the other 7 are refused at once.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(rejected).toHaveLength(7);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    expect(dropped).toHaveLength(7);
    expect(dropped[0]).toMatchObject({ flow: "main", reason: "queue-full" });
  });

  it("R5.4 workers: 1 completes messages strictly in arrival order", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: main
    workers: 1
    buffer: 100
    process:
      - type: fork
        branches: [{ process: [{ type: set-payload, settings: { value: 'body' } }] }]
`);
    const order: unknown[] = [];
    runtime.events.on("completed", (e) => order.push(e.correlationID));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => runtime.invoke("main", i, { correlationID: `m${i}` })),
    );
    await runtime.stop();
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it("R5.5 nested forks wider than the shared pool neither crash nor deadlock", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: main
    pool: 1
    process:
      - type: fork
        aggregate: true
        branches:
          - name: a
            process:
              - type: fork
                aggregate: true
                branches:
                  - { name: x, process: [{ type: set-payload, settings: { value: '"ax"' } }] }
                  - { name: y, process: [{ type: set-payload, settings: { value: '"ay"' } }] }
          - { name: b, process: [{ type: set-payload, settings: { value: '"b"' } }] }
          - { name: c, process: [{ type: set-payload, settings: { value: '"c"' } }] }
`);
    const outcome = await runtime.invoke("main", null);
    await runtime.stop();
    expect(outcome.message.body).toEqual({ a: { x: "ax", y: "ay" }, b: "b", c: "c" });
  });

  it("R5.6 invoking an unknown flow is a clear error", async () => {
    const { runtime } = await runtimeOf(`flows: [{ name: main, process: [] }]`);
    await expect(runtime.invoke("mian", null)).rejects.toThrow(/no flow named "mian"; flows: main/);
    await runtime.stop();
  });

  it("R5.7 stop drains in-flight messages before resolving", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: main
    process:
      - type: foreach
        items: 'body'
        body: { process: [{ type: flow-ref, settings: { flow: step } }] }
  - name: step
    process: [{ type: set-payload, settings: { value: 'body' } }]
`);
    const pending = runtime.invoke("main", [1, 2, 3]);
    await runtime.stop();
    await expect(pending).resolves.toMatchObject({ status: "completed" });
    await expect(runtime.invoke("main", [])).rejects.toThrow(/shutting down/);
  });
});
