// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { NO_FILTERS } from "./audit-filters.ts";
import { type AuditEvent, AuditView } from "./audit-view.tsx";

const EVENTS: AuditEvent[] = [
  {
    id: 2,
    at: "2025-03-04T05:06:07.000Z",
    actorKind: "user",
    actorId: "oidc-sub-alice",
    procedure: "secrets.delete",
    targetKind: "secret",
    targetId: "API_TOKEN",
    outcome: "error",
    errorCode: "CONFLICT",
    durationMs: 12,
  },
  {
    id: 1,
    at: "2025-03-04T05:00:00.000Z",
    actorKind: "api-key",
    actorId: "3f1c6a52-0000-4000-8000-000000000001",
    procedure: "integrations.create",
    targetKind: null,
    targetId: null,
    outcome: "ok",
    errorCode: null,
    durationMs: 3,
  },
];

function renderView(overrides: Partial<Parameters<typeof AuditView>[0]> = {}) {
  const props = {
    canRead: true,
    events: EVENTS,
    error: null,
    isPending: false,
    filters: NO_FILTERS,
    onFilter: vi.fn(),
    canLoadMore: false,
    loadingMore: false,
    onLoadMore: vi.fn(),
    ...overrides,
  };
  render(<AuditView {...props} />);
  return props;
}

describe("audit log", () => {
  it("renders one row per event with actor, action, target and outcome", () => {
    renderView();
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    const [denied, created] = rows as [HTMLElement, HTMLElement];
    expect(within(denied).getByText("oidc-sub-alice")).toBeTruthy();
    expect(within(denied).getByText("secrets.delete")).toBeTruthy();
    expect(within(denied).getByText("API_TOKEN")).toBeTruthy();
    expect(within(denied).getByText("error: CONFLICT")).toBeTruthy();
    expect(within(denied).getByText("12 ms")).toBeTruthy();
    expect(within(created).getByText("api-key")).toBeTruthy();
    expect(within(created).getByText("ok")).toBeTruthy();
    expect(within(created).getByText("—")).toBeTruthy();
  });

  it("shows non-admins a clear state instead of an error or a table", () => {
    renderView({ canRead: false, events: undefined });
    expect(screen.getByText("Only administrators can read the audit log")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByRole("form", { name: "Filter events" })).toBeNull();
  });

  it("treats a FORBIDDEN answer as the admins-only state and other errors as their message", () => {
    const forbidden = Object.assign(new Error("this needs an admin role"), { data: { code: "FORBIDDEN" } });
    const { unmount } = render(
      <AuditView
        canRead
        events={undefined}
        error={forbidden}
        isPending={false}
        filters={NO_FILTERS}
        onFilter={() => {}}
        canLoadMore={false}
        loadingMore={false}
        onLoadMore={() => {}}
      />,
    );
    expect(screen.getByText("Only administrators can read the audit log")).toBeTruthy();
    unmount();
    renderView({ events: undefined, error: new Error("the orchestrator did not answer") });
    expect(screen.getByRole("alert").textContent).toBe("the orchestrator did not answer");
  });

  it("applies the filters the router supports and clears them", async () => {
    const user = userEvent.setup();
    const { onFilter } = renderView();
    await user.type(screen.getByLabelText("Action"), "secrets.set");
    await user.type(screen.getByLabelText("Actor id"), "oidc-sub-alice");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    expect(onFilter).toHaveBeenLastCalledWith({
      procedure: "secrets.set",
      actorId: "oidc-sub-alice",
      since: "",
    });
    await user.click(screen.getByRole("button", { name: "Clear" }));
    expect(onFilter).toHaveBeenLastCalledWith(NO_FILTERS);
    expect((screen.getByLabelText("Action") as HTMLInputElement).value).toBe("");
  });

  it("loads more on request", async () => {
    const user = userEvent.setup();
    const { onLoadMore } = renderView({ canLoadMore: true });
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
  });

  it("says when nothing matches the filters", () => {
    renderView({ events: [], filters: { ...NO_FILTERS, procedure: "nope.nothing" } });
    expect(screen.getByText("No events match these filters")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });
});
