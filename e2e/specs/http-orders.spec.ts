// samples/http-orders rebuilt in the browser from an empty integration, with the canvas, the
// palette, the settings panel, the Environment panel and the scope buttons only: no YAML is typed.
// The saved definition must mean what the sample says (YAML.parse deep-equal, `service:` aside),
// and a run of it must answer the sample's requests as samples/http-orders/http-orders.test.ts
// expects.
//
// Signed in as the ADMIN person, like writer.spec.ts.
import type { Locator, Page } from "@playwright/test";
import { api, uniqueName } from "../support/api.ts";
import { PEOPLE, signIn } from "../support/auth.ts";
import { type Editor, editor, typeCel, validated } from "../support/editor.ts";
import { snap } from "../support/screenshots.ts";
import { expect, test } from "../support/test.ts";
import { parseYaml, sampleText } from "../support/yaml.ts";

type Path = readonly (string | number)[];

/**
 * The sample's values the editor cannot write exactly as the sample has them, with the reason.
 * Compared with whitespace runs made one space on both sides; everything else is compared as is.
 */
const ONE_LINE_CEL: readonly { path: Path; reason: string }[] = [
  ["flows", 0, "process", 2, "cases", 0, "process", 0, "settings", "value"],
  ["flows", 1, "process", 0, "settings", "value"],
].map((path) => ({
  path,
  reason:
    "the sample's `>-` scalar keeps a line break (its second line is more indented, so YAML does " +
    "not fold it); the editor's CEL fields are one line (cel-input.tsx turns a typed or pasted " +
    "newline into a space). CEL ignores whitespace between tokens: the expression is the same.",
}));

function valueAtPath(value: unknown, path: Path): unknown {
  let at = value;
  for (const seg of path) at = (at as Record<string | number, unknown> | undefined)?.[seg];
  return at;
}

/** A copy of `value` without `service:` and with the ONE_LINE_CEL texts made one line. */
function comparable(value: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  delete copy.service;
  for (const { path } of ONE_LINE_CEL) {
    const holder = valueAtPath(copy, path.slice(0, -1)) as Record<string | number, unknown> | undefined;
    const key = path.at(-1) as string | number;
    const text = holder?.[key];
    if (holder && typeof text === "string") holder[key] = text.replace(/\s+/g, " ");
  }
  return copy;
}

/**
 * Activates a button on the canvas from the keyboard, as the canvas's own hint says ("Tab to a
 * step and press Enter"): focusing a step or a gap pans the canvas to it, which a pointer click
 * on a node outside the visible part of the canvas would not do.
 */
async function activate(button: Locator): Promise<void> {
  await button.focus();
  await button.press("Enter");
}

/** Opens the `+` gap's type picker ("Insert a step into enrich") and picks a block there. */
async function insertAt(
  page: Page,
  e: Editor,
  where: string,
  block: { title: string; type: string },
): Promise<void> {
  const name = `Insert a step ${where}`;
  await activate(e.canvas.getByRole("button", { name, exact: true }));
  const picker = page.getByRole("dialog", { name });
  await picker.getByRole("button", { name: `${block.title} ${block.type}`, exact: true }).click();
  await expect(picker).toBeHidden();
  // The new step is selected: its form is in the settings panel.
  await expect(e.settings.getByRole("heading", { name: block.title, level: 2 })).toBeVisible();
}

const SET_VARIABLE = { title: "Set Variable", type: "set-variable" };
const SET_PAYLOAD = { title: "Set Payload", type: "set-payload" };
const FLOW_REF = { title: "Flow Reference", type: "flow-ref" };
const SWITCH = { title: "Switch", type: "switch" };
const IF = { title: "If", type: "if" };
const LOG = { title: "Log", type: "log" };

/** A CEL field of the settings panel (a CodeMirror editor named by its label). */
function cel(e: Editor, label: string): Locator {
  return e.settings.getByRole("textbox", { name: label, exact: true });
}

/** Types a CEL expression and waits for the runtime's check to accept it. */
async function setCel(e: Editor, label: string, text: string): Promise<void> {
  const field = cel(e, label);
  await typeCel(field, text);
  await expect(field).toHaveText(text);
  await expect(field).not.toHaveAttribute("aria-invalid", "true");
}

