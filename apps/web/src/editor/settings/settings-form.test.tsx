// @vitest-environment jsdom
import { EditorView } from "@codemirror/view";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeAll, describe, expect, it, type Mock, vi } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { CEL_CHECK_DELAY_MS } from "../cel/cel-input.tsx";
import { deriveSchemaInfo, type SchemaInfo } from "../model/schema-info.ts";
import { blockFormSchema, envRef, type JsonSchema } from "./field-model.ts";
import { type SettingsContext, SettingsForm, type SettingsFormProps } from "./settings-form.tsx";

let info: SchemaInfo;

beforeAll(async () => {
  // The schema the runtime publishes (`octo schema`), generated once for the file.
  info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
});

function blockSchema(type: string): JsonSchema {
  const block = info.blocks.get(type);
  if (!block) throw new Error(`no block ${type}`);
  return blockFormSchema(block).schema;
}

function connectorSchema(type: string): JsonSchema {
  const settings = info.connectors.get(type)?.settings;
  if (!settings) throw new Error(`no connector ${type}`);
  return settings;
}

const CONTEXT: SettingsContext = {
  connectors: [
    { name: "api", type: "http-client" },
    { name: "db", type: "database" },
    { name: "billing", type: "http-client" },
    { name: "audit", type: "logger" },
  ],
  flows: ["main", "orders"],
  envVars: ["TOKEN", "API_URL"],
};

type Value = Record<string, unknown> | undefined;

/** The form with its value kept in state, as the editor does, reporting every change. */
function renderForm(
  schema: JsonSchema,
  initial: Value,
  extra: Partial<Omit<SettingsFormProps, "schema" | "value" | "onChange">> = {},
) {
  const onChange: Mock<(value: Record<string, unknown>) => void> = vi.fn();
  function Harness() {
    const [value, setValue] = useState<Value>(initial);
    return (
      <SettingsForm
        idPrefix="f"
        schema={schema}
        value={value}
        context={CONTEXT}
        {...extra}
        onChange={(next) => {
          setValue(next);
          onChange(next);
        }}
      />
    );
  }
  const result = render(<Harness />);
  const last = () => onChange.mock.lastCall?.[0];
  return { ...result, onChange, last };
}

function optionTexts(select: HTMLElement): string[] {
  return Array.from((select as HTMLSelectElement).options).map((o) => o.textContent ?? "");
}

