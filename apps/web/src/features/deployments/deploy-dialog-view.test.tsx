// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { DeployDialogView, type DeployDialogViewProps } from "./deploy-dialog-view.tsx";
import { INTEGRATION, V2, versions, worker } from "./deploy-fixtures.ts";
import { type DeployFormState, initialDeployForm, type SlugCheck } from "./deploy-form.ts";
import type { CreateDeploymentInput, DeployOptions } from "./types.ts";

const service: DeployOptions = {
  networked: true,
  envVars: [{ name: "GREETING", default: "hello" }],
  slug: "shop",
  slugValid: true,
  slugAvailable: true,
  baseDomain: "apps.example.com",
};

type CheckResult = NonNullable<SlugCheck["result"]>;

/** The view with its form state held the way deploy-dialog.tsx holds it; slug checks answer from `checks`. */
function Harness({
  checks = {},
  ...overrides
}: Partial<DeployDialogViewProps> & { checks?: Record<string, CheckResult> }) {
  const [form, setForm] = useState<DeployFormState>(initialDeployForm);
  const answer = form.slug !== null ? checks[form.slug] : undefined;
  const slugCheck = form.slug !== null && answer ? { slug: form.slug, result: answer } : undefined;
  return (
    <DeployDialogView
      open
      integrationId={INTEGRATION}
      integrationName="Shop"
      form={form}
      onFormChange={setForm}
      versions={versions}
      options={worker}
      slugCheck={slugCheck}
      secretNames={["DB_PASSWORD", "SHOP_TOKEN"]}
      busy={false}
      onDeploy={() => {}}
      onClose={() => {}}
      {...overrides}
    />
  );
}

const deployButton = () => screen.getByRole("button", { name: "Deploy" }) as HTMLButtonElement;

