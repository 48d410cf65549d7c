// @vitest-environment jsdom
import type { AppRouter } from "@octo/orchestrator/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { afterEach, describe, expect, it } from "vitest";
import type { LogLine } from "../../features/deployments/log-buffer.ts";
import { TRPCProvider } from "../../trpc/client.tsx";
import { RunPanel, type RunPanelProps } from "./run-panel.tsx";

const INTEGRATION = "11111111-1111-4111-8111-111111111111";

interface Run {
  id: string;
  integrationId: string;
  status: string;
  reason?: string;
}

/**
 * The orchestrator's runs API as the panel sees it: queries and mutations answer from `runs`,
 * every call is recorded, and log subscriptions are held open for the test to push lines into.
 */
function fakeApi(runs: Run[]) {
  const calls: { path: string; input: unknown }[] = [];
  const logStreams = new Map<string, (line: LogLine) => void>();
  const answer = (path: string, input: unknown): unknown => {
    switch (path) {
      case "runs.list":
        return runs;
      case "runs.start": {
        const run = { id: `run-${runs.length + 1}`, integrationId: INTEGRATION, status: "running" };
        runs.unshift(run);
        return run;
      }
      case "runs.stop": {
        const run = runs.find((r) => r.id === (input as { id: string }).id);
        if (!run) throw new Error("run not found");
        run.status = "stopped";
        return run;
      }
      default:
        throw new Error(`unexpected call ${path}`);
    }
  };
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push({ path: op.path, input: op.input });
        if (op.type === "subscription") {
          observer.next({ result: { type: "started" } });
          if (op.path === "runs.logs") {
            const { id } = op.input as { id: string };
            logStreams.set(id, (line) =>
              observer.next({ result: { id: String(line.seq), data: { id: String(line.seq), data: line } } }),
            );
          }
          return () => {};
        }
        try {
          observer.next({ result: { type: "data", data: answer(op.path, op.input) } });
          observer.complete();
        } catch (e) {
          observer.error(new TRPCClientError((e as Error).message));
        }
        return () => {};
      });
  return { calls, logStreams, link };
}

function renderPanel(api: ReturnType<typeof fakeApi>, overrides: Partial<RunPanelProps> = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [api.link] });
  const props: RunPanelProps = {
    integrationId: INTEGRATION,
    runnable: { ok: true },
    canWrite: true,
    declaredEnv: [
      { name: "API_TOKEN", required: true, secret: true },
      { name: "REGION", default: "eu" },
    ],
    httpRoutes: [{ flow: "get-order", path: "/orders/{id}" }],
    otherFlows: ["nightly"],
    ...overrides,
  };
  return render(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RunPanel {...props} />
      </TRPCProvider>
    </QueryClientProvider>,
  );
}

const line = (seq: number): LogLine => ({
  seq,
  replica: "run-2-0",
  stream: "stdout",
  time: "2025-01-01T00:00:00.000Z",
  text: `line ${seq}`,
});

afterEach(() => localStorage.clear());

describe("RunPanel", () => {
  it("reattaches to the newest live run and streams its logs once each, Clear included", async () => {
    localStorage.setItem(`octo.devEnv:${INTEGRATION}`, '{"API_TOKEN":"t"}');
    const api = fakeApi([
      { id: "run-3", integrationId: INTEGRATION, status: "stopped" },
      { id: "run-2", integrationId: INTEGRATION, status: "running" },
    ]);
    const user = userEvent.setup();
    renderPanel(api);
    await waitFor(() => expect(screen.getByRole("button", { name: "STOP" })).toBeTruthy());
    expect(screen.getAllByRole("status")[0]?.textContent).toBe("Running");
    await waitFor(() => expect(api.logStreams.has("run-2")).toBe(true));

    const push = (seq: number) => act(() => api.logStreams.get("run-2")?.(line(seq)));
    await push(1);
    await push(2);
    await push(2); // replayed after a reconnect
    const log = screen.getByRole("log", { name: "Run logs" });
    expect(log.textContent?.match(/line \d/g)).toEqual(["line 1", "line 2"]);

    await user.click(screen.getByRole("button", { name: "Clear" }));
    await push(2);
    expect(log.textContent?.match(/line \d/g)).toBeNull();
    await push(3);
    expect(log.textContent?.match(/line \d/g)).toEqual(["line 3"]);
  });

  it("starts the saved definition with the declared, non-blank dev values only, then offers STOP", async () => {
    localStorage.setItem(
      `octo.devEnv:${INTEGRATION}`,
      JSON.stringify({ API_TOKEN: "s3cret", REGION: " ", OLD_VAR: "stale" }),
    );
    const api = fakeApi([]);
    const user = userEvent.setup();
    renderPanel(api);
    const run = await screen.findByRole("button", { name: "RUN" });
    await waitFor(() => expect((run as HTMLButtonElement).disabled).toBe(false));
    await user.click(run);
    expect(api.calls.find((c) => c.path === "runs.start")?.input).toEqual({
      integrationId: INTEGRATION,
      env: { API_TOKEN: "s3cret" },
    });
    const stop = await screen.findByRole("button", { name: "STOP" });
    await user.click(stop);
    expect(api.calls.find((c) => c.path === "runs.stop")?.input).toEqual({ id: "run-1" });
    await screen.findByRole("button", { name: "RUN" });
  });

  it("blocks RUN until required env has a value", async () => {
    const api = fakeApi([]);
    renderPanel(api);
    const run = (await screen.findByRole("button", { name: "RUN" })) as HTMLButtonElement;
    await waitFor(() => expect(run.title).toBe("Set API_TOKEN in Dev .env"));
    expect(run.disabled).toBe(true);
    // Invoke runs with the same env, so it is blocked the same way.
    expect((screen.getByRole("button", { name: "Invoke", hidden: true }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(screen.getByRole("tab", { name: "Dev .env (1 missing)" })).toBeTruthy();
  });

  it("shows the document's reason instead of running it", async () => {
    const api = fakeApi([]);
    renderPanel(api, { runnable: { ok: false, reason: "Save your changes to run them" } });
    const run = (await screen.findByRole("button", { name: "RUN" })) as HTMLButtonElement;
    await waitFor(() => expect(run.title).toBe("Save your changes to run them"));
    expect(run.disabled).toBe(true);
    expect(document.getElementById(run.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Save your changes to run them",
    );
  });

  it("shows only the tabs there is something for", async () => {
    const api = fakeApi([]);
    renderPanel(api, { httpRoutes: [], otherFlows: [] });
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Logs", "Dev .env (1 missing)"]);
  });

  it("lets readers see the panel with RUN disabled", async () => {
    const api = fakeApi([]);
    renderPanel(api, { canWrite: false });
    const run = (await screen.findByRole("button", { name: "RUN" })) as HTMLButtonElement;
    await waitFor(() => expect(run.title).toBe("You have read access only."));
    expect(run.disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Send", hidden: true }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});
