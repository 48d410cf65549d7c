// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import { DeleteIntegrationDialog } from "./delete-integration-dialog.tsx";
import { FileIntegrationDialog, FolderNameDialog, MoveFolderDialog } from "./folder-dialogs.tsx";
import { TagVersionDialog } from "./versions-panel.tsx";

const flat = [
  { id: "archive", parentId: null, name: "Archive", depth: 0, path: "Archive" },
  { id: "crm", parentId: null, name: "Crm", depth: 0, path: "Crm" },
  { id: "leads", parentId: "crm", name: "Leads", depth: 1, path: "Crm / Leads" },
];

describe("DeleteIntegrationDialog", () => {
  it("says every deployment is undeployed first, then how many were", async () => {
    const user = userEvent.setup();
    const onConfirm = vi.fn();
    const integration = { id: "i1", name: "Order sync" };
    const { rerender } = render(
      <DeleteIntegrationDialog
        integration={integration}
        result={null}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByText(/undeploys every deployment/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Undeploy and delete" }));
    expect(onConfirm).toHaveBeenCalledOnce();
    rerender(
      <DeleteIntegrationDialog
        integration={integration}
        result={{ undeployed: 3 }}
        onConfirm={onConfirm}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByRole("status").textContent).toBe(
      "“Order sync” was deleted. 3 deployments were undeployed first.",
    );
  });

  it("shows the server's refusal in the dialog", () => {
    render(
      <DeleteIntegrationDialog
        integration={{ id: "i1", name: "Order sync" }}
        result={null}
        error={new TRPCClientError("integration not found")}
        onConfirm={vi.fn()}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe("integration not found");
  });
});

describe("folder dialogs", () => {
  it("names a folder: blank refused, the trimmed name sent", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(
      <FolderNameDialog
        open
        title="New folder"
        submitLabel="Create folder"
        onSubmit={onSubmit}
        onClose={vi.fn()}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Create folder" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Folder name is required")).toBeTruthy();
    await user.type(screen.getByLabelText("Folder name"), " Billing {Enter}");
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith("Billing");
  });

  it("starts a rename from the current name", () => {
    render(
      <FolderNameDialog
        open
        title="Rename folder"
        initialName="Crm"
        submitLabel="Rename"
        onSubmit={vi.fn()}
        onClose={vi.fn()}
      />,
    );
    expect((screen.getByLabelText("Folder name") as HTMLInputElement).value).toBe("Crm");
  });

  it("moves a folder to another parent or to the top level (null), not to where it is", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(
      <MoveFolderDialog
        open
        folderName="Leads"
        currentParentId="crm"
        targets={flat}
        onSubmit={onSubmit}
        onClose={vi.fn()}
      />,
    );
    const move = screen.getByRole("button", { name: "Move" }) as HTMLButtonElement;
    expect(move.disabled).toBe(true);
    await user.selectOptions(screen.getByLabelText("New parent"), "Top level");
    await user.click(move);
    expect(onSubmit).toHaveBeenLastCalledWith(null);
    await user.selectOptions(screen.getByLabelText("New parent"), "archive");
    await user.click(move);
    expect(onSubmit).toHaveBeenLastCalledWith("archive");
  });

  it("files an integration into the chosen folder", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(
      <FileIntegrationDialog
        open
        integrationName="Order sync"
        folders={flat}
        onSubmit={onSubmit}
        onClose={vi.fn()}
      />,
    );
    const file = screen.getByRole("button", { name: "File here" }) as HTMLButtonElement;
    expect(file.disabled).toBe(true);
    await user.selectOptions(screen.getByLabelText("Folder"), "leads");
    await user.click(file);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith("leads");
  });
});

describe("TagVersionDialog", () => {
  it("refuses a blank tag and sends the trimmed one", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<TagVersionDialog open onSubmit={onSubmit} onClose={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Tag version" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Tag is required")).toBeTruthy();
    await user.type(screen.getByLabelText("Tag"), " v1.0 {Enter}");
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith("v1.0");
  });
});