/** The selected Set Variable step's variable name and value. */
async function setVariable(e: Editor, name: string, value: string): Promise<void> {
  // The variable's name ("Step name" is the step's own, left empty as in the sample).
  await e.settings.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await setCel(e, "Value", value);
}

/** The selected Flow Reference step calls `flow` (a new step writes no `oneWay`: the default). */
async function flowRef(e: Editor, flow: string, oneWay: boolean): Promise<void> {
  await e.settings.getByRole("combobox", { name: "Flow", exact: true }).selectOption(flow);
  const box = e.settings.getByRole("checkbox", { name: "One way" });
  if (oneWay) await box.check();
  await expect(box).toBeChecked({ checked: oneWay });
}

test("the http-orders sample built on the canvas saves as the sample and answers as the sample", async ({
  page,
}) => {
  // About forty edits, each validated by the runtime, then a run (about 30 s here): twice the
  // suite's 90 s bound, for a machine other suites share.
  test.setTimeout(180_000);
  const sample = sampleText("http-orders", "http-orders.yaml");
  const name = uniqueName("http-orders");
  let integrationId = "";

  await test.step("sign in as the admin person, create an empty integration, open the editor", async () => {
    await signIn(page, PEOPLE.admin);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New integration" }).click();
    const dialog = page.getByRole("dialog", { name: "New integration" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByRole("button", { name: "Create integration" }).click();
    await page.waitForURL(/\/integrations\/[0-9a-f-]{36}$/);
    integrationId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await page.getByRole("link", { name: "Open the editor" }).click();
    await page.waitForURL(`**/integrations/${integrationId}/edit`);
  });

  const e = editor(page);

  await test.step("the HTTP server `api` on port HTTP_PORT (declared, default 8080) under /api/v1", async () => {
    await e.palette.getByRole("button", { name: /^HTTP Server/ }).click();
    await expect(e.settings.getByRole("heading", { name: "HTTP Server", level: 2 })).toBeVisible();
    // The palette's HTTP server brings HTTP_PORT (default 8080) and binds its port to it.
    const port = e.environment.getByRole("group", { name: "HTTP_PORT" });
    await expect(port.getByLabel("Default")).toHaveValue("8080");
    await expect(e.settings.getByRole("combobox", { name: "Port" })).toHaveValue("HTTP_PORT");
    const connectorName = e.settings.getByLabel("Name", { exact: true });
    await connectorName.fill("api");
    await connectorName.blur();
    await e.settings.getByRole("textbox", { name: "Base path" }).fill("/api/v1");
    await expect(e.settings.getByLabel("Name", { exact: true })).toHaveValue("api");
  });

  await test.step("three flows: orders-api (source api, HTTP route), enrich and audit", async () => {
    for (const flow of ["orders-api", "enrich", "audit"]) {
      await e.palette.getByRole("button", { name: "Add flow" }).click();
      await expect(e.settings.getByRole("heading", { name: "Flow", level: 2 })).toBeVisible();
      const flowName = e.settings.getByLabel("Name", { exact: true });
      await flowName.fill(flow);
      await flowName.blur();
      await expect(e.canvas.getByRole("button", { name: flow, exact: true })).toBeVisible();
      if (flow === "orders-api") {
        await e.settings.getByLabel("Source").selectOption({ label: "api (HTTP route)" });
      }
    }
  });

  await test.step("the route: /orders/{id}, header X-Tenant, correlation id from X-Correlation-ID", async () => {
    await activate(e.canvas.getByRole("button", { name: /^HTTP/ }));
    await expect(e.settings.getByRole("heading", { name: "HTTP route", level: 2 })).toBeVisible();
    await e.settings.getByRole("textbox", { name: "Path" }).fill("/orders/{id}");
    await e.settings.getByRole("button", { name: "Add item to Headers" }).click();
    await e.settings.getByRole("textbox", { name: "Headers 1" }).fill("X-Tenant");
    await e.settings.getByRole("textbox", { name: "Correlation ID header" }).fill("X-Correlation-ID");
    await expect(e.canvas.getByRole("button", { name: /^HTTP \/orders\/\{id\}/ })).toBeVisible();
  });

  await test.step("enrich: a Set Payload building the order", async () => {
    await insertAt(page, e, "into enrich", SET_PAYLOAD);
    await setCel(
      e,
      "Value",
      '{"id": vars.id, "tenant": vars.tenant, "amount": body.amount, "priority": vars.priority, "currency": "currency" in body ? body.currency : "EUR"}',
    );
  });

  await test.step("audit: a Log line (level and full left at their defaults)", async () => {
    await insertAt(page, e, "into audit", LOG);
    await setCel(e, "Message", '"audit: " + vars.method + " order " + vars.id + " for " + vars.tenant');
    // A new step writes no optional defaults (level, full), as the sample leaves them out.
    await expect(e.settings.getByRole("checkbox", { name: "Full" })).not.toBeChecked();
  });

  await test.step("orders-api: tenant variable, oneWay flow-ref to audit, a switch", async () => {
    await insertAt(page, e, "into orders-api", SET_VARIABLE);
    await setVariable(e, "tenant", '"X-Tenant" in vars ? vars["X-Tenant"] : "public"');
    await insertAt(page, e, "at the end of orders-api", FLOW_REF);
    await flowRef(e, "audit", true);
    await insertAt(page, e, "at the end of orders-api", SWITCH);
    // A new switch has one case; the POST case and the default are added from its settings.
    await e.settings.getByRole("button", { name: "Add case" }).click();
    await expect(e.settings.getByRole("heading", { name: "Switch › case 2", level: 2 })).toBeVisible();
    await setCel(e, "When", 'vars.method == "POST"');
    await activate(e.canvas.getByRole("button", { name: /^Switch switch/ }));
    await expect(e.settings.getByRole("heading", { name: "Switch", level: 2 })).toBeVisible();
    await e.settings.getByRole("button", { name: "Add default" }).click();
    await expect(e.settings.getByRole("button", { name: "Remove default" })).toBeVisible();
  });

  await test.step("the POST case: if amount >= 1000 (priority high, else normal), enrich, status 201", async () => {
    await insertAt(page, e, "into case 2 of Switch", IF);
    await setCel(e, "Condition", "body.amount >= 1000.0");
    await e.settings.getByRole("button", { name: "Add else" }).click();
    await expect(e.settings.getByRole("button", { name: "Remove else" })).toBeVisible();
    await insertAt(page, e, "into then of If", SET_VARIABLE);
    await setVariable(e, "priority", '"high"');
    await insertAt(page, e, "into else of If", SET_VARIABLE);
    await setVariable(e, "priority", '"normal"');
    await insertAt(page, e, "at the end of case 2 of Switch", FLOW_REF);
    await flowRef(e, "enrich", false);
    await insertAt(page, e, "at the end of case 2 of Switch", SET_VARIABLE);
    await setVariable(e, "httpStatus", '"201"');
  });

  await test.step("the default: status 405 and an error body", async () => {
    await insertAt(page, e, "into default of Switch", SET_VARIABLE);
    await setVariable(e, "httpStatus", '"405"');
    await insertAt(page, e, "at the end of default of Switch", SET_PAYLOAD);
    await setCel(e, "Value", '{"error": vars.method + " is not supported on /orders/{id}"}');
  });

  await test.step("the GET case: its answer, and its condition", async () => {
    await insertAt(page, e, "into case 1 of Switch", SET_PAYLOAD);
    await setCel(
      e,
      "Value",
      '{"id": vars.id, "tenant": vars.tenant, "limit": int("limit" in vars.query ? vars.query.limit : "10")}',
    );
    // The first case came with the switch (a switch needs one). A case's `when` is edited in the
    // settings panel once the case is selected, but only "Add case" selects a case (the one it
    // adds): the canvas draws a case's label as plain text. Expected: the label ("case 1") is a
    // button that selects the case, as a flow's title and its source are.
    const firstCase = e.canvas.getByRole("button", { name: /^case 1\b/ });
    await expect(firstCase, "the canvas has no control that selects the switch's first case").toBeVisible();
    await activate(firstCase);
    await expect(e.settings.getByRole("heading", { name: "Switch › case 1", level: 2 })).toBeVisible();
    await setCel(e, "When", 'vars.method == "GET"');
  });

  await test.step("the runtime accepts it; save", async () => {
    await validated(e);
    await expect(e.problems.getByRole("heading", { name: /^Problems/ })).toHaveText(/^Problems\s*0$/);
    await e.save.click();
    await expect(e.toolbar.getByText("saved", { exact: true })).toBeVisible();
    await expect(e.save).toBeDisabled();
  });

  await test.step("the saved definition means what the sample says (service: aside)", async () => {
    const saved = await api(page).query<{ definition: string }>("integrations.get", { id: integrationId });
    const sampleValue = parseYaml(sample);
    // The exceptions stay true to the sample: each is a text with a line break there.
    for (const { path } of ONE_LINE_CEL) expect(valueAtPath(sampleValue, path)).toContain("\n");
    expect(comparable(parseYaml(saved.definition))).toEqual(comparable(sampleValue));
  });

  await test.step("RUN and send the sample's requests: GET, POST (high), DELETE (405)", async () => {
    await validated(e);
    await expect(e.runButton).toBeEnabled();
    await e.runButton.click();
    await expect(e.run.getByRole("status").first()).toHaveText("Running", { timeout: 60_000 });
    await e.tab("Test request").click();
    const form = e.run.getByRole("form", { name: "Test request" });
    const response = form.getByRole("region", { name: "Response" });
    const body = async () => JSON.parse((await response.locator("pre").textContent()) ?? "null") as unknown;

    // GET with X-Tenant and a correlation id: the path parameter, the tenant, ?limit's default.
    await form.getByRole("button", { name: "Add header" }).click();
    await form.getByLabel("Header 1 name").fill("X-Tenant");
    await form.getByLabel("Header 1 value").fill("acme");
    await form.getByRole("button", { name: "Add header" }).click();
    await form.getByLabel("Header 2 name").fill("X-Correlation-ID");
    await form.getByLabel("Header 2 value").fill("corr-e2e-1");
    await form.getByLabel("Path").fill("/api/v1/orders/7");
    await form.getByRole("button", { name: "Send" }).click();
    await expect(response).toContainText("Status 200", { timeout: 30_000 });
    await expect.poll(body).toEqual({ id: "7", tenant: "acme", limit: 10 });
    await response.getByText(/^Headers \(\d+\)$/).click();
    const echoed = response
      .locator("dl > div")
      .filter({ has: page.locator("dt", { hasText: /^x-correlation-id$/ }) });
    await expect(echoed.locator("dd")).toHaveText("corr-e2e-1");

    // POST from 1000 up: 201, priority high, currency EUR by default (through enrich).
    await form.getByLabel("Method").selectOption("POST");
    await form.getByLabel("Path").fill("/api/v1/orders/42");
    await form.getByLabel("Body", { exact: true }).fill('{"amount": 1500}');
    await form.getByRole("button", { name: "Send" }).click();
    await expect(response).toContainText("Status 201", { timeout: 30_000 });
    await expect
      .poll(body)
      .toEqual({ id: "42", tenant: "acme", amount: 1500, priority: "high", currency: "EUR" });

    // Below 1000: priority normal, the currency given.
    await form.getByLabel("Body", { exact: true }).fill('{"amount": 999.5, "currency": "USD"}');
    await form.getByLabel("Path").fill("/api/v1/orders/44");
    await form.getByRole("button", { name: "Remove header 1" }).click();
    await form.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(body, { timeout: 30_000 })
      .toEqual({ id: "44", tenant: "public", amount: 999.5, priority: "normal", currency: "USD" });

    // A method the switch does not handle: the default's 405.
    await form.getByLabel("Method").selectOption("DELETE");
    await form.getByLabel("Path").fill("/api/v1/orders/42");
    await form.getByRole("button", { name: "Send" }).click();
    await expect(response).toContainText("Status 405", { timeout: 30_000 });
    await expect.poll(body).toEqual({ error: "DELETE is not supported on /orders/{id}" });

    // The oneWay audit ran for each of them.
    await e.tab("Logs").click();
    const logs = e.run.getByRole("log", { name: "Run logs" });
    await expect(logs).toContainText("audit: GET order 7 for acme", { timeout: 15_000 });
    await expect(logs).toContainText("audit: POST order 42 for acme");
    await expect(logs).toContainText("audit: DELETE order 42 for public");
    await snap(page, "editor-http-orders");
    await e.run.getByRole("button", { name: "STOP" }).click();
    await expect(e.run.getByRole("status").first()).toHaveText("Stopped", { timeout: 30_000 });
  });
});
