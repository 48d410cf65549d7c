// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { type ApiKeySummary, ApiKeysView } from "./api-keys-view.tsx";

const KEYS: ApiKeySummary[] = [
  {
    id: "3f1c6a52-0000-4000-8000-000000000001",
    name: "CI pipeline",
    scope: "write",
    prefix: "octo_ab",
    last4: "wxyz",
    createdAt: "2025-01-02T10:00:00.000Z",
    expiresAt: "2025-02-01T10:00:00.000Z",
    lastUsedAt: null,
    expired: true,
  },
];
const TOKEN = "octo_abSECRETSECRETSECRETwxyz";

function renderView(overrides: Partial<Parameters<typeof ApiKeysView>[0]> = {}) {
  const props = {
    keys: KEYS,
    canWrite: true,
    onCreate: vi.fn(async ({ name }: { name: string }) => ({ name, token: TOKEN })),
    onRevoke: vi.fn(async () => {}),
    ...overrides,
  };
  render(<ApiKeysView {...props} />);
  return props;
}

const dialog = () => screen.getByRole("dialog");

describe("API keys", () => {
  it("lists keys by prefix and last four, with scope, expiry and use", () => {
    renderView();
    const row = screen.getByRole("row", { name: /CI pipeline/ });
    expect(within(row).getByText("octo_ab…wxyz")).toBeTruthy();
    expect(within(row).getByText("write")).toBeTruthy();
    expect(within(row).getByText("expired")).toBeTruthy();
    expect(within(row).getByText("never")).toBeTruthy();
  });

  it("shows the token once, copies it, and drops it when the dialog closes", async () => {
    const user = userEvent.setup();
    const { onCreate } = renderView();
    await user.click(screen.getByRole("button", { name: "New API key" }));
    const create = within(dialog()).getByRole("button", { name: "Create key" }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    await user.type(within(dialog()).getByLabelText("Name"), "deploy bot");
    await user.selectOptions(within(dialog()).getByLabelText("Scope"), "write");
    await user.selectOptions(within(dialog()).getByLabelText("Expires in"), "90");
    await user.click(create);
    expect(onCreate).toHaveBeenCalledWith({ name: "deploy bot", scope: "write", ttlDays: 90 });

    const once = dialog().querySelector(".secret-once");
    expect(once?.textContent).toBe(TOKEN);
    expect(within(dialog()).getByText(/will not be shown again/)).toBeTruthy();
    await user.click(within(dialog()).getByRole("button", { name: "Copy" }));
    expect(await navigator.clipboard.readText()).toBe(TOKEN);
    expect(within(dialog()).getByText("Copied to the clipboard.")).toBeTruthy();

    await user.click(within(dialog()).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.body.innerHTML).not.toContain(TOKEN);
    // Reopening starts a new key: the old token is gone for good.
    await user.click(screen.getByRole("button", { name: "New API key" }));
    expect(within(dialog()).getByLabelText("Name")).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(TOKEN);
  });

  it("defaults to a read key for 30 days and offers no write scope to a reader", async () => {
    const user = userEvent.setup();
    const { onCreate } = renderView({ canWrite: false });
    await user.click(screen.getByRole("button", { name: "New API key" }));
    const scope = within(dialog()).getByLabelText("Scope") as HTMLSelectElement;
    expect([...scope.options].map((o) => o.value)).toEqual(["read"]);
    await user.type(within(dialog()).getByLabelText("Name"), "reader");
    await user.click(within(dialog()).getByRole("button", { name: "Create key" }));
    expect(onCreate).toHaveBeenCalledWith({ name: "reader", scope: "read", ttlDays: 30 });
  });

  it("keeps the form with the server's message when creating fails", async () => {
    const user = userEvent.setup();
    renderView({ onCreate: vi.fn(async () => Promise.reject(new Error("name: is required"))) });
    await user.click(screen.getByRole("button", { name: "New API key" }));
    await user.type(within(dialog()).getByLabelText("Name"), "x");
    await user.click(within(dialog()).getByRole("button", { name: "Create key" }));
    expect(within(dialog()).getByRole("alert").textContent).toBe("name: is required");
    expect(dialog().querySelector(".secret-once")).toBeNull();
  });

  it("revokes a key only after confirming", async () => {
    const user = userEvent.setup();
    const { onRevoke } = renderView();
    await user.click(screen.getByRole("button", { name: "Revoke CI pipeline" }));
    expect(within(dialog()).getByText(/stop working immediately/)).toBeTruthy();
    expect(onRevoke).not.toHaveBeenCalled();
    await user.click(within(dialog()).getByRole("button", { name: "Revoke" }));
    expect(onRevoke).toHaveBeenCalledWith(KEYS[0]?.id);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("Revoked CI pipeline.");
  });

  it("says when there are no keys", () => {
    renderView({ keys: [] });
    expect(screen.getByText("No API keys yet")).toBeTruthy();
  });
});
