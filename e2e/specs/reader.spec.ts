// A reader (no write role) sees an integration and its deployment everywhere, and every control
// that would change something is absent or disabled; a write forced through the API is refused.

import { uniqueName } from "../support/api.ts";
import { PEOPLE, signIn } from "../support/auth.ts";
import { editor } from "../support/editor.ts";
import { e2eEnv } from "../support/env.ts";
import type { AdminSession, Deployed } from "../support/fixtures.ts";
import { adminSession, deployGreeter } from "../support/fixtures.ts";
import { snap } from "../support/screenshots.ts";
import { expect, test } from "../support/test.ts";

let admin: AdminSession;
let data: Deployed;

test.beforeAll(async ({ browser }) => {
  admin = await adminSession(browser, e2eEnv().webUrl);
  data = await deployGreeter(admin.api, "read-me");
});

test.afterAll(async () => {
  if (data) await admin.api.mutate("deployments.delete", { id: data.deployment.id }).catch(() => {});
  await admin?.close();
});

test("a reader sees everything and can change nothing", async ({ page }) => {
  const { integration, deployment, secretName } = data;
  // Until users.me answers, every page hides its write controls anyway: absent controls say
  // something only once the header shows the role the orchestrator reported.
  const visit = async (path: string) => {
    await page.goto(path);
    await expect(page.getByRole("banner").getByText("reader", { exact: true })).toBeVisible();
  };

  await test.step("sign in as the reader: the header says reader, no audit log", async () => {
    await signIn(page, PEOPLE.reader);
    await expect(page.getByRole("banner").getByText("reader", { exact: true })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Integrations" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  });

  await test.step("the dashboard lists the deployment", async () => {
    await expect(page.getByRole("link", { name: deployment.name }).first()).toBeVisible();
    await expect(page.getByText("running 1/1").first()).toBeVisible();
  });

  await test.step("integrations: listed, with no New integration, folder or row actions", async () => {
    await visit("/integrations");
    await expect(page.getByRole("link", { name: integration.name, exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "New integration" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^New (sub)?folder$/ })).toHaveCount(0);
    await expect(page.getByRole("button", { name: `Delete ${integration.name}` })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Put in folder…" })).toHaveCount(0);
    await expect(page.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
  });

  await test.step("the integration's page: read-only definition, no deploy, tag, delete or rename", async () => {
    await page.getByRole("link", { name: integration.name, exact: true }).click();
    await expect(page.getByRole("heading", { name: integration.name, level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "View in the editor" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Open the editor" })).toHaveCount(0);
    for (const name of ["Rename", "Delete integration", "Deploy", "Tag a version", "Delete version v1"])
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Save definition|^Saved$/ })).toHaveCount(0);
    const definition = page.getByLabel("Definition (YAML)");
    await expect(definition).toHaveAttribute("readonly", "");
    await expect(page.getByText("Read-only: your role cannot change integrations.")).toBeVisible();
    const deployments = page.getByRole("region", { name: "Deployments" });
    await expect(deployments.getByRole("link", { name: deployment.name })).toBeVisible();
    const versions = page.getByRole("region", { name: "Versions" });
    await expect(versions.getByRole("cell", { name: "v1 deployed", exact: true })).toBeVisible();
  });

  await test.step("the editor: no palette, a read-only canvas, Save, Tag and RUN disabled", async () => {
    await page.getByRole("link", { name: "View in the editor" }).click();
    await page.waitForURL(`**/integrations/${integration.id}/edit`);
    const e = editor(page);
    await expect(e.canvas.getByRole("region", { name: "Flow hello" })).toBeVisible();
    await expect(e.palette).toHaveCount(0);
    await expect(page.getByText("Read-only canvas.", { exact: false })).toBeAttached();
    // No gaps to insert at: every "+" is gone.
    await expect(e.canvas.locator("[data-gap]")).toHaveCount(0);
    for (const name of ["Save", "Tag version", "Deploy", "Undo", "Redo"])
      await expect(e.toolbar.getByRole("button", { name, exact: true })).toBeDisabled();
    await expect(e.toolbar.getByRole("button", { name: "Rename" })).toHaveCount(0);
    await expect(e.environment.getByRole("button", { name: "Add env var" })).toHaveCount(0);
    const greeting = e.environment.getByRole("group", { name: "GREETING" });
    await expect(greeting.getByLabel("Name")).toBeDisabled();
    await expect(greeting.getByRole("checkbox", { name: "required" })).toBeDisabled();
    await expect(greeting.getByRole("button", { name: "Remove" })).toBeDisabled();
    await e.canvas.getByRole("button", { name: /^Set Payload/ }).click();
    await expect(e.settings.getByRole("heading", { name: "Set Payload" })).toBeVisible();
    await expect(e.settings.getByRole("textbox", { name: "Name" })).toBeDisabled();
    await expect(e.settings.getByRole("textbox", { name: "Value" })).toHaveAttribute(
      "contenteditable",
      "false",
    );
    await expect(e.runButton).toBeDisabled();
    await expect(e.run).toContainText("You have read access only.");
  });

  await test.step("the deployment's page: no scale, roll out or undeploy", async () => {
    await visit(`/deployments/${deployment.id}`);
    await expect(page.getByRole("heading", { name: deployment.name, level: 1 })).toBeVisible();
    await expect(page.getByText("running 1/1").first()).toBeVisible();
    await expect(page.getByRole("region", { name: "Manage" })).toHaveCount(0);
    for (const name of ["Scale", "Roll out", "Undeploy"])
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    await expect(page.getByText("Read-only: your role can view this deployment")).toBeVisible();
  });

  await test.step("secrets: listed, but no New secret, Set value or Delete", async () => {
    await visit("/secrets");
    await expect(page.getByRole("cell", { name: secretName, exact: true })).toBeVisible();
    await expect(page.getByText("Only administrators can create, change or delete secrets.")).toBeVisible();
    for (const name of ["New secret", `Set value of ${secretName}`, `Delete ${secretName}`])
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  });

  await test.step("API keys: a reader's own keys, read-scoped only", async () => {
    // API keys are per person and have no write gate: the write scope is what a reader lacks.
    await visit("/api-keys");
    await page.getByRole("button", { name: "New API key" }).click();
    const dialog = page.getByRole("dialog", { name: /API key/ });
    const scope = dialog.getByLabel("Scope");
    await expect(scope.locator("option")).toHaveText(["Read: list and inspect"]);
    await expect(dialog.getByText("You may not write, so you may only create read keys.")).toBeVisible();
    const keyName = uniqueName("reader-laptop");
    await dialog.getByLabel("Name").fill(keyName);
    await dialog.getByRole("button", { name: /^Create/ }).click();
    await expect(dialog.getByText("it will not be shown again")).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    const row = page.getByRole("row").filter({ hasText: keyName });
    await expect(row.getByRole("cell", { name: "read", exact: true })).toBeVisible();
    await snap(page, "api-keys");
  });

  await test.step("a write forced through the API with the reader's session is refused: 403", async () => {
    const res = await page.request.post("/api/trpc/integrations.create", {
      headers: { "content-type": "application/json" },
      data: JSON.stringify({ name: uniqueName("sneaky") }),
    });
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: { data: { code: "FORBIDDEN", httpStatus: 403 } } });
    const names = (await admin.api.query<{ name: string }[]>("integrations.list")).map((i) => i.name);
    expect(names.filter((n) => n.startsWith("sneaky-"))).toEqual([]);
  });
});
