// @vitest-environment jsdom
import { readFileSync } from "node:fs";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument, type Path } from "../model/document.ts";
import { insertStep, newStep } from "../model/edits.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { BLOCK_MIME, STEP_MIME } from "./dnd.ts";
import { FlowCanvas, type FlowCanvasProps } from "./flow-canvas.tsx";
import { sourceDetailsOf } from "./source-details.ts";

// React Flow measures nodes and reads the viewport transform; jsdom has neither (React Flow's testing guide).
beforeAll(() => {
  class ResizeObserverStub {
    readonly callback: ResizeObserverCallback;
    constructor(callback: ResizeObserverCallback) {
      this.callback = callback;
    }
    observe(target: Element) {
      this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  }
  class DOMMatrixReadOnlyStub {
    m22: number;
    constructor(transform?: string) {
      const scale = transform?.match(/scale\(([1-9.]+)\)/)?.[1];
      this.m22 = scale !== undefined ? Number(scale) : 1;
    }
  }
  globalThis.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;
  globalThis.DOMMatrixReadOnly = DOMMatrixReadOnlyStub as unknown as typeof DOMMatrixReadOnly;
  Object.defineProperties(HTMLElement.prototype, {
    offsetHeight: {
      configurable: true,
      get(this: HTMLElement) {
        return Number.parseFloat(this.style.height) || 1;
      },
    },
    offsetWidth: {
      configurable: true,
      get(this: HTMLElement) {
        return Number.parseFloat(this.style.width) || 1;
      },
    },
  });
  (SVGElement.prototype as unknown as { getBBox(): DOMRect }).getBBox = () =>
    ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;
});

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const doc = openDocument(
  readFileSync(`${import.meta.dirname}/../../../../../samples/http-orders/http-orders.yaml`, "utf8"),
);
const outline = outlineOf(doc, info);

const P0: Path = ["flows", 0, "process"];
const CASE2: Path = [...P0, 2, "cases", 1, "process"];

function renderCanvas(overrides: Partial<FlowCanvasProps> = {}) {
  const props: FlowCanvasProps = {
    outline,
    info,
    sourceDetails: sourceDetailsOf(doc, outline, info),
    onSelect: vi.fn(),
    onInsert: vi.fn(),
    onMove: vi.fn(),
    onRemove: vi.fn(),
    onCopy: vi.fn(),
    onPaste: vi.fn(),
    onUndo: vi.fn(),
    onRedo: vi.fn(),
    ...overrides,
  };
  return { ...render(<FlowCanvas {...props} />), props };
}

/** The step button whose path is `path` (labels repeat: the sample has several "Set Variable"s). */
function stepButton(container: HTMLElement, path: Path): HTMLButtonElement {
  const button = container.querySelector(`button[data-step-path='${JSON.stringify(path)}']`);
  if (!(button instanceof HTMLButtonElement)) throw new Error(`no step button for ${JSON.stringify(path)}`);
  return button;
}

/** The layout runs asynchronously (ELK); wait until the flows are drawn. */
async function laidOut() {
  await screen.findByRole("heading", { name: "orders-api" }, { timeout: 20_000 });
}

function dataTransfer(data: Record<string, string>) {
  return { types: Object.keys(data), getData: (type: string) => data[type] ?? "", dropEffect: "none" };
}

// Layout (ELK) and React Flow in jsdom take a while on a busy machine: generous time, no timing asserted.
describe("FlowCanvas", { timeout: 30_000 }, () => {
  it("draws every flow, its source and its steps with their labels", async () => {
    const { container } = renderCanvas();
    await laidOut();
    for (const name of ["orders-api", "enrich", "audit"])
      expect(screen.getByRole("heading", { name })).toBeTruthy();
    expect(screen.getByText("HTTP /orders/{id}")).toBeTruthy();
    // A flow without a source says so and offers one (its button opens the flow's settings).
    expect(screen.getAllByText("no source — choose one")).toHaveLength(2);
    expect(stepButton(container, [...P0, 1]).textContent).toContain("Flow Reference");
    expect(stepButton(container, [...P0, 2]).textContent).toContain("Switch");
    expect(stepButton(container, ["flows", 2, "process", 0]).textContent).toContain("Log");
    expect(screen.getByText("case 1")).toBeTruthy();
    expect(screen.getByText('vars.method == "GET"')).toBeTruthy();
  });

  it("selects a step on click and on Enter", async () => {
    const user = userEvent.setup();
    const { container, props } = renderCanvas();
    await laidOut();
    await user.click(stepButton(container, [...P0, 1]));
    expect(props.onSelect).toHaveBeenLastCalledWith([...P0, 1]);
    stepButton(container, [...CASE2, 2]).focus();
    await user.keyboard("{Enter}");
    expect(props.onSelect).toHaveBeenLastCalledWith([...CASE2, 2]);
    expect(props.onRemove).not.toHaveBeenCalled();
  });

  it("selects a flow from its title or its missing source, and a source from its node", async () => {
    const user = userEvent.setup();
    const { props } = renderCanvas();
    await laidOut();
    await user.click(screen.getByRole("button", { name: "enrich" }));
    expect(props.onSelect).toHaveBeenLastCalledWith(["flows", 1]);
    const [missing] = screen.getAllByRole("button", { name: "no source — choose one" });
    await user.click(missing as HTMLElement);
    expect(props.onSelect).toHaveBeenLastCalledWith(["flows", 1]);
    await user.click(screen.getByRole("button", { name: "HTTP /orders/{id}" }));
    expect(props.onSelect).toHaveBeenLastCalledWith(["flows", 0, "source"]);
    // A switch case's label selects the case (its `when` is edited in the settings panel).
    await user.click(screen.getByRole("button", { name: "case 2" }));
    expect(props.onSelect).toHaveBeenLastCalledWith([...P0, 2, "cases", 1]);
  });

  it("shows the selection and removes the selected step with Delete or Backspace", async () => {
    const user = userEvent.setup();
    const { container, props } = renderCanvas({ selected: [...P0, 1] });
    await laidOut();
    expect(stepButton(container, [...P0, 1]).getAttribute("aria-pressed")).toBe("true");
    expect(stepButton(container, [...P0, 0]).getAttribute("aria-pressed")).toBe("false");
    stepButton(container, [...P0, 1]).focus();
    await user.keyboard("{Delete}");
    expect(props.onRemove).toHaveBeenCalledWith([...P0, 1]);
    await user.keyboard("{Backspace}");
    expect(props.onRemove).toHaveBeenCalledTimes(2);
  });

  it("copies, pastes after the selection, undoes, redoes and moves with the keyboard", async () => {
    const user = userEvent.setup();
    const { container, props } = renderCanvas({ selected: [...CASE2, 1] });
    await laidOut();
    stepButton(container, [...CASE2, 1]).focus();
    await user.keyboard("{Control>}c{/Control}");
    expect(props.onCopy).toHaveBeenCalledWith([...CASE2, 1]);
    await user.keyboard("{Control>}v{/Control}");
    expect(props.onPaste).toHaveBeenCalledWith(CASE2, 2);
    await user.keyboard("{Meta>}z{/Meta}");
    expect(props.onUndo).toHaveBeenCalledTimes(1);
    await user.keyboard("{Control>}{Shift>}z{/Shift}{/Control}");
    await user.keyboard("{Control>}y{/Control}");
    expect(props.onRedo).toHaveBeenCalledTimes(2);
    await user.keyboard("{Alt>}{ArrowUp}{/Alt}");
    expect(props.onMove).toHaveBeenLastCalledWith([...CASE2, 1], CASE2, 0);
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(props.onMove).toHaveBeenLastCalledWith([...CASE2, 1], CASE2, 3);
  });

  it("pastes at a focused gap", async () => {
    const user = userEvent.setup();
    const { props } = renderCanvas();
    await laidOut();
    screen.getByRole("button", { name: "Insert a step at the end of orders-api" }).focus();
    await user.keyboard("{Control>}v{/Control}");
    expect(props.onPaste).toHaveBeenCalledWith(P0, 3);
  });

  it("inserts a palette block dropped on a gap at that gap's list and index", async () => {
    const { props } = renderCanvas();
    await laidOut();
    const gap = screen.getByRole("button", {
      name: "Insert a step between steps 1 and 2 of case 2 of Switch",
    });
    const transfer = dataTransfer({ [BLOCK_MIME]: "log" });
    fireEvent.dragOver(gap, { dataTransfer: transfer });
    fireEvent.drop(gap, { dataTransfer: transfer });
    expect(props.onInsert).toHaveBeenCalledWith(CASE2, 1, "log");
    expect(props.onMove).not.toHaveBeenCalled();
  });

  it("moves a step dropped on a gap, and ignores drops that would change nothing", async () => {
    const { container, props } = renderCanvas();
    await laidOut();
    const from: Path = [...P0, 0];
    const dragged = dataTransfer({ [STEP_MIME]: JSON.stringify(from) });
    const start = { setData: vi.fn(), effectAllowed: "none" };
    fireEvent.dragStart(stepButton(container, from), { dataTransfer: start });
    expect(start.setData).toHaveBeenCalledWith(STEP_MIME, JSON.stringify(from));
    // Right after itself: no move.
    fireEvent.drop(
      screen.getByRole("button", { name: "Insert a step between steps 1 and 2 of orders-api" }),
      {
        dataTransfer: dragged,
      },
    );
    expect(props.onMove).not.toHaveBeenCalled();
    fireEvent.drop(screen.getByRole("button", { name: "Insert a step at the start of default of Switch" }), {
      dataTransfer: dragged,
    });
    expect(props.onMove).toHaveBeenCalledWith(from, [...P0, 2, "default", "process"], 0);
  });

  it("opens a filterable type picker from a gap and inserts the picked block", async () => {
    const user = userEvent.setup();
    const { props } = renderCanvas();
    await laidOut();
    const gap = screen.getByRole("button", { name: "Insert a step at the start of orders-api" });
    gap.focus();
    await user.keyboard("{Enter}");
    const picker = screen.getByRole("dialog", { name: "Insert a step at the start of orders-api" });
    // Every block of the schema is offered.
    expect(within(picker).getAllByRole("button").length).toBe(info.blocks.size + 1);
    await user.type(within(picker).getByLabelText("Block type"), "foreach");
    expect(within(picker).queryByRole("button", { name: /Switch/ })).toBeNull();
    await user.click(within(picker).getByRole("button", { name: /For Each/ }));
    expect(props.onInsert).toHaveBeenCalledWith(P0, 0, "foreach");
    expect(screen.queryByRole("dialog")).toBeNull();
    // Escape closes without inserting and gives focus back to the gap.
    await user.click(screen.getByRole("button", { name: "Insert a step at the end of enrich" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Insert a step at the end of enrich");
    expect(props.onInsert).toHaveBeenCalledTimes(1);
  });

  it("badges steps that have problems", async () => {
    const { container } = renderCanvas({
      problems: [{ path: [...P0, 1, "settings", "flow"], message: "no flow named audit" }],
    });
    await laidOut();
    const step = stepButton(container, [...P0, 1]);
    expect(step.textContent).toContain("1 problem: no flow named audit");
    expect(step.title).toContain("no flow named audit");
    expect(stepButton(container, [...P0, 0]).textContent).not.toContain("problem");
  });

  it("collapses a composite into one node and expands it again", async () => {
    const user = userEvent.setup();
    const { container } = renderCanvas();
    await laidOut();
    await user.click(screen.getByRole("button", { name: "Collapse Switch" }));
    await screen.findByRole("button", { name: "Expand Switch" });
    expect(container.querySelector(`button[data-step-path='${JSON.stringify([...CASE2, 1])}']`)).toBeNull();
    expect(stepButton(container, [...P0, 2]).textContent).toContain("8 nested steps");
    await user.click(screen.getByRole("button", { name: "Expand Switch" }));
    await screen.findByText("case 1", {}, { timeout: 20_000 });
    expect(stepButton(container, [...CASE2, 1])).toBeTruthy();
  });

  it("is selection-only when read-only: no gaps, no dragging, no keyboard edits", async () => {
    const user = userEvent.setup();
    const { container, props } = renderCanvas({ readOnly: true, selected: [...P0, 1] });
    await laidOut();
    expect(screen.queryAllByRole("button", { name: /Insert a step/ })).toEqual([]);
    const step = stepButton(container, [...P0, 1]);
    expect(step.getAttribute("draggable")).toBe("false");
    step.focus();
    await user.keyboard("{Delete}{Control>}z{/Control}{Control>}c{/Control}{Alt>}{ArrowUp}{/Alt}");
    expect(props.onRemove).not.toHaveBeenCalled();
    expect(props.onUndo).not.toHaveBeenCalled();
    expect(props.onCopy).not.toHaveBeenCalled();
    expect(props.onMove).not.toHaveBeenCalled();
    await user.click(stepButton(container, [...P0, 0]));
    expect(props.onSelect).toHaveBeenCalledWith([...P0, 0]);
  });

  it("lays out again when the outline changes", async () => {
    const { container, props, rerender } = renderCanvas();
    await laidOut();
    const edited = insertStep(doc, ["flows", 1, "process"], 1, newStep(info, "log"));
    rerender(<FlowCanvas {...props} outline={outlineOf(edited, info)} />);
    // The new step appears once the new layout lands (the gap ids around it existed before).
    const added = await waitFor(() => stepButton(container, ["flows", 1, "process", 1]), { timeout: 20_000 });
    expect(added.textContent).toContain("Log");
  });

  it("says so when there are no flows", () => {
    renderCanvas({ outline: { ...outline, flows: [] } });
    expect(screen.getByText("No flows yet")).toBeTruthy();
  });
});
