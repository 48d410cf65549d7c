import { describe, expect, it } from "vitest";
import type { FlowTrace } from "./model.ts";
import { traceText } from "./text.ts";

const at = (line: number) => ({ file: "/srv/flows/orders.yaml", line, col: 9 });

const trace: FlowTrace = {
  kind: "flow",
  flow: "orders",
  status: "failed",
  startMs: 0,
  durationMs: 12.5,
  input: { body: { id: 1 }, vars: {} },
  error: { message: "boom", flow: "orders", block: "rest" },
  children: [
    {
      kind: "scope",
      slot: "process",
      iteration: 0,
      startMs: 0.1,
      durationMs: 12,
      children: [
        {
          kind: "step",
          type: "foreach",
          location: at(5),
          startMs: 0.2,
          durationMs: 0.5,
          input: { body: { id: 1 }, vars: {} },
          output: { body: { id: 1 }, vars: {} },
          children: [0, 1].map((iteration) => ({
            kind: "scope" as const,
            slot: "body",
            iteration,
            startMs: 0.3,
            children: [
              {
                kind: "step" as const,
                type: "set-payload",
                location: at(8),
                startMs: 0.3,
                durationMs: 0.0123,
                input: { body: iteration, vars: {} },
                output: { body: iteration + 1, vars: {} },
                children: [],
              },
            ],
          })),
        },
        {
          kind: "step",
          type: "rest",
          name: "fetch",
          location: at(11),
          startMs: 1,
          durationMs: 150,
          input: { body: { id: 1 }, vars: {} },
          error: { message: "GET http://x failed", flow: "orders", block: "fetch" },
          children: [],
        },
      ],
    },
  ],
};

describe("traceText", () => {
  it("draws the tree: iterations numbered, file:line, durations, changed bodies and errors", () => {
    expect(traceText(trace)).toBe(
      [
        "flow orders · failed · 12.50 ms ✗ boom",
        "└─ process",
        "   ├─ foreach · orders.yaml:5 · 0.500 ms",
        "   │  ├─ body #0",
        "   │  │  └─ set-payload · orders.yaml:8 · 0.012 ms → 1",
        "   │  └─ body #1",
        "   │     └─ set-payload · orders.yaml:8 · 0.012 ms → 2",
        '   └─ rest "fetch" · orders.yaml:11 · 150 ms ✗ GET http://x failed',
        "",
      ].join("\n"),
    );
  });
});
