// @vitest-environment jsdom
import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { BLOCK_MIME } from "../canvas/dnd.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { paletteSections } from "./blocks.ts";
import { Palette, type PaletteProps } from "./palette.tsx";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);

function renderPalette(overrides: Partial<PaletteProps> = {}) {
  const props: PaletteProps = { info, onPick: vi.fn(), onAddConnector: vi.fn(), ...overrides };
  return { ...render(<Palette {...props} />), props };
}

const listed = (container: HTMLElement, attribute: string) =>
  [...container.querySelectorAll(`button[${attribute}]`)].map((b) => b.getAttribute(attribute));

describe("paletteSections", () => {
  it("groups the schema's blocks by category, the AI family on its own, in schema order", () => {
    const sections = paletteSections(info);
    expect(sections.map((s) => s.title)).toEqual(["Control flow", "Processors", "Connector calls", "AI"]);
    const types = (title: string) => sections.find((s) => s.title === title)?.blocks.map((b) => b.type);
    expect(types("Control flow")).toEqual([
      "if",
      "switch",
      "foreach",
      "fork",
      "handle-errors",
      "cache-scope",
    ]);
    expect(types("Connector calls")).toEqual(["sql", "rest"]);
    expect(types("AI")).toEqual(["ai-router", "ai-agent", "ai-mapping", "ai-retry"]);
    // A family within one category stays in it (object-read/-write/-delete are processors).
    expect(types("Processors")).toContain("object-write");
    expect(sections.flatMap((s) => s.blocks.map((b) => b.type)).sort()).toEqual(
      [...info.blocks.keys()].sort(),
    );
  });

  it("lists a block the schema adds without knowing it", () => {
    const custom = deriveSchemaInfo({
      $defs: {
        block: {
          oneOf: [{ title: "Fancy", properties: { type: { const: "fancy" }, settings: { type: "object" } } }],
        },
      },
    });
    expect(paletteSections(custom)).toEqual([
      { id: "processor", title: "Processors", blocks: [custom.blocks.get("fancy")] },
    ]);
  });
});

describe("Palette", () => {
  it("lists every block type and every connector type of the schema", () => {
    const { container } = renderPalette();
    expect(listed(container, "data-block-type").sort()).toEqual([...info.blocks.keys()].sort());
    // Every connector once: aliases with the same title (llm-anthropic beside anthropic) are not repeated.
    const titles = new Set([...info.connectors.values()].map((c) => c.title));
    expect(listed(container, "data-connector-type")).toHaveLength(titles.size);
    expect(listed(container, "data-connector-type")).toContain("anthropic");
    expect(listed(container, "data-connector-type")).not.toContain("llm-anthropic");
    const ai = screen.getByRole("region", { name: "AI" });
    expect(
      within(ai)
        .getAllByRole("button")
        .map((b) => b.getAttribute("data-block-type")),
    ).toEqual(["ai-router", "ai-agent", "ai-mapping", "ai-retry"]);
  });

  it("shows the schema's title and description as the tooltip", () => {
    renderPalette();
    const log = screen.getByRole("button", { name: "Log log" });
    expect(log.title).toBe(`Log: ${info.blocks.get("log")?.description}`);
    expect(screen.getByRole("button", { name: /HTTP Server/ }).title).toContain("HTTP Server");
  });

  it("filters blocks and connectors by title, type or description", async () => {
    const user = userEvent.setup();
    const { container } = renderPalette();
    await user.type(screen.getByLabelText("Filter"), "object");
    expect(listed(container, "data-block-type")).toEqual(["object-read", "object-write", "object-delete"]);
    expect(screen.queryByRole("region", { name: "Control flow" })).toBeNull();
    await user.clear(screen.getByLabelText("Filter"));
    await user.type(screen.getByLabelText("Filter"), "OpenAI");
    expect(listed(container, "data-connector-type")).toEqual(["openai"]);
    await user.clear(screen.getByLabelText("Filter"));
    await user.type(screen.getByLabelText("Filter"), "zzz-nothing");
    expect(screen.getByRole("status").textContent).toBe("Nothing matches “zzz-nothing”.");
  });

  it("calls onPick with the block type and onAddConnector with the connector type", async () => {
    const user = userEvent.setup();
    const { props } = renderPalette();
    await user.click(screen.getByRole("button", { name: /^For Each/ }));
    expect(props.onPick).toHaveBeenCalledWith("foreach");
    await user.click(screen.getByRole("button", { name: /^Database/ }));
    expect(props.onAddConnector).toHaveBeenCalledWith("database");
  });

  it("puts the block type on the drag data", () => {
    renderPalette();
    const button = screen.getByRole("button", { name: /^Switch/ });
    expect(button.getAttribute("draggable")).toBe("true");
    const dataTransfer = { setData: vi.fn(), effectAllowed: "none" };
    fireEvent.dragStart(button, { dataTransfer });
    expect(dataTransfer.setData).toHaveBeenCalledWith(BLOCK_MIME, "switch");
    expect(dataTransfer.effectAllowed).toBe("copy");
  });

  it("shows but disables everything for readers", async () => {
    const user = userEvent.setup();
    const { props } = renderPalette({ readOnly: true });
    const button = screen.getByRole("button", { name: /^Switch/ }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("draggable")).toBe("false");
    expect((screen.getByRole("button", { name: /^Database/ }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(button);
    expect(props.onPick).not.toHaveBeenCalled();
  });
});
