// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { InvokePanel, type InvokePanelProps } from "./invoke-panel.tsx";

function panel(overrides: Partial<InvokePanelProps> = {}) {
  const props: InvokePanelProps = {
    flows: ["nightly-sync", "recompute"],
    canWrite: true,
    blockReason: null,
    busy: false,
    result: undefined,
    error: null,
    onInvoke: vi.fn(),
    ...overrides,
  };
  const view = render(<InvokePanel {...props} />);
  return { props, ...view };
}

async function typeInput(user: ReturnType<typeof userEvent.setup>, text: string) {
  const input = screen.getByLabelText("Input (JSON)");
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

describe("InvokePanel", () => {
  it("refuses input that is not JSON, inline, and sends nothing", async () => {
    const user = userEvent.setup();
    const { props } = panel();
    await typeInput(user, "{id: 1}");
    await user.click(screen.getByRole("button", { name: "Invoke" }));
    expect(props.onInvoke).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toContain("Not valid JSON");
    // Editing clears the complaint.
    await user.type(screen.getByLabelText("Input (JSON)"), " ");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("sends the chosen flow with the parsed input", async () => {
    const user = userEvent.setup();
    const { props } = panel();
    await user.selectOptions(screen.getByLabelText("Flow"), "recompute");
    await typeInput(user, '{"ids":[1,2],"force":true}');
    await user.click(screen.getByRole("button", { name: "Invoke" }));
    expect(props.onInvoke).toHaveBeenCalledWith({
      flow: "recompute",
      data: { ids: [1, 2], force: true },
      trace: false,
    });
  });

  it("asks for a trace when Trace is ticked, and shows the trace tree it gets", async () => {
    const user = userEvent.setup();
    const { props, rerender } = panel();
    await user.click(screen.getByRole("checkbox", { name: "Trace" }));
    await user.click(screen.getByRole("button", { name: "Invoke" }));
    expect(props.onInvoke).toHaveBeenCalledWith({ flow: "nightly-sync", data: {}, trace: true });
    rerender(
      <InvokePanel
        {...props}
        result={{
          ok: true,
          output: 1,
          logs: [],
          durationMs: 3,
          trace: {
            kind: "flow",
            flow: "nightly-sync",
            status: "completed",
            startMs: 0,
            durationMs: 2,
            input: { body: {}, vars: {} },
            output: { body: 1, vars: {} },
            children: [],
          },
        }}
      />,
    );
    expect(screen.getByRole("region", { name: "Trace (0 steps)" })).toBeTruthy();
    expect(screen.getByRole("button", { name: /flow nightly-sync/ })).toBeTruthy();
  });

  it("shows the output pretty-printed, the duration and the log lines", () => {
    panel({
      result: {
        ok: true,
        output: { count: 3 },
        logs: ['{"level":"info","msg":"synced"}'],
        durationMs: 87,
      },
    });
    const result = screen.getByRole("region", { name: "Invoke result" });
    expect(within(result).getByText("Succeeded")).toBeTruthy();
    expect(within(result).getByText("87 ms")).toBeTruthy();
    expect(within(result).getByRole("figure", { name: "Output" }).textContent).toContain(
      '{\n  "count": 3\n}',
    );
    expect(within(result).getByRole("log", { name: "Invoke logs" }).textContent).toContain('"msg":"synced"');
  });

  it("shows a flow's failure as multi-line text", () => {
    panel({
      result: {
        ok: false,
        error: "block fetch-orders failed\nGET https://api.example.com: 503",
        logs: [],
        durationMs: 15,
      },
    });
    expect(screen.getByText("Failed")).toBeTruthy();
    const error = screen.getByRole("figure", { name: "Error" });
    expect(error.querySelector("pre")?.textContent).toBe(
      "block fetch-orders failed\nGET https://api.example.com: 503",
    );
    expect(screen.getByText("No log lines.")).toBeTruthy();
  });

  it("shows an API error as its message", () => {
    panel({ error: new Error("flow: String must contain at least 1 character(s)") });
    expect(screen.getByRole("alert").textContent).toContain("flow: String must contain");
  });

  it("is blocked for the same reasons as RUN, shown as text", async () => {
    const user = userEvent.setup();
    const { props } = panel({ blockReason: "Set API_TOKEN in Dev .env" });
    const invoke = screen.getByRole("button", { name: "Invoke" }) as HTMLButtonElement;
    expect(invoke.disabled).toBe(true);
    expect(invoke.title).toBe("Set API_TOKEN in Dev .env");
    expect(screen.getByText("Set API_TOKEN in Dev .env")).toBeTruthy();
    await user.click(invoke);
    expect(props.onInvoke).not.toHaveBeenCalled();
  });

  it("lets readers see the form with every control disabled", () => {
    const { container } = panel({ canWrite: false });
    const controls = container.querySelectorAll("input, select, textarea, button");
    expect(controls.length).toBe(4);
    for (const control of controls) expect((control as HTMLButtonElement).disabled).toBe(true);
  });
});
