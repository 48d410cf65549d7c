// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { type SecretDeleteResult, type SecretSummary, SecretsView } from "./secrets-view.tsx";

const API_TOKEN: SecretSummary = {
  name: "API_TOKEN",
  createdAt: "2025-01-02T10:00:00.000Z",
  lastUpdated: "2025-01-03T10:00:00.000Z",
  usedBy: [],
};
const DB_PASSWORD: SecretSummary = {
  name: "DB_PASSWORD",
  createdAt: "2025-01-02T11:00:00.000Z",
  lastUpdated: "2025-01-02T11:00:00.000Z",
  usedBy: [],
};
const SECRETS = [API_TOKEN, DB_PASSWORD];
const SHOP = { id: "d0000000-0000-4000-8000-000000000001", name: "shop" };
const BILLING = { id: "d0000000-0000-4000-8000-000000000002", name: "billing" };
/** API_TOKEN bound by two deployments, DB_PASSWORD by none. */
const IN_USE = [{ ...API_TOKEN, usedBy: [BILLING, SHOP] }, DB_PASSWORD];
const VALUE = "s3cr3t-value-never-shown";

function renderView(overrides: Partial<Parameters<typeof SecretsView>[0]> = {}) {
  const props = {
    secrets: SECRETS,
    canAdmin: true,
    onSave: vi.fn(async () => {}),
    onDelete: vi.fn(
      async ({ name }: { name: string }): Promise<SecretDeleteResult> => ({ name, stillBoundBy: [] }),
    ),
    ...overrides,
  };
  const { rerender } = render(<SecretsView {...props} />);
  return { ...props, rerender };
}

const dialog = () => screen.getByRole("dialog");

