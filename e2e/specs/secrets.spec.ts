// A secret's value is write-only: after the request that creates it, it appears in no response
// the browser gets (JSON, pages, server-sent events), no console message and no page's HTML,
// through the secrets page, the deploy dialog that binds it and the deployment's logs, even with
// a flow that logs it (the runtime redacts a `secret: true` variable's value).
import { randomBytes } from "node:crypto";
import type { Request, Response } from "@playwright/test";
import { api, uniqueName } from "../support/api.ts";
import { PEOPLE, signIn } from "../support/auth.ts";
import { snap } from "../support/screenshots.ts";
import { expect, test } from "../support/test.ts";
import { answers, internalUrl } from "../support/wait.ts";

const LOGGING_YAML = `env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: TOKEN, required: true, secret: true }
connectors:
  - { name: http, type: http, settings: { port: "\${HTTP_PORT}" } }
flows:
  - name: check
    source: { connector: http, type: http, settings: { path: /check } }
    process:
      - { type: log, settings: { message: '"the token is " + env.TOKEN' } }
      - { type: set-payload, settings: { value: '{"length": size(env.TOKEN)}' } }
`;

// Server-sent events never end, so their bodies are read here, in the page, message by message.
const RECORD_EVENT_STREAMS = `(() => {
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(url, init) {
      super(url, init);
      this.addEventListener("message", (event) => console.debug("sse " + url + " " + event.data));
    }
  };
})()`;

test("a secret's value never comes back to the browser", async ({ page }) => {
  const name = `E2E_TOKEN_${randomBytes(3).toString("hex").toUpperCase()}`;
  const value = `v-${randomBytes(16).toString("hex")}`;
  const seen: { what: string; text: string }[] = [];
  const pending: Promise<void>[] = [];
  let createRequest: Request | undefined;

  await page.addInitScript(RECORD_EVENT_STREAMS);
  page.on("console", (m) => seen.push({ what: `console ${m.type()}`, text: m.text() }));
  page.on("request", (r) => {
    if (r.url().includes("/api/trpc/secrets.set")) createRequest = r;
  });
  page.on("response", (r: Response) => {
    if ((r.headers()["content-type"] ?? "").startsWith("text/event-stream")) return;
    pending.push(
      r.body().then(
        (body) => void seen.push({ what: `response ${r.status()} ${r.url()}`, text: body.toString("utf8") }),
        () => {},
      ),
    );
  });
  const html = async (what: string) => seen.push({ what: `html of ${what}`, text: await page.content() });

  let deploymentId = "";
  await test.step("the admin creates the secret on the secrets page", async () => {
    await signIn(page, PEOPLE.admin, "/secrets");
    await page.getByRole("button", { name: "New secret" }).click();
    const dialog = page.getByRole("dialog", { name: "New secret" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Value", { exact: true }).fill(value);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
    // The one place the value may travel: the request that sets it.
    expect(createRequest?.postData() ?? "").toContain(value);
    await page.reload();
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
    await html("/secrets");
    await snap(page, "secrets");
  });

  await test.step("the deploy dialog binds it", async () => {
    const a = api(page);
    const integration = await a.mutate<{ id: string }>("integrations.create", {
      name: uniqueName("secret-logger"),
      definition: LOGGING_YAML,
    });
    await a.mutate("versions.create", { integrationId: integration.id, tag: "v1" });
    await page.goto(`/integrations/${integration.id}`);
    await page.getByRole("region", { name: "Deployments" }).getByRole("button", { name: "Deploy" }).click();
    const dialog = page.getByRole("dialog", { name: /^Deploy / });
    const token = dialog.getByRole("group", { name: /^TOKEN/ });
    await token.getByRole("radio", { name: "Secret" }).check();
    await token.getByLabel("TOKEN secret").selectOption(name);
    await expect(dialog.getByText(/is available$/)).toBeVisible();
    await html("the deploy dialog");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("region", { name: "Deployments" }).getByRole("row").nth(1);
    await expect(row).toContainText("running 1/1", { timeout: 60_000 });
    await row.getByRole("link").first().click();
    await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
    deploymentId = page.url().split("/").pop() ?? "";
  });

  await test.step("the deployment's logs show the line that logs it, redacted", async () => {
    const endpoint = await internalUrl(page);
    await expect
      .poll(() => answers(`${endpoint}/check`), { timeout: 30_000 })
      .toEqual({
        status: 200,
        body: { length: value.length },
      });
    const logs = page.getByRole("log", { name: "Logs" });
    await expect(logs).toContainText("the token is", { timeout: 30_000 });
    await html("the deployment's page with its logs");
  });

  await test.step("the audit log and the secrets page again", async () => {
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
    await expect(page.getByText("secrets.set").first()).toBeVisible();
    await html("/audit");
    await snap(page, "audit");
    await page.goto("/secrets");
    await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
    await html("/secrets, again");
  });

  await test.step("the value is nowhere in what the browser got", async () => {
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 10_000))]);
    expect(seen.filter((s) => s.what.startsWith("response")).length).toBeGreaterThan(10);
    expect(seen.some((s) => s.what.startsWith("console debug") && s.text.includes("the token is"))).toBe(
      true,
    );
    const leaks = seen.filter((s) => s.text.includes(value)).map((s) => s.what);
    expect(leaks).toEqual([]);
  });

  await api(page).mutate("deployments.delete", { id: deploymentId });
});
