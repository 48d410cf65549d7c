// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { IntegrationListView, type IntegrationListViewProps } from "./integration-list-view.tsx";

const rows = [
  { id: "i1", name: "Order sync", lastUpdated: "2025-03-01T10:00:00Z" },
  { id: "i2", name: "CRM import", lastUpdated: "2025-03-02T10:00:00Z" },
  { id: "i3", name: "Orders archive", lastUpdated: "2025-03-03T10:00:00Z" },
];

/** The view with its search state held the way the page holds it. */
function Harness(props: Partial<IntegrationListViewProps>) {
  const [query, setQuery] = useState("");
  return (
    <IntegrationListView
      integrations={rows}
      folderName={null}
      query={query}
      onQueryChange={setQuery}
      deploymentCounts={null}
      canWrite
      onFile={vi.fn()}
      onRemoveFromFolder={vi.fn()}
      onReorderMembers={vi.fn()}
      onDelete={vi.fn()}
      {...props}
    />
  );
}

const names = () =>
  screen
    .getAllByRole("row")
    .slice(1)
    .map((r) => within(r).getByRole("link").textContent);

describe("IntegrationListView", () => {
  it("links each integration to its page and filters by name as you type", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.getByRole("link", { name: "CRM import" }).getAttribute("href")).toBe("/integrations/i2");
    await user.type(screen.getByLabelText("Search by name"), "ORDER");
    expect(names()).toEqual(["Order sync", "Orders archive"]);
    expect(screen.getByText("2 of 3 shown")).toBeTruthy();
    await user.type(screen.getByLabelText("Search by name"), "zzz");
    expect(screen.getByText("No integration matches")).toBeTruthy();
  });

  it("shows deployment counts when they are known", () => {
    render(<Harness deploymentCounts={new Map([["i1", 2]])} />);
    const order = screen.getByRole("link", { name: "Order sync" }).closest("tr") as HTMLElement;
    const crm = screen.getByRole("link", { name: "CRM import" }).closest("tr") as HTMLElement;
    expect(screen.getByRole("columnheader", { name: "Deployments" })).toBeTruthy();
    expect(within(order).getByText("2")).toBeTruthy();
    expect(within(crm).getByText("0")).toBeTruthy();
  });

  it("reorders a folder's members with the full new order", async () => {
    const user = userEvent.setup();
    const onReorderMembers = vi.fn();
    render(<Harness folderName="Billing" onReorderMembers={onReorderMembers} />);
    expect((screen.getByRole("button", { name: "Move Order sync up" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    await user.click(screen.getByRole("button", { name: "Move Orders archive up" }));
    expect(onReorderMembers).toHaveBeenLastCalledWith(["i1", "i3", "i2"]);
    await user.click(screen.getByRole("button", { name: "Move Order sync down" }));
    expect(onReorderMembers).toHaveBeenLastCalledWith(["i2", "i1", "i3"]);
  });

  it("does not reorder a filtered list", async () => {
    const user = userEvent.setup();
    render(<Harness folderName="Billing" />);
    await user.type(screen.getByLabelText("Search by name"), "order");
    expect(
      (screen.getByRole("button", { name: "Move Orders archive up" }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it("removes from the folder, files and deletes the row it is on", async () => {
    const user = userEvent.setup();
    const onRemoveFromFolder = vi.fn();
    const onFile = vi.fn();
    const onDelete = vi.fn();
    render(
      <Harness
        folderName="Billing"
        onRemoveFromFolder={onRemoveFromFolder}
        onFile={onFile}
        onDelete={onDelete}
      />,
    );
    const crm = screen.getByRole("link", { name: "CRM import" }).closest("tr") as HTMLElement;
    await user.click(within(crm).getByRole("button", { name: "Remove from folder" }));
    await user.click(within(crm).getByRole("button", { name: "Move to folder…" }));
    await user.click(within(crm).getByRole("button", { name: "Delete CRM import" }));
    expect(onRemoveFromFolder).toHaveBeenCalledWith(rows[1]);
    expect(onFile).toHaveBeenCalledWith(rows[1]);
    expect(onDelete).toHaveBeenCalledWith(rows[1]);
  });

  it("says a folder is empty", () => {
    render(<Harness folderName="Billing" integrations={[]} />);
    expect(screen.getByText("This folder is empty")).toBeTruthy();
  });
});
