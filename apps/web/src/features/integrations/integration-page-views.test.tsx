// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import { DefinitionEditor } from "./definition-editor.tsx";
import { DeploymentsPanel } from "./deployments-panel.tsx";
import { IntegrationListView } from "./integration-list-view.tsx";
import { NameEditor } from "./name-editor.tsx";
import { VersionsPanel } from "./versions-panel.tsx";

const versions = [
  { id: "v2", tag: "v2", createdAt: "2025-02-01T00:00:00Z" },
  { id: "v1", tag: "v1", createdAt: "2025-01-01T00:00:00Z" },
];
const deployment = {
  id: "d1",
  name: "order-sync",
  tag: "v2",
  status: "running",
  readyReplicas: 1,
  desiredReplicas: 2,
  externalUrl: "https://orders.example.com",
};

describe("DefinitionEditor", () => {
  it("saves the edited YAML and shows the server's validation message", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    const { rerender } = render(<DefinitionEditor definition={"a: 1\n"} canWrite onSave={onSave} />);
    const save = screen.getByRole("button", { name: "Saved" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    const text = screen.getByLabelText("Definition (YAML)");
    await user.clear(text);
    await user.type(text, "a: 2");
    await user.click(screen.getByRole("button", { name: "Save definition" }));
    expect(onSave).toHaveBeenCalledExactlyOnceWith("a: 2");
    rerender(
      <DefinitionEditor
        definition={"a: 1\n"}
        canWrite
        error={new TRPCClientError("definition: flows[0] has no name")}
        onSave={onSave}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe("definition: flows[0] has no name");
    expect((screen.getByLabelText("Definition (YAML)") as HTMLTextAreaElement).value).toBe("a: 2");
  });

  it("takes a newly saved definition as its text", () => {
    const { rerender } = render(<DefinitionEditor definition="a: 1" canWrite onSave={vi.fn()} />);
    rerender(<DefinitionEditor definition="a: 3" canWrite onSave={vi.fn()} />);
    expect((screen.getByLabelText("Definition (YAML)") as HTMLTextAreaElement).value).toBe("a: 3");
  });

  it("discards unsaved edits", async () => {
    const user = userEvent.setup();
    render(<DefinitionEditor definition="a: 1" canWrite onSave={vi.fn()} />);
    await user.type(screen.getByLabelText("Definition (YAML)"), "0");
    await user.click(screen.getByRole("button", { name: "Discard changes" }));
    expect((screen.getByLabelText("Definition (YAML)") as HTMLTextAreaElement).value).toBe("a: 1");
  });
});

describe("NameEditor", () => {
  it("renames in place: Enter sends the trimmed name, Escape cancels", async () => {
    const user = userEvent.setup();
    const onRename = vi.fn();
    render(<NameEditor name="Order sync" canWrite onRename={onRename} />);
    await user.click(screen.getByRole("button", { name: "Rename" }));
    const input = screen.getByLabelText("Integration name");
    await user.clear(input);
    await user.type(input, "  Orders {Enter}");
    expect(onRename).toHaveBeenCalledExactlyOnceWith("Orders");
    await user.keyboard("{Escape}");
    expect(screen.getByRole("heading", { name: "Order sync" })).toBeTruthy();
  });

  it("will not save a blank name", async () => {
    const user = userEvent.setup();
    render(<NameEditor name="Order sync" canWrite onRename={vi.fn()} />);
    await user.click(screen.getByRole("button", { name: "Rename" }));
    await user.clear(screen.getByLabelText("Integration name"));
    expect((screen.getByRole("button", { name: "Save name" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("Name is required")).toBeTruthy();
  });
});

describe("VersionsPanel and DeploymentsPanel", () => {
  it("lists versions, marks the deployed one and keeps its delete disabled", async () => {
    const user = userEvent.setup();
    const onDelete = vi.fn();
    render(
      <VersionsPanel
        versions={versions}
        deployedVersionIds={new Set(["v2"])}
        canWrite
        onTag={vi.fn()}
        onDelete={onDelete}
      />,
    );
    expect((screen.getByRole("button", { name: "Delete version v2" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    await user.click(screen.getByRole("button", { name: "Delete version v1" }));
    expect(onDelete).toHaveBeenCalledExactlyOnceWith(versions[1]);
    const v2 = screen.getByText("v2", { selector: "strong" }).closest("tr") as HTMLElement;
    expect(within(v2).getByText("deployed")).toBeTruthy();
  });

  it("lists live deployments with their page, status and URL", () => {
    render(
      <DeploymentsPanel
        deployments={[deployment]}
        stream="live"
        canWrite
        deployAvailable
        onDeploy={vi.fn()}
      />,
    );
    expect(screen.getByRole("link", { name: "order-sync" }).getAttribute("href")).toBe("/deployments/d1");
    expect(screen.getByText("running 1/2")).toBeTruthy();
    expect(screen.getByRole("link", { name: "https://orders.example.com" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("live");
  });

  it("says when the stream is lost and when nothing is deployed", () => {
    render(
      <DeploymentsPanel deployments={[]} stream="reconnecting" canWrite deployAvailable onDeploy={vi.fn()} />,
    );
    expect(screen.getByRole("status").textContent).toBe("connection lost, reconnecting…");
    expect(screen.getByText("Not deployed")).toBeTruthy();
  });

  it("keeps Deploy disabled, saying why, when the dialog is unavailable", () => {
    render(
      <DeploymentsPanel deployments={[]} stream="live" canWrite deployAvailable={false} onDeploy={vi.fn()} />,
    );
    const deploy = screen.getByRole("button", { name: "Deploy" }) as HTMLButtonElement;
    expect(deploy.disabled).toBe(true);
    expect(deploy.title).toBe("deploy dialog unavailable");
  });
});

describe("readers", () => {
  it("see every view with no write buttons and a read-only definition", () => {
    render(
      <>
        <NameEditor name="Order sync" canWrite={false} onRename={vi.fn()} />
        <DefinitionEditor definition="a: 1" canWrite={false} onSave={vi.fn()} />
        <VersionsPanel
          versions={versions}
          deployedVersionIds={new Set()}
          canWrite={false}
          onTag={vi.fn()}
          onDelete={vi.fn()}
        />
        <DeploymentsPanel
          deployments={[deployment]}
          stream="live"
          canWrite={false}
          deployAvailable
          onDeploy={vi.fn()}
        />
        <IntegrationListView
          integrations={[{ id: "i1", name: "Order sync", lastUpdated: "2025-03-01T10:00:00Z" }]}
          folderName="Billing"
          query=""
          onQueryChange={vi.fn()}
          deploymentCounts={null}
          canWrite={false}
          onFile={vi.fn()}
          onRemoveFromFolder={vi.fn()}
          onReorderMembers={vi.fn()}
          onDelete={vi.fn()}
        />
      </>,
    );
    expect(screen.getByRole("heading", { name: "Order sync" })).toBeTruthy();
    expect(screen.getByText("v1")).toBeTruthy();
    expect(screen.getByRole("link", { name: "order-sync" })).toBeTruthy();
    expect(screen.getAllByRole("link", { name: "Order sync" })).toHaveLength(1);
    expect(screen.queryAllByRole("button")).toEqual([]);
    expect((screen.getByLabelText("Definition (YAML)") as HTMLTextAreaElement).readOnly).toBe(true);
  });
});