describe("SettingsForm: the rest block", () => {
  it("offers only http-client connectors, and marks a dangling one", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("rest"), {});
    const connector = screen.getByLabelText("Connector") as HTMLSelectElement;
    expect(optionTexts(connector)).toEqual(["Choose a connector…", "api", "billing"]);
    expect(connector.getAttribute("aria-required")).toBe("true");
    // The description is the field's hint, and an empty required field says so.
    const describedBy = connector.getAttribute("aria-describedby")?.split(" ") ?? [];
    const hints = describedBy.map((id) => document.getElementById(id)?.textContent);
    expect(hints).toEqual(["an http-client connector", "required"]);

    await user.selectOptions(connector, "billing");
    expect(last()).toEqual({ connector: "billing" });
    expect(screen.queryByText("required")).toBeNull();
  });

  it("shows a connector the file no longer declares as missing", () => {
    renderForm(blockSchema("rest"), { connector: "gone" });
    const connector = screen.getByLabelText("Connector") as HTMLSelectElement;
    expect(optionTexts(connector)).toEqual(["Choose a connector…", "(missing) gone", "api", "billing"]);
    expect(connector.value).toBe("gone");
  });

  it("picks the method from its enum, and unsetting it removes the key", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("rest"), { connector: "api" });
    const method = screen.getByLabelText("Method") as HTMLSelectElement;
    expect(optionTexts(method)).toEqual(["Default (GET)", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
    await user.selectOptions(method, "POST");
    expect(last()).toEqual({ connector: "api", method: "POST" });
    await user.selectOptions(method, "");
    expect(last()).toEqual({ connector: "api" });
  });

  it("edits query parameters as rows: add, name, value, remove give the exact object", async () => {
    const user = userEvent.setup();
    const { last, onChange } = renderForm(blockSchema("rest"), {
      connector: "api",
      query: { units: "metric" },
    });
    const query = screen.getByRole("group", { name: "Query" });
    expect((within(query).getByLabelText("Query name 1") as HTMLInputElement).value).toBe("units");
    expect((within(query).getByLabelText("Query value 1") as HTMLInputElement).value).toBe("metric");

    await user.click(within(query).getByRole("button", { name: "Add entry to Query" }));
    // A row without a name changes nothing yet, and it has the focus.
    expect(onChange).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(within(query).getByLabelText("Query name 2"));
    await user.keyboard("city");
    expect(last()).toEqual({ connector: "api", query: { units: "metric", city: "" } });
    await user.click(within(query).getByLabelText("Query value 2"));
    await user.paste("{body.city}");
    expect(last()).toEqual({ connector: "api", query: { units: "metric", city: "{body.city}" } });

    await user.click(within(query).getByRole("button", { name: "Remove Query 1" }));
    expect(last()).toEqual({ connector: "api", query: { city: "{body.city}" } });
    expect((within(query).getByLabelText("Query name 1") as HTMLInputElement).value).toBe("city");
    // Focus lands on Add, not on the page.
    expect(document.activeElement).toBe(within(query).getByRole("button", { name: "Add entry to Query" }));

    await user.click(within(query).getByRole("button", { name: "Remove Query 1" }));
    expect(last()).toEqual({ connector: "api" });
    expect(within(query).queryByLabelText("Query name 1")).toBeNull();
  });

  it("hints a broken template value in a row", async () => {
    const user = userEvent.setup();
    renderForm(blockSchema("rest"), { connector: "api", headers: { "X-Id": "ok" } });
    const headers = screen.getByRole("group", { name: "Headers" });
    await user.click(within(headers).getByLabelText("Headers value 1"));
    await user.paste("{vars.id");
    expect(within(headers).getByText("X-Id: a { is never closed; write {{ for a literal {")).toBeTruthy();
  });

  it("removes a number's key when it is emptied, never writing an empty string", async () => {
    const user = userEvent.setup();
    const { last, onChange } = renderForm(blockSchema("rest"), {
      connector: "api",
      retry: { maxAttempts: 3, maxDelay: "5s" },
    });
    const attempts = screen.getByLabelText("Max attempts") as HTMLInputElement;
    expect(attempts.value).toBe("3");
    await user.clear(attempts);
    expect(last()).toEqual({ connector: "api", retry: { maxDelay: "5s" } });
    await user.type(attempts, "12");
    expect(last()).toEqual({ connector: "api", retry: { maxDelay: "5s", maxAttempts: 12 } });
    // An emptied object goes too.
    await user.clear(attempts);
    await user.clear(screen.getByLabelText("Max delay"));
    expect(last()).toEqual({ connector: "api" });
    for (const [value] of onChange.mock.calls) {
      const retry = (value as { retry?: Record<string, unknown> }).retry;
      expect(retry?.maxAttempts).not.toBe("");
    }
  });

  it("hints bounds and the duration format as the user types", async () => {
    const user = userEvent.setup();
    renderForm(blockSchema("rest"), { connector: "api" });
    await user.type(screen.getByLabelText("Max attempts"), "500");
    expect(screen.getByText("at most 100")).toBeTruthy();
    const delay = screen.getByLabelText("Max delay");
    expect(delay.getAttribute("aria-describedby")).toContain("f-retry-maxDelay-format");
    expect(document.getElementById("f-retry-maxDelay-format")?.textContent).toMatch(/250ms, 30s/);
    await user.type(delay, "5 s");
    expect(screen.getByText('expected a duration such as "250ms", "30s", "5m" or "0"')).toBeTruthy();
    await user.clear(delay);
    await user.type(delay, "1h30m");
    expect(screen.queryByText(/expected a duration/)).toBeNull();
  });

  it("shows defaults as placeholders and toggles a boolean against its default", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("rest"), { connector: "api" });
    expect((screen.getByLabelText("Status var") as HTMLInputElement).placeholder).toBe("statusCode");
    const failOnError = screen.getByLabelText("Fail on error") as HTMLInputElement;
    expect(failOnError.checked).toBe(true);
    await user.click(failOnError);
    expect(last()).toEqual({ connector: "api", failOnError: false });
    await user.click(failOnError);
    expect(last()).toEqual({ connector: "api" });
  });

  it("shows the runtime's errors on their fields, nested ones included", () => {
    renderForm(
      blockSchema("rest"),
      { connector: "api", retry: { maxDelay: "1s" } },
      {
        errors: {
          connector: 'connector "api" is not an http-client',
          "retry.maxDelay": "must exceed initialDelay",
        },
      },
    );
    const connectorError = document.getElementById("f-connector-error");
    expect(connectorError?.textContent).toBe('connector "api" is not an http-client');
    expect(screen.getByLabelText("Connector").getAttribute("aria-describedby")).toContain(
      "f-connector-error",
    );
    expect(document.getElementById("f-retry-maxDelay-error")?.textContent).toBe("must exceed initialDelay");
  });

  it("keeps keys the schema does not know, and never mutates the value it was given", async () => {
    const user = userEvent.setup();
    const given = Object.freeze({
      connector: "api",
      legacyFlag: true,
      tuning: Object.freeze({ a: 1 }),
    });
    const onChange = vi.fn();
    render(
      <SettingsForm
        idPrefix="f"
        schema={blockSchema("rest")}
        value={given}
        context={CONTEXT}
        onChange={onChange}
      />,
    );
    expect(screen.getByText("Also set, kept as written: legacyFlag, tuning")).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Method"), "DELETE");
    const next = onChange.mock.lastCall?.[0];
    expect(next).toEqual({ connector: "api", legacyFlag: true, tuning: { a: 1 }, method: "DELETE" });
    expect(next).not.toBe(given);
    expect(Object.keys(next)).toEqual(["connector", "legacyFlag", "tuning", "method"]);
    expect(given).toEqual({ connector: "api", legacyFlag: true, tuning: { a: 1 } });
  });
});

