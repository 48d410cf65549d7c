// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import { CreateIntegrationDialog } from "./create-integration-dialog.tsx";

describe("CreateIntegrationDialog", () => {
  it("refuses an empty name and says so", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<CreateIntegrationDialog open onSubmit={onSubmit} onClose={vi.fn()} />);
    await user.type(screen.getByLabelText("Name"), "   ");
    await user.click(screen.getByRole("button", { name: "Create integration" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Name is required")).toBeTruthy();
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
  });

  it("sends the trimmed name and the starting definition exactly", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<CreateIntegrationDialog open onSubmit={onSubmit} onClose={vi.fn()} />);
    await user.type(screen.getByLabelText("Name"), "  Order sync ");
    await user.type(
      screen.getByLabelText("Starting definition (YAML, optional)"),
      "flows:{Enter}  - name: a",
    );
    await user.click(screen.getByRole("button", { name: "Create integration" }));
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith({
      name: "Order sync",
      definition: "flows:\n  - name: a",
    });
  });

  it("leaves the definition out when none was typed, and submits on Enter", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<CreateIntegrationDialog open onSubmit={onSubmit} onClose={vi.fn()} />);
    await user.type(screen.getByLabelText("Name"), "Crm{Enter}");
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith({ name: "Crm" });
  });

  it("shows the server's refusal and waits while busy", () => {
    render(
      <CreateIntegrationDialog
        open
        busy
        error={new TRPCClientError("an integration with this name already exists")}
        onSubmit={vi.fn()}
        onClose={vi.fn()}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe("an integration with this name already exists");
    expect((screen.getByRole("button", { name: "Creating…" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
