// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { type Trace, TraceTree } from "./trace-tree.tsx";

const at = (line: number) => ({ file: "/tmp/octo-invoke-1/integration.yaml", line, col: 9 });
const snap = (body: unknown, vars: Record<string, unknown> = {}) => ({ body, vars });

/** A foreach over two orders, then a rest call that failed inside handle-errors. */
const TRACE: Trace = {
  kind: "flow",
  flow: "sync",
  status: "completed",
  startMs: 0,
  durationMs: 41.5,
  input: snap({ orders: [1, 2] }),
  output: snap({ status: "degraded" }),
  children: [
    {
      kind: "scope",
      slot: "process",
      iteration: 0,
      startMs: 0.1,
      durationMs: 41,
      children: [
        {
          kind: "step",
          type: "foreach",
          location: at(6),
          startMs: 0.2,
          durationMs: 0.8,
          input: snap({ orders: [1, 2] }),
          output: snap({ orders: [1, 2] }, { seen: 2 }),
          children: [0, 1].map((iteration) => ({
            kind: "scope" as const,
            slot: "body",
            iteration,
            startMs: 0.3,
            durationMs: 0.2,
            children: [
              {
                kind: "step" as const,
                type: "set-variable",
                name: "count",
                location: at(11),
                startMs: 0.3,
                durationMs: 0.05,
                input: snap({ orders: [1, 2] }, { item: iteration + 1 }),
                output: snap({ orders: [1, 2] }, { item: iteration + 1, seen: iteration + 1 }),
                children: [],
              },
            ],
          })),
        },
        {
          kind: "step",
          type: "handle-errors",
          location: at(13),
          startMs: 1,
          durationMs: 40,
          input: snap({ orders: [1, 2] }),
          output: snap({ status: "degraded" }),
          children: [
            {
              kind: "scope",
              slot: "process",
              iteration: 0,
              startMs: 1,
              durationMs: 39,
              children: [
                {
                  kind: "step",
                  type: "rest",
                  location: at(15),
                  startMs: 1,
                  durationMs: 38.7,
                  input: snap({ orders: [1, 2] }),
                  error: {
                    message: "GET http://inventory/items failed: ECONNREFUSED",
                    flow: "sync",
                    block: "rest",
                  },
                  children: [],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe("TraceTree", () => {
  it("shows every step with its line and duration, foreach iterations numbered", () => {
    render(<TraceTree trace={TRACE} />);
    const tree = screen.getByRole("region", { name: "Trace (5 steps)" });
    expect(within(tree).getByRole("button", { name: /flow sync.*41\.5 ms/ })).toBeTruthy();
    expect(within(tree).getByRole("button", { name: /foreach · line 6.*0\.80 ms/ })).toBeTruthy();
    expect(within(tree).getByRole("button", { name: /^▸?▾?\s*body #0/ })).toBeTruthy();
    expect(within(tree).getByRole("button", { name: /body #1/ })).toBeTruthy();
    expect(within(tree).getAllByRole("button", { name: /set-variable "count" · line 11/ })).toHaveLength(2);
  });

  it("opens the path to an error and says what failed", () => {
    render(<TraceTree trace={TRACE} />);
    const rest = screen.getByRole("button", { name: /rest · line 15.*error/ });
    expect(rest.getAttribute("aria-expanded")).toBe("true");
    const body = document.getElementById(rest.getAttribute("aria-controls") ?? "") as HTMLElement;
    expect(body.hidden).toBe(false);
    expect(body.textContent).toContain("rest: GET http://inventory/items failed: ECONNREFUSED");
    expect(screen.getByRole("button", { name: /handle-errors/ }).getAttribute("aria-expanded")).toBe("true");
  });

  it("collapses and expands a node; a step's input and output are behind its toggle", async () => {
    const user = userEvent.setup();
    render(<TraceTree trace={TRACE} />);
    const [first] = screen.getAllByRole("button", { name: /set-variable "count"/ });
    const step = first as HTMLElement;
    expect(step.getAttribute("aria-expanded")).toBe("false");
    const values = document.getElementById(step.getAttribute("aria-controls") ?? "") as HTMLElement;
    expect(values.hidden).toBe(true);
    await user.click(step);
    expect(step.getAttribute("aria-expanded")).toBe("true");
    expect(values.hidden).toBe(false);
    expect(within(values).getByRole("figure", { name: "Input" }).textContent).toContain('"item": 1');
    expect(within(values).getByRole("figure", { name: "Output" }).textContent).toContain('"seen": 1');

    // A composite block keeps its children in view; its own values are one more click away.
    const foreach = screen.getByRole("button", { name: /foreach/ });
    const foreachBody = document.getElementById(foreach.getAttribute("aria-controls") ?? "") as HTMLElement;
    const valuesToggle = within(foreachBody).getAllByRole("button", {
      name: "Input and output",
    })[0] as HTMLElement;
    expect(valuesToggle.getAttribute("aria-expanded")).toBe("false");
    await user.click(valuesToggle);
    expect(within(foreachBody).getAllByRole("figure", { name: "Output" })[0]?.textContent).toContain(
      '"seen": 2',
    );

    await user.click(foreach);
    expect(foreach.getAttribute("aria-expanded")).toBe("false");
    expect(foreachBody.hidden).toBe(true);
  });
});
