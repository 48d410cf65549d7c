// samples/ai-mapping in the editor: created from the sample's YAML through the New integration
// dialog, run once with Invoke against the Anthropic stub the global setup started (it answers
// every call with the clean contact), the mapped contact shown as the output JSON.

import { AI_MAPPING_YAML, CLEAN_CONTACT, CRM_CONTACT } from "../support/ai-mapping.ts";
import { uniqueName } from "../support/api.ts";
import { PEOPLE, signIn } from "../support/auth.ts";
import { editor, validated } from "../support/editor.ts";
import { e2eEnv } from "../support/env.ts";
import { expect, test } from "../support/test.ts";

test("the ai-mapping sample maps a CRM contact through Invoke", async ({ page }) => {
  const name = uniqueName("ai-mapping");
  const { anthropic } = e2eEnv();

  await test.step("create the integration from the sample's YAML", async () => {
    await signIn(page, PEOPLE.writer, "/integrations");
    await page.getByRole("button", { name: "New integration" }).click();
    const dialog = page.getByRole("dialog", { name: "New integration" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Starting definition (YAML, optional)").fill(AI_MAPPING_YAML);
    await dialog.getByRole("button", { name: "Create integration" }).click();
    await page.waitForURL(/\/integrations\/[0-9a-f-]{36}$/);
    await page.getByRole("link", { name: "Open the editor" }).click();
    await page.waitForURL(/\/edit$/);
  });

  const e = editor(page);

  await test.step("Dev .env: the stub's key and URL", async () => {
    await expect(e.canvas.getByRole("region", { name: "Flow import-contact" })).toBeVisible();
    await e.tab(/^Dev \.env/).click();
    const env = e.run.getByRole("tabpanel", { name: /^Dev \.env/ });
    await env.getByLabel("AI_API_KEY", { exact: true }).fill(anthropic.apiKey);
    await env.getByLabel("AI_BASE_URL", { exact: true }).fill(anthropic.url);
    await expect(e.tab("Dev .env", { exact: true })).toBeVisible();
  });

  await test.step("Invoke import-contact with a messy contact: the output is the clean one", async () => {
    await e.tab("Invoke").click();
    const form = e.run.getByRole("form", { name: "Invoke a flow" });
    await expect(form.getByLabel("Flow")).toHaveValue("import-contact");
    const invoke = form.getByRole("button", { name: "Invoke" });
    await validated(e);
    // The editor validates with the dev .env, so the required AI_API_KEY set there counts.
    await expect(invoke).toBeEnabled();
    await form.getByLabel("Input (JSON)").fill(JSON.stringify(CRM_CONTACT, null, 2));
    await invoke.click();
    const result = form.getByRole("region", { name: "Invoke result" });
    await expect(result).toContainText("Succeeded", { timeout: 30_000 });
    const output = JSON.parse(
      (await result.getByRole("figure").locator("pre").textContent()) ?? "",
    ) as unknown;
    expect(output).toEqual({ contact: CLEAN_CONTACT, displayName: "Grace Hopper" });
  });
});
