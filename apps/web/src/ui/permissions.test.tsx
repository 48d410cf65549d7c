// @vitest-environment jsdom
import type { AppRouter } from "@octo/orchestrator/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor } from "@testing-library/react";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { describe, expect, it } from "vitest";
import { TRPCProvider } from "../trpc/client.tsx";
import { FixedPermissions, PermissionsProvider, permissionsFrom, useCan } from "./permissions.tsx";

function ShowCan() {
  const { write, admin, known } = useCan();
  return <p data-testid="can">{JSON.stringify({ write, admin, known })}</p>;
}
const shown = () => JSON.parse(screen.getByTestId("can").textContent ?? "");

type Outcome = { data: unknown } | { error: string };

/** users.me answers (or fails) when the test says so, whether or not it was asked yet. */
function pendingMe() {
  let outcome: Outcome | undefined;
  let deliver: (() => void) | undefined;
  const link: TRPCLink<AppRouter> = () => () =>
    observable((observer) => {
      deliver = () => {
        if (!outcome) return;
        if ("data" in outcome) {
          observer.next({ result: { type: "data", data: outcome.data } });
          observer.complete();
        } else observer.error(new TRPCClientError(outcome.error));
      };
      deliver();
    });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [link] });
  render(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <PermissionsProvider>
          <ShowCan />
        </PermissionsProvider>
      </TRPCProvider>
    </QueryClientProvider>,
  );
  return {
    answer: (answer: Outcome) =>
      act(async () => {
        outcome = answer;
        deliver?.();
      }),
  };
}

describe("permissions", () => {
  it("reads users.me: unknown until it answers, then its rights", async () => {
    const me = pendingMe();
    expect(shown()).toEqual({ write: false, admin: false, known: false });
    await me.answer({ data: { id: "u-1", can: { write: true, admin: false } } });
    await waitFor(() => expect(shown()).toEqual({ write: true, admin: false, known: true }));
  });

  it("knows the caller has no rights once users.me fails", async () => {
    const me = pendingMe();
    await me.answer({ error: "the orchestrator is unreachable" });
    await waitFor(() => expect(shown()).toEqual({ write: false, admin: false, known: true }));
  });

  it("keeps the last answer's rights when a refetch fails", () => {
    const data = { can: { write: true, admin: true } };
    expect(permissionsFrom({ data, isError: true })).toEqual({ write: true, admin: true, known: true });
    expect(permissionsFrom({ isError: false })).toEqual({ write: false, admin: false, known: false });
  });

  it("lets tests fix the rights, known unless they say otherwise", () => {
    const { unmount } = render(
      <FixedPermissions value={{ write: true, admin: false }}>
        <ShowCan />
      </FixedPermissions>,
    );
    expect(shown()).toEqual({ write: true, admin: false, known: true });
    unmount();
    render(
      <FixedPermissions value={{ write: false, admin: false, known: false }}>
        <ShowCan />
      </FixedPermissions>,
    );
    expect(shown()).toEqual({ write: false, admin: false, known: false });
  });

  it("is unknown without a provider", () => {
    render(<ShowCan />);
    expect(shown().known).toBe(false);
  });
});