describe("SettingsForm: conditional groups", () => {
  it("shows an auth type's own fields only", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(connectorSchema("http-client"), {
      baseURL: "https://api.example.com",
      auth: { type: "bearer" },
    });
    expect(screen.getByLabelText("Token")).toBeTruthy();
    expect(screen.queryByLabelText("Username")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Type"), "basic");
    expect(last()?.auth).toEqual({ type: "basic" });
  });
});

describe("SettingsForm: env vars", () => {
  it("switches a field to a select of env vars that writes an env reference", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(connectorSchema("http-client"), {
      baseURL: "https://api.example.com",
      auth: { type: "bearer" },
    });
    const toggle = screen.getByRole("button", { name: "Env var for Token" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    expect((screen.getByLabelText("Token") as HTMLElement).tagName).toBe("INPUT");
    await user.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    const select = screen.getByLabelText("Token") as HTMLSelectElement;
    expect(optionTexts(select)).toEqual(["Choose an env var…", "TOKEN", "API_URL"]);
    await user.selectOptions(select, "TOKEN");
    expect(last()).toEqual({
      baseURL: "https://api.example.com",
      auth: { type: "bearer", token: envRef("TOKEN") },
    });
    expect(last()?.auth).toEqual({ type: "bearer", token: "$" + "{TOKEN}" });
  });

  it("opens an env reference in env mode, flags an undeclared one, and leaves env mode empty", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(connectorSchema("http-client"), {
      baseURL: envRef("API_URL"),
      maxResponseBytes: envRef("MAX_BYTES"),
    });
    expect((screen.getByLabelText("Base URL") as HTMLSelectElement).value).toBe("API_URL");
    const bytes = screen.getByLabelText("Max response bytes") as HTMLSelectElement;
    expect(bytes.tagName).toBe("SELECT");
    expect(optionTexts(bytes)).toContain("(missing) MAX_BYTES");
    expect(bytes.value).toBe("MAX_BYTES");
    await user.click(screen.getByRole("button", { name: "Env var for Max response bytes" }));
    expect(last()).toEqual({ baseURL: envRef("API_URL") });
    expect((screen.getByLabelText("Max response bytes") as HTMLInputElement).type).toBe("number");
  });
});

