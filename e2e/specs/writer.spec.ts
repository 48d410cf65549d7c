// The main flow, as a person does it in the browser: build an HTTP integration on the canvas
// (no YAML typed), catch a CEL typo, run it in place with a dev .env, tag it, deploy it with a
// secret, scale it, roll out a new version and undeploy it.
//
// Signed in as the WRITER person (write role only). Only admins manage secrets, so an admin, in a
// browser of their own, creates the secret the writer then binds the deployment to.
// reader.spec.ts covers what a reader may not do.
import { randomBytes } from "node:crypto";
import { api, uniqueName } from "../support/api.ts";
import { PEOPLE, signIn } from "../support/auth.ts";
import { editor, typeCel, validated } from "../support/editor.ts";
import { e2eEnv } from "../support/env.ts";
import { adminSession } from "../support/fixtures.ts";
import { snap } from "../support/screenshots.ts";
import { expect, test } from "../support/test.ts";
import { answers, deploymentRow, internalUrl } from "../support/wait.ts";

test("a writer builds on the canvas, runs, deploys with a secret, scales, rolls out and undeploys", async ({
  page,
  browser,
}) => {
  // The one long flow of the suite (about a minute here): twice the suite's 90 s bound.
  test.setTimeout(180_000);
  const name = uniqueName("greeter");
  const secretName = `GREETING_SECRET_${randomBytes(3).toString("hex").toUpperCase()}`;
  const secretValue = `Bonjour-${randomBytes(4).toString("hex")}`;
  let integrationUrl = "";
  let deploymentUrl = "";
  let endpoint = "";

  await test.step("sign in as the writer person", async () => {
    await signIn(page, PEOPLE.writer);
    await expect(page.getByRole("heading", { name: "Deployments", level: 1 })).toBeVisible();
  });

  await test.step("create an empty integration and open the editor", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New integration" }).click();
    const dialog = page.getByRole("dialog", { name: "New integration" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create integration" }).click();
    await page.waitForURL(/\/integrations\/[0-9a-f-]{36}$/);
    integrationUrl = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "Open the editor" }).click();
    await page.waitForURL(`**${integrationUrl}/edit`);
  });

  const e = editor(page);

  await test.step("build on the canvas: HTTP server, a flow, its source on /hello", async () => {
    await e.palette.getByRole("button", { name: /^HTTP Server/ }).click();
    // The HTTP server brings the platform's HTTP_PORT with it.
    await expect(e.environment.getByRole("group", { name: "HTTP_PORT" })).toBeVisible();
    await e.palette.getByRole("button", { name: "Add flow" }).click();
    await expect(e.settings.getByRole("heading", { name: "Flow" })).toBeVisible();
    await e.settings.getByLabel("Source").selectOption({ label: "http (HTTP route)" });
    await e.canvas.getByRole("button", { name: /^HTTP/ }).click();
    await expect(e.settings.getByRole("heading", { name: "HTTP route" })).toBeVisible();
    await e.settings.getByRole("textbox", { name: "Path" }).fill("/hello");
    await expect(e.canvas.getByRole("button", { name: /^HTTP \/hello/ })).toBeVisible();
  });

  await test.step("a Set Payload step with a CEL typo: the inline error shows and RUN is blocked", async () => {
    await e.palette.getByRole("button", { name: /^Set Payload/ }).click();
    await expect(e.settings.getByRole("heading", { name: "Set Payload" })).toBeVisible();
    const value = e.settings.getByRole("textbox", { name: "Value" });
    await typeCel(value, '{"greeting": env.GREETING +');
    await expect(e.settings.getByRole("alert")).toContainText("unexpected token");
    await expect(value).toHaveAttribute("aria-invalid", "true");
    await expect(e.problems.getByRole("heading", { name: /Problems/ })).toContainText("1");
    await expect(e.problems).toContainText("unexpected token");
    await expect(e.runButton).toBeDisabled();
    await expect(e.run).toContainText("Fix 1 problem first");
  });

  await test.step("fix it, declare GREETING (required) in the Environment panel and save", async () => {
    const value = e.settings.getByRole("textbox", { name: "Value" });
    await typeCel(value, '{"greeting": env.GREETING + ", " + vars.query.name}');
    await expect(e.settings.getByRole("alert")).toHaveCount(0);
    await e.environment.getByRole("button", { name: "Add env var" }).click();
    const row = e.environment.getByRole("group").last();
    await row.getByLabel("Name").fill("GREETING");
    const greeting = e.environment.getByRole("group", { name: "GREETING" });
    await greeting.getByRole("checkbox", { name: "required" }).click();
    await expect(greeting.getByRole("checkbox", { name: "required" })).toBeChecked();
    await validated(e);
    await expect(e.settings.getByRole("alert")).toHaveCount(0);
    await expect(e.problems).not.toContainText("CEL");
    await expect(e.runButton).toBeDisabled();
    await e.save.click();
    await expect(e.toolbar.getByText("saved", { exact: true })).toBeVisible();
    await expect(e.save).toBeDisabled();
  });

  await test.step("RUN with GREETING from the dev .env; a test request answers; the logs show lines", async () => {
    await e.tab("Dev .env (1 missing)").click();
    await expect(e.runButton).toBeDisabled();
    await e.run.getByRole("tabpanel").getByLabel("GREETING", { exact: true }).fill("Hello");
    await expect(e.tab("Dev .env", { exact: true })).toBeVisible();
    await validated(e);
    // The editor validates with the dev .env: the required GREETING is set there, so RUN may go.
    await expect(e.runButton).toBeEnabled();
    await e.runButton.click();
    await expect(e.run.getByRole("status").first()).toHaveText("Running", { timeout: 30_000 });
    await e.tab("Test request").click();
    const form = e.run.getByRole("form", { name: "Test request" });
    await form.getByLabel("Path").fill("/hello?name=Ada");
    await form.getByRole("button", { name: "Send" }).click();
    const response = form.getByRole("region", { name: "Response" });
    await expect(response).toContainText("Status 200");
    await expect(response.locator("pre")).toContainText('"greeting": "Hello, Ada"');
    await e.tab("Logs").click();
    // The run's first lines (which may arrive before runs.start answers) are shown.
    const logs = e.run.getByRole("log", { name: "Run logs" });
    await expect(logs).toContainText("octo: running", { timeout: 10_000 });
    await snap(page, "editor", { phone: true });
    await e.run.getByRole("button", { name: "STOP" }).click();
    await expect(e.run.getByRole("status").first()).toHaveText("Stopped", { timeout: 30_000 });
    await expect(e.runButton).toBeEnabled();
  });

  await test.step("tag the saved definition as v1", async () => {
    await e.toolbar.getByRole("button", { name: "Tag version" }).click();
    const dialog = page.getByRole("dialog", { name: "Tag a version" });
    await dialog.getByLabel("Tag").fill("v1");
    await dialog.getByRole("button", { name: "Tag version" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("an admin creates the secret the deployment binds GREETING to", async () => {
    // The writer may not: the page offers no New secret button to them.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secrets" }).click();
    await expect(page.getByRole("heading", { name: "Secrets", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "New secret" })).toHaveCount(0);
    const admin = await adminSession(browser, e2eEnv().webUrl);
    try {
      const adminPage = admin.page;
      await adminPage.goto("/secrets");
      await adminPage.getByRole("button", { name: "New secret" }).click();
      const dialog = adminPage.getByRole("dialog", { name: "New secret" });
      await dialog.getByLabel("Name").fill(secretName);
      await dialog.getByLabel("Value", { exact: true }).fill(secretValue);
      await dialog.getByRole("button", { name: "Save" }).click();
      await expect(dialog).toBeHidden();
      await expect(adminPage.getByRole("status")).toContainText(`Saved ${secretName}.`);
    } finally {
      await admin.close();
    }
    await page.reload();
    await expect(page.getByRole("cell", { name: secretName, exact: true })).toBeVisible();
  });

  await test.step("deploy v1 with GREETING bound to the secret; it goes live without a reload", async () => {
    await page.goto(integrationUrl);
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
    const versions = page.getByRole("region", { name: "Versions" });
    await expect(versions.getByRole("cell", { name: "v1", exact: true })).toBeVisible();
    await snap(page, "integration");
    const deployments = page.getByRole("region", { name: "Deployments" });
    await deployments.getByRole("button", { name: "Deploy" }).click();
    const dialog = page.getByRole("dialog", { name: `Deploy ${name}` });
    await expect(dialog.getByLabel("Version")).toHaveValue(/.+/);
    await expect(dialog.getByLabel("Version").locator("option:checked")).toHaveText("v1");
    const greeting = dialog.getByRole("group", { name: /^GREETING/ });
    await greeting.getByRole("radio", { name: "Secret" }).check();
    await greeting.getByLabel("GREETING secret").selectOption(secretName);
    await expect(dialog.getByText(/is available$/)).toBeVisible();
    const deploy = dialog.getByRole("button", { name: "Deploy" });
    await expect(deploy).toBeEnabled();
    await deploy.click();
    await expect(dialog).toBeHidden();
    const row = deploymentRow(deployments, "v1");
    await expect(row.getByText("running 1/1")).toBeVisible({ timeout: 60_000 });
    await row.getByRole("link").first().click();
    await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
    deploymentUrl = new URL(page.url()).pathname;
  });

  await test.step("the deployed endpoint answers with the secret's value", async () => {
    await expect(page.getByText("running 1/1").first()).toBeVisible({ timeout: 60_000 });
    endpoint = await internalUrl(page);
    await expect
      .poll(() => answers(`${endpoint}/hello?name=Ada`), { timeout: 30_000 })
      .toEqual({
        status: 200,
        body: { greeting: `${secretValue}, Ada` },
      });
    await snap(page, "deployment");
  });

  await test.step("scale to 2: ready 2/2", async () => {
    const manage = page.getByRole("region", { name: "Manage" });
    await manage.getByLabel("Replicas").fill("2");
    await manage.getByRole("button", { name: "Scale" }).click();
    await expect(page.getByText("running 2/2").first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole("region", { name: "Details" })).toContainText("2 ready of 2");
  });

  await test.step("change the greeting in the editor, save and tag v2", async () => {
    await page.goto(`${integrationUrl}/edit`);
    await e.canvas.getByRole("button", { name: /^Set Payload/ }).click();
    const value = e.settings.getByRole("textbox", { name: "Value" });
    await typeCel(value, '{"greeting": env.GREETING + ", dear " + vars.query.name}');
    await validated(e);
    await expect(e.settings.getByRole("alert")).toHaveCount(0);
    await e.save.click();
    await expect(e.toolbar.getByText("saved", { exact: true })).toBeVisible();
    await e.toolbar.getByRole("button", { name: "Tag version" }).click();
    const dialog = page.getByRole("dialog", { name: "Tag a version" });
    await dialog.getByLabel("Tag").fill("v2");
    await dialog.getByRole("button", { name: "Tag version" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("roll out v2 on the deployment's page: the endpoint answers the new text", async () => {
    await page.goto(deploymentUrl);
    const manage = page.getByRole("region", { name: "Manage" });
    await manage.getByLabel("Roll out another version").selectOption({ label: "v2" });
    await manage.getByRole("button", { name: "Roll out" }).click();
    await expect
      .poll(() => answers(`${endpoint}/hello?name=Ada`), { timeout: 60_000 })
      .toEqual({ status: 200, body: { greeting: `${secretValue}, dear Ada` } });
    // The page shows the rolled-out version live (the watch hears about the row's change).
    const version = page
      .getByRole("region", { name: "Details" })
      .locator("dt", { hasText: "Version" })
      .locator("xpath=following-sibling::dd[1]");
    await expect(version).toHaveText("v2", { timeout: 10_000 });
    await expect(page.getByText("running 2/2").first()).toBeVisible({ timeout: 60_000 });
    await page.goto("/");
    await expect(page.getByRole("link", { name }).first()).toBeVisible();
    await snap(page, "dashboard", { phone: true });
  });

  await test.step("undeploy: the dashboard lists none of it and the endpoint is gone", async () => {
    await page.goto(deploymentUrl);
    await page.getByRole("region", { name: "Manage" }).getByRole("button", { name: "Undeploy" }).click();
    const confirm = page.getByRole("dialog", { name: /^Undeploy/ });
    await confirm.getByRole("button", { name: "Undeploy" }).click();
    await page.waitForURL(`**${integrationUrl}`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Deployments", level: 1 })).toBeVisible();
    // Loaded (the table or the empty state), then none of it is listed.
    await expect(page.getByText(/^(No deployments yet|\d+ deployments?)$/)).toBeVisible();
    await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
    await expect.poll(() => answers(`${endpoint}/hello?name=Ada`), { timeout: 30_000 }).toBe("unreachable");
    const left = await api(page).query<{ integrationId: string }[]>("deployments.list", {});
    expect(left.filter((d) => integrationUrl.endsWith(d.integrationId))).toEqual([]);
  });
});
