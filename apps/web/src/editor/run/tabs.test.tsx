// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { LogLine } from "../../features/deployments/log-buffer.ts";
import { RunLogs } from "./run-logs.tsx";
import { Tabs } from "./tabs.tsx";

function Harness() {
  const [selected, setSelected] = useState("logs");
  return (
    <Tabs
      label="Run tools"
      selected={selected}
      onSelect={setSelected}
      tabs={[
        { id: "logs", label: "Logs", content: <p>log content</p> },
        { id: "request", label: "Test request", content: <p>request content</p> },
        { id: "env", label: "Dev .env", content: <p>env content</p> },
      ]}
    />
  );
}

describe("Tabs", () => {
  it("is a tablist with one tab stop whose panels are labelled by their tabs", () => {
    render(<Harness />);
    expect(screen.getByRole("tablist", { name: "Run tools" })).toBeTruthy();
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1]);
    expect(tabs[0]?.getAttribute("aria-selected")).toBe("true");
    const panel = screen.getByRole("tabpanel", { name: "Logs" });
    expect(panel.textContent).toBe("log content");
    expect(tabs[0]?.getAttribute("aria-controls")).toBe(panel.id);
    // The other panels stay mounted, hidden.
    expect(screen.queryByRole("tabpanel", { name: "Test request" })).toBeNull();
    expect(screen.getByText("request content").closest("[hidden]")).toBeTruthy();
  });

  it("moves and selects with the arrow keys, Home and End, wrapping around", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Logs");
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.textContent).toBe("Test request");
    expect(screen.getByRole("tabpanel").textContent).toBe("request content");
    await user.keyboard("{End}");
    expect(document.activeElement?.textContent).toBe("Dev .env");
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.textContent).toBe("Logs");
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "Dev .env" }).getAttribute("aria-selected")).toBe("true");
    await user.keyboard("{Home}");
    expect(screen.getByRole("tabpanel").textContent).toBe("log content");
  });

  it("selects on click", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(screen.getByRole("tab", { name: "Dev .env" }));
    expect(screen.getByRole("tabpanel", { name: "Dev .env" }).textContent).toBe("env content");
  });
});

const line = (seq: number, stream: LogLine["stream"] = "stdout"): LogLine => ({
  seq,
  replica: "r-0",
  stream,
  time: "2025-01-01T00:00:00.000Z",
  text: `line ${seq}`,
});

describe("RunLogs", () => {
  it("shows the lines with stderr marked in text, and clears on request", async () => {
    const user = userEvent.setup();
    const onClear = vi.fn();
    render(<RunLogs lines={[line(1), line(2, "stderr")]} onClear={onClear} />);
    const log = screen.getByRole("log", { name: "Run logs" });
    expect(log.textContent).toContain("line 1");
    expect(screen.getByText("line 2").textContent).toContain("stderr");
    expect(screen.getByText("line 1").textContent).not.toContain("stderr");
    await user.click(screen.getByRole("button", { name: "Clear" }));
    expect(onClear).toHaveBeenCalledTimes(1);
  });

  it("has nothing to clear when empty", () => {
    render(<RunLogs lines={[]} onClear={() => {}} />);
    expect(screen.getByText("No log lines yet.")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Clear" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