describe("secret dialog", () => {
  it("creates a secret, clears the value after saving and never renders it again", async () => {
    const user = userEvent.setup();
    const { onSave } = renderView();
    await user.click(screen.getByRole("button", { name: "New secret" }));
    const save = within(dialog()).getByRole("button", { name: "Save" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    await user.type(within(dialog()).getByLabelText("Name"), "new_key");
    // Uppercased as typed; still no value, so still no Save.
    expect((within(dialog()).getByLabelText("Name") as HTMLInputElement).value).toBe("NEW_KEY");
    expect(save.disabled).toBe(true);
    const value = within(dialog()).getByLabelText("Value") as HTMLInputElement;
    expect(value.type).toBe("password");
    expect(value.getAttribute("autocomplete")).toBe("off");
    await user.type(value, VALUE);
    // Typing must not mirror the value into the DOM's attributes.
    expect(document.body.innerHTML).not.toContain(VALUE);
    expect(save.disabled).toBe(false);
    await user.click(save);

    expect(onSave).toHaveBeenCalledWith({ name: "NEW_KEY", value: VALUE });
    expect(value.value).toBe("");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("status").textContent).toMatch(/Saved NEW_KEY/);

    // Opening the dialog again starts blank: nothing of the value survived.
    await user.click(screen.getByRole("button", { name: "New secret" }));
    expect((within(dialog()).getByLabelText("Value") as HTMLInputElement).value).toBe("");
    expect((within(dialog()).getByLabelText("Name") as HTMLInputElement).value).toBe("");
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it("shows the name rule and refuses a name that exists", async () => {
    const user = userEvent.setup();
    renderView();
    await user.click(screen.getByRole("button", { name: "New secret" }));
    await user.type(within(dialog()).getByLabelText("Name"), "1bad");
    expect(within(dialog()).getByText(/must be UPPER_SNAKE_CASE/)).toBeTruthy();
    await user.clear(within(dialog()).getByLabelText("Name"));
    await user.type(within(dialog()).getByLabelText("Name"), "API_TOKEN");
    await user.type(within(dialog()).getByLabelText("Value"), "x");
    expect(within(dialog()).getByText(/already exists/)).toBeTruthy();
    expect((within(dialog()).getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("updates a value with the name fixed and never pre-fills the current value", async () => {
    const user = userEvent.setup();
    const { onSave } = renderView();
    await user.click(screen.getByRole("button", { name: "Set value of API_TOKEN" }));
    expect(within(dialog()).queryByLabelText("Name")).toBeNull();
    expect(within(dialog()).getByText(/current value is never shown/)).toBeTruthy();
    const value = within(dialog()).getByLabelText("New value") as HTMLInputElement;
    expect(value.value).toBe("");
    await user.type(value, VALUE);
    await user.click(within(dialog()).getByRole("button", { name: "Save" }));
    expect(onSave).toHaveBeenCalledWith({ name: "API_TOKEN", value: VALUE });
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it("keeps the dialog open with the server's message when saving fails", async () => {
    const user = userEvent.setup();
    renderView({ onSave: vi.fn(async () => Promise.reject(new Error("value: must be at most 1 MiB"))) });
    await user.click(screen.getByRole("button", { name: "Set value of DB_PASSWORD" }));
    await user.type(within(dialog()).getByLabelText("New value"), "x");
    await user.click(within(dialog()).getByRole("button", { name: "Save" }));
    expect(within(dialog()).getByRole("alert").textContent).toBe("value: must be at most 1 MiB");
  });
});

describe("used by", () => {
  it("lists the deployments binding each secret as links to them, and a dash when none does", () => {
    renderView({ secrets: IN_USE, canAdmin: false });
    const [, apiToken, dbPassword] = screen.getAllByRole("row") as [HTMLElement, HTMLElement, HTMLElement];
    const column = screen.getAllByRole("columnheader").map((h) => h.textContent);
    const usedByCell = (row: HTMLElement) => within(row).getAllByRole("cell")[column.indexOf("Used by")];
    expect(column).toContain("Used by");

    const links = within(usedByCell(apiToken) as HTMLElement).getAllByRole("link");
    expect(links.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["billing", `/deployments/${BILLING.id}`],
      ["shop", `/deployments/${SHOP.id}`],
    ]);
    expect(usedByCell(dbPassword)?.textContent).toBe("—");
    expect(within(dbPassword).queryByRole("link")).toBeNull();
  });
});

describe("deleting a secret", () => {
  it("warns up front about a secret in use and sends force only once Delete anyway is pressed", async () => {
    const user = userEvent.setup();
    const onDelete = vi.fn(
      async ({ name }: { name: string }): Promise<SecretDeleteResult> => ({
        name,
        stillBoundBy: [BILLING.id, SHOP.id],
      }),
    );
    renderView({ secrets: IN_USE, onDelete });

    await user.click(screen.getByRole("button", { name: "Delete API_TOKEN" }));
    expect(screen.getByRole("dialog", { name: "API_TOKEN is in use" })).toBeTruthy();
    const warning = within(dialog()).getByRole("alert");
    expect(warning.textContent).toMatch(/in use by these 2 deployments/);
    expect(warning.textContent).toMatch(/leaves them running, but their next rollout fails until the secret/);
    expect(within(warning).getByRole("link", { name: "shop" }).getAttribute("href")).toBe(
      `/deployments/${SHOP.id}`,
    );
    expect(within(warning).getByRole("link", { name: "billing" })).toBeTruthy();
    // No plain delete on offer, and nothing sent before the user confirms.
    expect(within(dialog()).queryByRole("button", { name: "Delete" })).toBeNull();
    expect(onDelete).not.toHaveBeenCalled();

    await user.click(within(dialog()).getByRole("button", { name: "Delete anyway" }));
    expect(onDelete).toHaveBeenCalledTimes(1);
    expect(onDelete).toHaveBeenCalledWith({ name: "API_TOKEN", force: true });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("status").textContent).toMatch(/2 deployments still reference it/);
  });

  it("cancelling the in-use warning sends nothing", async () => {
    const user = userEvent.setup();
    const { onDelete } = renderView({ secrets: IN_USE });
    await user.click(screen.getByRole("button", { name: "Delete API_TOKEN" }));
    await user.click(within(dialog()).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(onDelete).not.toHaveBeenCalled();
  });

  it("switches to the in-use warning when the server says the secret was bound meanwhile", async () => {
    const user = userEvent.setup();
    const inUse = Object.assign(new Error(`secret is in use by a deployment: ${SHOP.id}`), {
      data: { code: "CONFLICT" },
    });
    const onDelete = vi
      .fn()
      .mockRejectedValueOnce(inUse)
      .mockResolvedValueOnce({ name: "API_TOKEN", stillBoundBy: [SHOP.id] });
    const onInUse = vi.fn();
    const { rerender, ...props } = renderView({ onDelete, onInUse });

    await user.click(screen.getByRole("button", { name: "Delete API_TOKEN" }));
    expect(within(dialog()).queryByRole("button", { name: "Delete anyway" })).toBeNull();
    await user.click(within(dialog()).getByRole("button", { name: "Delete" }));
    expect(onDelete).toHaveBeenNthCalledWith(1, { name: "API_TOKEN", force: false });
    expect(onInUse).toHaveBeenCalledTimes(1);
    expect(within(dialog()).getByRole("alert").textContent).toMatch(/in use by one or more deployments/);

    // The refetched list names the deployment that bound it.
    const refreshed = [{ ...API_TOKEN, usedBy: [SHOP] }, DB_PASSWORD];
    rerender(<SecretsView {...props} secrets={refreshed} />);
    const warning = within(dialog()).getByRole("alert");
    expect(warning.textContent).toMatch(/in use by this deployment/);
    expect(within(warning).getByRole("link", { name: "shop" }).getAttribute("href")).toBe(
      `/deployments/${SHOP.id}`,
    );

    await user.click(within(dialog()).getByRole("button", { name: "Delete anyway" }));
    expect(onDelete).toHaveBeenNthCalledWith(2, { name: "API_TOKEN", force: true });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("status").textContent).toMatch(/1 deployment still references it/);
  });

  it("deletes an unused secret without force and shows other refusals as they are", async () => {
    const user = userEvent.setup();
    const forbidden = Object.assign(new Error("this needs an admin role"), { data: { code: "FORBIDDEN" } });
    const onDelete = vi
      .fn()
      .mockRejectedValueOnce(forbidden)
      .mockResolvedValueOnce({ name: "DB_PASSWORD", stillBoundBy: [] });
    renderView({ onDelete });
    await user.click(screen.getByRole("button", { name: "Delete DB_PASSWORD" }));
    expect(screen.getByRole("dialog", { name: "Delete DB_PASSWORD?" })).toBeTruthy();
    await user.click(within(dialog()).getByRole("button", { name: "Delete" }));
    expect(within(dialog()).getByRole("alert").textContent).toBe("this needs an admin role");
    expect(within(dialog()).queryByRole("button", { name: "Delete anyway" })).toBeNull();
    await user.click(within(dialog()).getByRole("button", { name: "Delete" }));
    expect(onDelete).toHaveBeenLastCalledWith({ name: "DB_PASSWORD", force: false });
    expect(screen.getByRole("status").textContent).toBe("Deleted DB_PASSWORD.");
  });
});

describe("read-only", () => {
  it("shows a non-admin the list without any write control", () => {
    renderView({ canAdmin: false });
    expect(screen.getByText("API_TOKEN")).toBeTruthy();
    expect(screen.getByText("Only administrators can create, change or delete secrets.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "New secret" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Set value/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /Delete/ })).toBeNull();
    expect(screen.queryByRole("dialog", { hidden: true })).toBeNull();
  });

  it("says when there are no secrets", () => {
    renderView({ secrets: [] });
    expect(screen.getByText("No secrets yet")).toBeTruthy();
  });
});
