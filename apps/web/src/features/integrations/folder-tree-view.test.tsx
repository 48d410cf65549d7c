// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FolderNode } from "./folder-tree.ts";
import { FolderTreeView, type FolderTreeViewProps } from "./folder-tree-view.tsx";

const roots: FolderNode[] = [
  {
    id: "billing",
    name: "Billing",
    position: 0,
    parentId: null,
    children: [
      { id: "invoices", name: "Invoices", position: 0, parentId: "billing", children: [] },
      { id: "payments", name: "Payments", position: 1, parentId: "billing", children: [] },
      { id: "refunds", name: "Refunds", position: 2, parentId: "billing", children: [] },
    ],
  },
  { id: "crm", name: "Crm", position: 1, parentId: null, children: [] },
];

function renderTree(props: Partial<FolderTreeViewProps> = {}) {
  const callbacks = {
    onSelect: vi.fn(),
    onCreate: vi.fn(),
    onRename: vi.fn(),
    onMove: vi.fn(),
    onDelete: vi.fn(),
    onReorder: vi.fn(),
  };
  render(<FolderTreeView roots={roots} selectedId={null} canWrite {...callbacks} {...props} />);
  return callbacks;
}

describe("FolderTreeView", () => {
  it("renders folders nested in lists under 'All integrations'", () => {
    renderTree();
    const nav = screen.getByRole("navigation", { name: "Folders" });
    const billing = within(nav).getByRole("button", { name: "Billing" }).closest("li") as HTMLElement;
    const nested = within(billing).getByRole("list");
    expect(
      within(nested)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Invoices", "Payments", "Refunds"]);
    expect(within(nested).queryByRole("button", { name: "Crm" })).toBeNull();
  });

  it("marks the selection with aria-current and calls back with the chosen folder", async () => {
    const user = userEvent.setup();
    const { onSelect } = renderTree({ selectedId: "payments" });
    expect(screen.getByRole("button", { name: "Payments" }).getAttribute("aria-current")).toBe("true");
    expect(screen.getByRole("button", { name: "All integrations" }).getAttribute("aria-current")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Crm" }));
    expect(onSelect).toHaveBeenCalledWith("crm");
    await user.click(screen.getByRole("button", { name: "All integrations" }));
    expect(onSelect).toHaveBeenLastCalledWith(null);
  });

  it("sends the siblings' new order when the selected folder moves up or down", async () => {
    const user = userEvent.setup();
    const { onReorder } = renderTree({ selectedId: "payments" });
    await user.click(screen.getByRole("button", { name: "Move up" }));
    expect(onReorder).toHaveBeenLastCalledWith({
      parentId: "billing",
      folderIds: ["payments", "invoices", "refunds"],
    });
    await user.click(screen.getByRole("button", { name: "Move down" }));
    expect(onReorder).toHaveBeenLastCalledWith({
      parentId: "billing",
      folderIds: ["invoices", "refunds", "payments"],
    });
  });

  it("disables moving past the ends of the sibling list", () => {
    renderTree({ selectedId: "billing" });
    expect((screen.getByRole("button", { name: "Move up" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Move down" }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("hands the selected folder to rename, move and delete", async () => {
    const user = userEvent.setup();
    const { onRename, onMove, onDelete, onCreate } = renderTree({ selectedId: "crm" });
    await user.click(screen.getByRole("button", { name: "Rename" }));
    await user.click(screen.getByRole("button", { name: "Move…" }));
    await user.click(screen.getByRole("button", { name: "Delete" }));
    await user.click(screen.getByRole("button", { name: "New subfolder" }));
    for (const callback of [onRename, onMove, onDelete]) expect(callback.mock.calls[0]?.[0].id).toBe("crm");
    expect(onCreate).toHaveBeenCalledOnce();
  });

  it("moves focus between folders with the arrow keys", async () => {
    const user = userEvent.setup();
    renderTree();
    screen.getByRole("button", { name: "All integrations" }).focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement?.textContent).toBe("Billing");
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(document.activeElement?.textContent).toBe("Payments");
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.textContent).toBe("Invoices");
    await user.keyboard("{End}");
    expect(document.activeElement?.textContent).toBe("Crm");
  });

  it("gives readers the tree but no folder actions", () => {
    renderTree({ canWrite: false, selectedId: "crm" });
    expect(screen.getByRole("button", { name: "Crm" })).toBeTruthy();
    for (const name of ["New folder", "New subfolder", "Rename", "Move…", "Move up", "Move down", "Delete"])
      expect(screen.queryByRole("button", { name })).toBeNull();
  });
});
