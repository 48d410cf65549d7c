// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { LiveIndicator } from "./live-indicator.tsx";
import { appendLogLine, type LogLine } from "./log-buffer.ts";
import { LogPanel } from "./log-panel.tsx";
import { nextStatusEvents } from "./status-events.ts";

const line = (seq: number, stream: LogLine["stream"] = "stdout"): LogLine => ({
  seq,
  replica: "d0000000-0000-4000-8000-000000000001-0",
  stream,
  time: "2025-01-01T00:00:00.000Z",
  text: `line ${seq}`,
});

describe("log buffer", () => {
  it("keeps the last lines only and drops a line replayed after a reconnect", () => {
    let lines: LogLine[] = [];
    for (let seq = 1; seq <= 5; seq++) lines = appendLogLine(lines, line(seq), 3);
    expect(lines.map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(appendLogLine(lines, line(4), 3).map((l) => l.seq)).toEqual([3, 4, 5]);
  });

  it("marks stderr lines in text", () => {
    render(<LogPanel lines={[line(1), line(2, "stderr")]} />);
    const log = screen.getByRole("log", { name: "Logs" });
    expect(log.textContent).toContain("replica 0");
    expect(screen.getByText("line 2").textContent).toContain("stderr");
    expect(screen.getByText("line 1").textContent).not.toContain("stderr");
  });
});

describe("status events", () => {
  it("records a change of status, not the first snapshot nor an unchanged one", () => {
    const none = nextStatusEvents([], undefined, { status: "pending" }, "t1");
    expect(none).toEqual([]);
    const same = nextStatusEvents(none, { status: "pending" }, { status: "pending" }, "t2");
    expect(same).toEqual([]);
    const failed = nextStatusEvents(
      same,
      { status: "pending" },
      { status: "failed", reason: "exited with code 1" },
      "t3",
    );
    expect(failed).toEqual([{ at: "t3", from: "pending", to: "failed", reason: "exited with code 1" }]);
    const removed = nextStatusEvents(failed, { status: "failed" }, undefined, "t4");
    expect(removed[0]).toEqual({ at: "t4", from: "failed", to: "removed" });
  });
});

describe("LiveIndicator", () => {
  it("tells live, reconnecting and disconnected apart, and reconnects on request", async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    const { rerender } = render(<LiveIndicator status="pending" hasError={false} onRetry={onRetry} />);
    expect(screen.getByRole("status").textContent).toBe("Live");
    rerender(<LiveIndicator status="connecting" hasError onRetry={onRetry} />);
    expect(screen.getByRole("status").textContent).toBe("Connection lost, reconnecting…");
    expect(screen.queryByRole("button", { name: "Reconnect" })).toBeNull();
    rerender(<LiveIndicator status="error" hasError onRetry={onRetry} />);
    expect(screen.getByRole("status").textContent).toBe("Disconnected");
    await user.click(screen.getByRole("button", { name: "Reconnect" }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});
