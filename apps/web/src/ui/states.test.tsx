// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { TRPCClientError } from "@trpc/client";
import { expect, it } from "vitest";
import { ErrorNote, errorMessage, QueryState } from "./states.tsx";

it("shows an API error as the message it gave, never a stack", () => {
  const error = new TRPCClientError("the slug shop is taken");
  error.stack = "TRPCClientError: the slug shop is taken\n    at fetch (client.js:1:1)";
  render(<ErrorNote error={error} />);
  expect(screen.getByRole("alert").textContent).toBe("the slug shop is taken");
  expect(errorMessage(new Error("first line\nsecond line"))).toBe("first line");
  expect(errorMessage("not an error")).toBe("something went wrong");
});

it("renders loading, error and loaded states of a query", () => {
  const { rerender } = render(
    <QueryState query={{ data: undefined, error: null, isPending: true }}>{(d: string) => d}</QueryState>,
  );
  expect(screen.getByText("Loading…").getAttribute("aria-busy")).toBe("true");
  rerender(
    <QueryState query={{ data: undefined, error: new Error("forbidden"), isPending: false }}>
      {(d: string) => d}
    </QueryState>,
  );
  expect(screen.getByRole("alert").textContent).toBe("forbidden");
  rerender(
    <QueryState query={{ data: "ready", error: null, isPending: false }}>{(d: string) => d}</QueryState>,
  );
  expect(screen.getByText("ready")).toBeTruthy();
});