describe("DeployDialogView", () => {
  it("keeps Deploy disabled until every required var is bound, then sends exactly those bindings", async () => {
    const user = userEvent.setup();
    const onDeploy = vi.fn<(input: CreateDeploymentInput) => void>();
    render(<Harness onDeploy={onDeploy} />);

    expect(deployButton().disabled).toBe(true);
    const problems = screen.getByRole("list", { name: "Before deploying" });
    expect(problems.textContent).toContain("API_TOKEN is required");
    expect(problems.textContent).toContain("DB_URL is required");

    // API_TOKEN is declared secret, so it starts as a secret binding.
    await user.selectOptions(screen.getByLabelText("API_TOKEN secret"), "SHOP_TOKEN");
    expect(deployButton().disabled).toBe(true);
    await user.type(screen.getByLabelText("DB_URL value"), "postgres://prod/db");
    expect(deployButton().disabled).toBe(false);
    expect(screen.queryByRole("list", { name: "Before deploying" })).toBeNull();

    await user.click(deployButton());
    expect(onDeploy).toHaveBeenCalledTimes(1);
    expect(onDeploy.mock.calls[0]?.[0]).toEqual({
      integrationId: INTEGRATION,
      versionId: V2,
      replicas: 1,
      env: { API_TOKEN: { secret: "SHOP_TOKEN" }, DB_URL: { value: "postgres://prod/db" } },
    });
  });

  it("binds a literal or a secret depending on the choice, and switching clears the other", async () => {
    const user = userEvent.setup();
    const onDeploy = vi.fn<(input: CreateDeploymentInput) => void>();
    render(<Harness onDeploy={onDeploy} />);

    const apiToken = screen.getByRole("group", { name: /API_TOKEN/ });
    await user.click(within(apiToken).getByRole("radio", { name: "Value" }));
    expect(screen.queryByLabelText("API_TOKEN secret")).toBeNull();
    await user.type(screen.getByLabelText("API_TOKEN value"), "tok-123");

    const dbUrl = screen.getByRole("group", { name: /DB_URL/ });
    await user.type(screen.getByLabelText("DB_URL value"), "typed-then-dropped");
    await user.click(within(dbUrl).getByRole("radio", { name: "Secret" }));
    await user.selectOptions(screen.getByLabelText("DB_URL secret"), "DB_PASSWORD");
    await user.tripleClick(screen.getByLabelText("Replicas"));
    await user.keyboard("3");

    await user.click(deployButton());
    expect(onDeploy.mock.calls[0]?.[0]).toEqual({
      integrationId: INTEGRATION,
      versionId: V2,
      replicas: 3,
      env: { API_TOKEN: { value: "tok-123" }, DB_URL: { secret: "DB_PASSWORD" } },
    });

    // Back to a literal: the field starts empty, not with the discarded text.
    await user.click(within(dbUrl).getByRole("radio", { name: "Value" }));
    expect((screen.getByLabelText("DB_URL value") as HTMLInputElement).value).toBe("");
  });

  it("shows managed vars read-only, without a value or secret to set", () => {
    render(<Harness options={service} />);
    const port = screen.getByRole("group", { name: "HTTP_PORT" }) as HTMLFieldSetElement;
    expect(port.textContent).toContain("Managed by the platform");
    expect(port.disabled).toBe(true);
    expect(within(port).queryByRole("textbox")).toBeNull();
    expect(within(port).queryByRole("combobox")).toBeNull();
    expect(screen.queryByLabelText("HTTP_PORT value")).toBeNull();
    expect(screen.getByRole("group", { name: "HTTP_HOST" }).textContent).toContain("Managed by the platform");
    // The var the version declares is still bindable.
    expect(screen.getByLabelText("GREETING value")).toBeTruthy();
  });

  it("blocks Deploy while the typed slug is taken and says so, then sends the free one", async () => {
    const user = userEvent.setup();
    const onDeploy = vi.fn<(input: CreateDeploymentInput) => void>();
    render(
      <Harness
        options={service}
        onDeploy={onDeploy}
        checks={{
          orders: { slug: "orders", slugValid: true, slugAvailable: false },
          "orders-eu": { slug: "orders-eu", slugValid: true, slugAvailable: true },
        }}
      />,
    );
    const slug = screen.getByLabelText("Slug") as HTMLInputElement;
    expect(slug.value).toBe("shop");
    expect(screen.getByText("shop is available")).toBeTruthy();
    expect(deployButton().disabled).toBe(false);

    await user.clear(slug);
    await user.type(slug, "orders");
    expect(screen.getByText("orders is taken")).toBeTruthy();
    expect(deployButton().disabled).toBe(true);
    expect(screen.getByRole("list", { name: "Before deploying" }).textContent).toContain(
      "The slug orders is taken.",
    );

    await user.type(slug, "-e");
    expect(screen.getByText("Checking…")).toBeTruthy();
    expect(deployButton().disabled).toBe(true);
    await user.type(slug, "u");
    expect(screen.getByText("orders-eu is available")).toBeTruthy();
    expect(screen.getByText("octo-int-orders-eu")).toBeTruthy();

    await user.click(screen.getByRole("checkbox", { name: "Expose externally" }));
    expect(screen.getByText("https://orders-eu.apps.example.com")).toBeTruthy();
    await user.click(deployButton());
    expect(onDeploy.mock.calls[0]?.[0]).toEqual({
      integrationId: INTEGRATION,
      versionId: V2,
      replicas: 1,
      env: {},
      slug: "orders-eu",
      expose: true,
    });
  });

  it("says a slug without letters or digits is invalid", async () => {
    const user = userEvent.setup();
    render(
      <Harness options={service} checks={{ "--": { slug: "", slugValid: false, slugAvailable: false } }} />,
    );
    const slug = screen.getByLabelText("Slug");
    await user.clear(slug);
    await user.type(slug, "--");
    expect(screen.getByText(/Not a valid slug/)).toBeTruthy();
    expect(deployButton().disabled).toBe(true);
  });

  it("shows the exact exposed URL on the orchestrator's BASE_DOMAIN once exposing is ticked", async () => {
    const user = userEvent.setup();
    const onDeploy = vi.fn<(input: CreateDeploymentInput) => void>();
    render(<Harness options={{ ...service, baseDomain: "int.corp.example" }} onDeploy={onDeploy} />);
    const expose = screen.getByRole("checkbox", { name: "Expose externally" }) as HTMLInputElement;
    expect(expose.disabled).toBe(false);
    expect(screen.queryByText(/Reachable at/)).toBeNull();
    await user.click(expose);
    expect(expose.checked).toBe(true);
    expect(screen.getByText("https://shop.int.corp.example")).toBeTruthy();
    expect(screen.queryByText(/needs BASE_DOMAIN/)).toBeNull();
    await user.click(deployButton());
    expect(onDeploy.mock.calls[0]?.[0]).toMatchObject({ slug: "shop", expose: true });
  });

  it("disables exposing when the orchestrator has no BASE_DOMAIN, and says why", async () => {
    const user = userEvent.setup();
    const onDeploy = vi.fn<(input: CreateDeploymentInput) => void>();
    render(<Harness options={{ ...service, baseDomain: null }} onDeploy={onDeploy} />);
    const expose = screen.getByRole("checkbox", { name: "Expose externally" }) as HTMLInputElement;
    expect(expose.disabled).toBe(true);
    expect(expose.checked).toBe(false);
    const hint = screen.getByText("Exposing needs BASE_DOMAIN on the orchestrator");
    expect(expose.getAttribute("aria-describedby")).toBe(hint.id);
    // Clicking a disabled checkbox does nothing.
    await user.click(expose);
    expect(expose.checked).toBe(false);
    expect(screen.queryByText(/https:\/\//)).toBeNull();
    await user.click(deployButton());
    expect(onDeploy.mock.calls[0]?.[0]).toEqual({
      integrationId: INTEGRATION,
      versionId: V2,
      replicas: 1,
      env: {},
      slug: "shop",
    });
  });

  it("asks for a version first when the integration has none", () => {
    render(<Harness versions={[]} options={undefined} />);
    expect(screen.getByText(/Tag a version first/)).toBeTruthy();
    expect(deployButton().disabled).toBe(true);
  });

  it("shows the API's error message inside the dialog", () => {
    render(<Harness error={new TRPCClientError("the slug shop is already in use")} />);
    const dialog = screen.getByRole("dialog", { name: "Deploy Shop" });
    expect(within(dialog).getByRole("alert").textContent).toBe("the slug shop is already in use");
  });

  it("refuses replicas outside 1–20", async () => {
    const user = userEvent.setup();
    render(<Harness options={{ networked: false, envVars: [] }} />);
    expect(deployButton().disabled).toBe(false);
    await user.tripleClick(screen.getByLabelText("Replicas"));
    await user.keyboard("21");
    expect(deployButton().disabled).toBe(true);
    expect(screen.getByRole("list", { name: "Before deploying" }).textContent).toContain("from 1 to 20");
  });
});