describe("SettingsForm: alternatives", () => {
  it("switches sql args between a list of expressions and one expression, keeping the meaning", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("sql"), {
      connector: "db",
      query: "select * from t where id = ? and k = ?",
      args: ["body.id", "vars.kind"],
    });
    expect(optionTexts(screen.getByLabelText("Connector"))).toEqual(["Choose a connector…", "db"]);
    expect((screen.getByLabelText("Query") as HTMLElement).tagName).toBe("TEXTAREA");
    const args = screen.getByRole("group", { name: "Args" });
    const list = within(args).getByRole("radio", { name: "List of expressions" }) as HTMLInputElement;
    const single = within(args).getByRole("radio", { name: "Expression" }) as HTMLInputElement;
    expect(list.checked).toBe(true);
    expect(within(args).getByRole("textbox", { name: "List of expressions 2" }).textContent).toBe(
      "vars.kind",
    );

    await user.click(single);
    expect(last()?.args).toBe("[body.id, vars.kind]");
    expect(single.checked).toBe(true);
    expect(within(args).getByRole("textbox", { name: "Expression" }).textContent).toBe(
      "[body.id, vars.kind]",
    );

    await user.click(list);
    expect(last()?.args).toEqual(["body.id", "vars.kind"]);
    expect(Object.keys(last() ?? {})).toEqual(["connector", "query", "args"]);
  });

  it("empties the field when the meaning cannot be kept, and restores it when switching back", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("sql"), {
      connector: "db",
      query: "select 1",
      args: "body.params",
    });
    const args = screen.getByRole("group", { name: "Args" });
    await user.click(within(args).getByRole("radio", { name: "List of expressions" }));
    expect(last()).toEqual({ connector: "db", query: "select 1" });
    // The list variant stays chosen while empty; add a row.
    await user.click(within(args).getByRole("button", { name: "Add expression to List of expressions" }));
    expect(last()).toEqual({ connector: "db", query: "select 1", args: [""] });
    expect(within(args).getByText("item 1: empty")).toBeTruthy();
    await user.click(within(args).getByRole("button", { name: "Remove List of expressions 1" }));
    expect(last()).toEqual({ connector: "db", query: "select 1" });
    await user.click(within(args).getByRole("radio", { name: "Expression" }));
    expect(last()).toEqual({ connector: "db", query: "select 1", args: "body.params" });
  });
});

describe("SettingsForm: other widgets", () => {
  it("lists the file's flows for a flow field", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("flow-ref"), { flow: "deleted" });
    const flow = screen.getByLabelText("Flow") as HTMLSelectElement;
    expect(optionTexts(flow)).toEqual(["Choose a flow…", "(missing) deleted", "main", "orders"]);
    await user.selectOptions(flow, "orders");
    expect(last()).toEqual({ flow: "orders" });
  });

  it("edits a composite block's own fields: foreach items and as", async () => {
    const user = userEvent.setup();
    const { last } = renderForm(blockSchema("foreach"), {
      type: "foreach",
      items: "body.lines",
      body: { process: [] },
    });
    expect(screen.getByRole("textbox", { name: "Items" }).textContent).toBe("body.lines");
    const as = screen.getByLabelText("As") as HTMLInputElement;
    expect(as.placeholder).toBe("item");
    await user.type(as, "1x");
    expect(screen.getByText("must match ^[A-Za-z_][A-Za-z0-9_]*$")).toBeTruthy();
    // The scope and the head are not this form's, but they survive its changes.
    expect(last()).toEqual({ type: "foreach", items: "body.lines", body: { process: [] }, as: "1x" });
    expect(screen.queryByText(/kept as written/)).toBeTruthy();
  });

  it("edits a free-form value as YAML, changing it only when the text parses", async () => {
    const user = userEvent.setup();
    const { last, onChange } = renderForm(blockSchema("ai-mapping"), { connector: "llm", prompt: "map it" });
    const example = screen.getByLabelText("Input example") as HTMLTextAreaElement;
    await user.click(example);
    await user.paste("{name: Ada, tags: [a, b]}");
    expect(last()).toEqual({
      connector: "llm",
      prompt: "map it",
      inputExample: { name: "Ada", tags: ["a", "b"] },
    });
    const calls = onChange.mock.calls.length;
    await user.paste(" ]");
    expect(onChange.mock.calls.length).toBe(calls);
    expect(example.getAttribute("aria-invalid")).toBe("true");
    await user.clear(example);
    expect(last()).toEqual({ connector: "llm", prompt: "map it" });
    // Structured value or JSON text for the output schema.
    const outputSchema = screen.getByRole("group", { name: "Output schema" });
    expect(
      within(outputSchema)
        .getAllByRole("radio")
        .map((r) => r.closest("label")?.textContent),
    ).toEqual(["Structured value", "Text"]);
  });

  it("says when there is nothing to set", () => {
    renderForm(connectorSchema("cron"), undefined);
    expect(screen.getByText("Nothing to set here.")).toBeTruthy();
  });

  it("does not claim the fields of an absent optional object are required", () => {
    renderForm(connectorSchema("http-client"), { baseURL: "https://x" });
    const auth = screen.getByRole("group", { name: "Auth" });
    expect(within(auth).queryByText("required")).toBeNull();
  });
});

