// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DevEnvPanel } from "./dev-env-panel.tsx";
import { memoryStorage } from "./memory-storage.ts";
import { RunBar, type RunBarProps } from "./run-bar.tsx";
import { type DeclaredEnvVar, type DevEnvStorage, runBlockReason } from "./run-model.ts";
import { useDevEnv } from "./use-dev-env.ts";

const INTEGRATION = "11111111-1111-4111-8111-111111111111";

function bar(overrides: Partial<RunBarProps> = {}) {
  const props: RunBarProps = {
    run: undefined,
    blockReason: null,
    canWrite: true,
    busy: null,
    onRun: vi.fn(),
    onStop: vi.fn(),
    ...overrides,
  };
  render(<RunBar {...props} />);
  return props;
}

describe("RunBar", () => {
  it("disables RUN with the reason as visible text and as its title", async () => {
    const user = userEvent.setup();
    const props = bar({ blockReason: "Fix 2 problems before running" });
    const run = screen.getByRole("button", { name: "RUN" }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe("Fix 2 problems before running");
    expect(screen.getByText("Fix 2 problems before running").tagName).toBe("P");
    await user.click(run);
    expect(props.onRun).not.toHaveBeenCalled();
  });

  it("runs when nothing blocks it", async () => {
    const user = userEvent.setup();
    const props = bar();
    expect(screen.getByRole("status").textContent).toBe("Not running");
    await user.click(screen.getByRole("button", { name: "RUN" }));
    expect(props.onRun).toHaveBeenCalledTimes(1);
  });

  it("offers STOP while a run is live and shows its state", async () => {
    const user = userEvent.setup();
    const props = bar({ run: { id: "r1", status: "running" } });
    expect(screen.queryByRole("button", { name: "RUN" })).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("Running");
    await user.click(screen.getByRole("button", { name: "STOP" }));
    expect(props.onStop).toHaveBeenCalledTimes(1);
  });

  it("shows a failed run's reason and still lets it be stopped", () => {
    bar({ run: { id: "r1", status: "failed", reason: "exited with code 1: boom" } });
    expect(screen.getByRole("status").textContent).toBe("Failed: exited with code 1: boom");
    expect((screen.getByRole("button", { name: "STOP" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows a stopped run as stopped with RUN available again", () => {
    bar({ run: { id: "r1", status: "stopped" } });
    expect(screen.getByRole("status").textContent).toBe("Stopped");
    expect((screen.getByRole("button", { name: "RUN" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows the API's message when starting failed", () => {
    bar({ error: new Error("integration.yaml:3:1: unknown block") });
    expect(screen.getByRole("alert").textContent).toContain("unknown block");
  });

  it("gives readers nothing to press", () => {
    bar({ canWrite: false, blockReason: "You have read access only.", run: { id: "r1", status: "running" } });
    expect((screen.getByRole("button", { name: "STOP" }) as HTMLButtonElement).disabled).toBe(true);
  });
});

/** RUN wired to the dev .env the way run-panel.tsx wires it. */
function Wired({ declared, storage }: { declared: DeclaredEnvVar[]; storage: DevEnvStorage }) {
  const env = useDevEnv(INTEGRATION, storage);
  const blockReason = runBlockReason({
    canWrite: true,
    runnable: { ok: true },
    declared,
    values: env.values,
  });
  return (
    <>
      <RunBar
        run={undefined}
        blockReason={blockReason}
        canWrite
        busy={null}
        onRun={() => {}}
        onStop={() => {}}
      />
      <DevEnvPanel declared={declared} values={env.values} canWrite onChange={env.setValue} />
    </>
  );
}

describe("required env", () => {
  it("blocks RUN until the var has a dev value", async () => {
    const user = userEvent.setup();
    const storage = memoryStorage();
    render(
      <Wired
        declared={[
          { name: "API_TOKEN", required: true, secret: true },
          { name: "REGION", required: true, default: "eu" },
        ]}
        storage={storage}
      />,
    );
    const run = screen.getByRole("button", { name: "RUN" }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe("Set API_TOKEN in Dev .env");
    expect(screen.getByText("Set API_TOKEN in Dev .env")).toBeTruthy();

    await user.type(screen.getByLabelText(/API_TOKEN/, { selector: "input" }), "t0ken");
    expect(run.disabled).toBe(false);
    expect(screen.queryByText("Set API_TOKEN in Dev .env")).toBeNull();
  });

  it("does not block when the stored value is already there", () => {
    const storage = memoryStorage({ [`octo.devEnv:${INTEGRATION}`]: '{"API_TOKEN":"kept"}' });
    render(<Wired declared={[{ name: "API_TOKEN", required: true }]} storage={storage} />);
    expect((screen.getByRole("button", { name: "RUN" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