describe("SettingsForm: read-only", () => {
  it("disables every control, CEL editors included", () => {
    const { container } = renderForm(
      blockSchema("rest"),
      {
        connector: "api",
        body: "body.order",
        query: { a: "1" },
        retry: { maxAttempts: 2, on: "status == 503" },
      },
      { readOnly: true },
    );
    const controls = Array.from(container.querySelectorAll("input, select, textarea, button"));
    expect(controls.length).toBeGreaterThan(12);
    expect(controls.filter((c) => !(c as HTMLInputElement).disabled)).toEqual([]);
    const editors = Array.from(container.querySelectorAll(".cm-content"));
    expect(editors.length).toBe(2);
    for (const editor of editors) expect(editor.getAttribute("contenteditable")).toBe("false");
  });

  it("disables radios, rows and env toggles of other forms too", () => {
    const { container } = renderForm(
      blockSchema("sql"),
      { connector: "db", query: "select ?", args: ["body.id"] },
      { readOnly: true },
    );
    const controls = Array.from(container.querySelectorAll("input, select, textarea, button"));
    expect(controls.some((c) => (c as HTMLInputElement).type === "radio")).toBe(true);
    expect(controls.filter((c) => !(c as HTMLInputElement).disabled)).toEqual([]);
  });
});

describe("SettingsForm: CEL fields", () => {
  it("checks with the context's variables after the debounce and shows the error", async () => {
    vi.useFakeTimers();
    try {
      const checkCel = vi.fn(async (expression: string, _variables: readonly string[]) =>
        expression === "body."
          ? { ok: false, errors: [{ message: "Unexpected end of input", offset: 5 }] }
          : { ok: true, errors: [] },
      );
      const { last } = renderForm(
        blockSchema("rest"),
        { connector: "api", body: "body.order" },
        { context: { ...CONTEXT, celVariables: ["vars.id"], checkCel } },
      );
      const editor = screen.getByRole("textbox", { name: "Body" });
      const view = EditorView.findFromDOM(editor);
      if (!view) throw new Error("no editor");
      await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
      expect(checkCel).toHaveBeenCalledWith("body.order", ["vars.id"]);
      expect(screen.queryByRole("alert")).toBeNull();

      act(() => {
        view.dispatch({
          changes: { from: 0, to: view.state.doc.length, insert: "body." },
          userEvent: "input.type",
        });
      });
      expect(last()).toEqual({ connector: "api", body: "body." });
      await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS - 1));
      expect(screen.queryByRole("alert")).toBeNull();
      await act(() => vi.advanceTimersByTimeAsync(1));
      expect(checkCel).toHaveBeenLastCalledWith("body.", ["vars.id"]);
      expect(screen.getByRole("alert").textContent).toBe("Unexpected end of input");

      // Emptying the expression removes the key.
      act(() => {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: "" }, userEvent: "delete" });
      });
      expect(last()).toEqual({ connector: "api" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a number a number while the text still reads as it", () => {
    const { last } = renderForm(blockSchema("set-payload"), { value: 5 });
    const view = EditorView.findFromDOM(screen.getByRole("textbox", { name: "Value" }));
    if (!view) throw new Error("no editor");
    act(() => {
      view.dispatch({ changes: { from: 1, insert: "0" }, userEvent: "input.type" });
    });
    expect(last()).toEqual({ value: 50 });
    act(() => {
      view.dispatch({ changes: { from: 2, insert: " + 1" }, userEvent: "input.type" });
    });
    expect(last()).toEqual({ value: "50 + 1" });
  });
});
