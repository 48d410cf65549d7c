// @vitest-environment jsdom
import { undo } from "@codemirror/commands";
import { forEachDiagnostic } from "@codemirror/lint";
import { EditorView } from "@codemirror/view";
import { act, render } from "@testing-library/react";
import { useState } from "react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { type YamlProblem, YamlView, type YamlViewProps } from "./yaml-view.tsx";

// jsdom has no layout; CodeMirror measures text ranges, so give ranges empty rectangles.
beforeAll(() => {
  const empty = () => ({
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    right: 0,
    bottom: 0,
    width: 0,
    height: 0,
    toJSON() {},
  });
  Range.prototype.getClientRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => empty() as DOMRect;
});

const DOC = "name: shop\nport: 80\nitems:\n  - a\n";

function viewOf(container: HTMLElement): EditorView {
  const editor = container.querySelector(".cm-editor");
  const view = editor instanceof HTMLElement ? EditorView.findFromDOM(editor) : null;
  if (!view) throw new Error("no editor view");
  return view;
}

function lineTexts(container: HTMLElement): string[] {
  return [...container.querySelectorAll(".cm-content .cm-line")].map((line) => line.textContent ?? "");
}

function diagnosticsOf(view: EditorView) {
  const found: { from: number; to: number; severity: string; message: string }[] = [];
  forEachDiagnostic(view.state, (d, from, to) => {
    found.push({ from, to, severity: d.severity, message: d.message });
  });
  return found;
}

function renderYaml(overrides: Partial<YamlViewProps> = {}) {
  const props: YamlViewProps = { value: DOC, onChange: vi.fn(), problems: [], ...overrides };
  const result = render(<YamlView {...props} />);
  const rerender = (next: Partial<YamlViewProps>) => {
    Object.assign(props, next);
    result.rerender(<YamlView {...props} />);
  };
  return { ...result, props, rerender, view: viewOf(result.container) };
}

describe("YamlView", () => {
  it("renders the value with the accessible name and the keyboard hint", () => {
    const { container, view } = renderYaml({ label: "Definition of shop" });
    expect(lineTexts(container)).toEqual(["name: shop", "port: 80", "items:", "  - a", ""]);
    expect(container.querySelector(".cm-content")?.textContent).toContain("port: 80");
    expect(view.state.doc.toString()).toBe(DOC);
    const content = container.querySelector(".cm-content") as HTMLElement;
    expect(content.getAttribute("aria-label")).toBe("Definition of shop");
    const hint = document.getElementById(content.getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toContain("Esc, then Tab");
    expect(container.querySelector(".cm-lineNumbers")).toBeTruthy();
    expect(container.querySelector(".cm-gutter-lint")).toBeTruthy();
  });

  it("applies an outside value change minimally, keeping the cursor, without calling onChange", () => {
    const onChange = vi.fn();
    const { container, view, rerender } = renderYaml({ onChange });
    const afterPort = DOC.indexOf("80") + 2;
    act(() => view.dispatch({ selection: { anchor: afterPort } }));

    rerender({ value: DOC.replace("shop", "shop-eu") });

    expect(lineTexts(container)[0]).toBe("name: shop-eu");
    expect(view.state.doc.toString()).toBe(DOC.replace("shop", "shop-eu"));
    // The cursor sat after the change and moved with its text; a whole-document swap would lose it.
    expect(view.state.selection.main.head).toBe(afterPort + 3);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("reports a user edit through onChange with the whole text", () => {
    const onChange = vi.fn();
    const { view } = renderYaml({ onChange });
    act(() => view.dispatch({ changes: { from: 17, to: 19, insert: "8080" }, userEvent: "input" }));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith("name: shop\nport: 8080\nitems:\n  - a\n");
  });

  it("does not echo the user's own edit back when the parent stores it", () => {
    const onChange = vi.fn();
    function Controlled() {
      const [text, setText] = useState(DOC);
      return (
        <YamlView
          value={text}
          onChange={(next) => {
            onChange(next);
            setText(next);
          }}
          problems={[]}
        />
      );
    }
    const { container } = render(<Controlled />);
    const view = viewOf(container);
    act(() => view.dispatch({ changes: { from: 0, insert: "# top\n" }, userEvent: "input" }));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(view.state.doc.toString()).toBe(`# top\n${DOC}`);
    expect(lineTexts(container)[0]).toBe("# top");
  });

  it("undo takes back the user's edit but not an outside change", () => {
    const onChange = vi.fn();
    const { view, rerender } = renderYaml({ onChange });
    act(() => view.dispatch({ changes: { from: 17, to: 19, insert: "90" }, userEvent: "input" }));
    const edited = "name: shop\nport: 90\nitems:\n  - a\n";
    rerender({ value: edited.replace("  - a", "  - a\n  - b") });

    act(() => {
      undo(view);
    });

    expect(view.state.doc.toString()).toBe(DOC.replace("  - a", "  - a\n  - b"));
    expect(onChange).toHaveBeenLastCalledWith(DOC.replace("  - a", "  - a\n  - b"));
  });

  it("shows problems as diagnostics, clamped to the document, and replaces them", () => {
    const problems: YamlProblem[] = [
      { line: 2, col: 7, message: "port must be a string", severity: "error" },
      { line: 1, col: 1, message: "name is deprecated", severity: "warning" },
      { line: 40, col: 3, message: "unexpected end", severity: "error" },
    ];
    const { view, rerender } = renderYaml({ problems });
    const found = diagnosticsOf(view).sort((a, b) => a.from - b.from || a.to - b.to);
    expect(found).toEqual([
      { from: 0, to: 5, severity: "warning", message: "name is deprecated" },
      { from: 17, to: 19, severity: "error", message: "port must be a string" },
      // The document ends with a newline, so its last line is the empty one at the end.
      { from: DOC.length, to: DOC.length, severity: "error", message: "unexpected end" },
    ]);

    rerender({ problems: [{ line: 3, col: 1, message: "items is empty", severity: "warning" }] });
    expect(diagnosticsOf(view)).toEqual([
      { from: 20, to: 26, severity: "warning", message: "items is empty" },
    ]);

    rerender({ problems: [] });
    expect(diagnosticsOf(view)).toEqual([]);
  });

  it("is read-only for readers and editable again when allowed", () => {
    const { container, view, rerender } = renderYaml({ readOnly: true });
    const content = container.querySelector(".cm-content") as HTMLElement;
    expect(view.state.readOnly).toBe(true);
    expect(content.getAttribute("aria-readonly")).toBe("true");
    expect(container.textContent).toContain("Read-only.");

    rerender({ readOnly: false });
    expect(view.state.readOnly).toBe(false);
    expect(content.getAttribute("aria-readonly")).toBe("false");
  });

  it("jumps to a position, focuses the editor, and jumps again only for a new nonce", () => {
    const { view, rerender } = renderYaml({ jumpTo: { line: 2, col: 7, nonce: 1 } });
    expect(view.state.selection.main.head).toBe(17);
    expect(view.state.selection.main.empty).toBe(true);
    expect(view.hasFocus).toBe(true);

    act(() => view.dispatch({ selection: { anchor: 0 } }));
    rerender({ jumpTo: { line: 4, col: 3, nonce: 1 } });
    expect(view.state.selection.main.head).toBe(0);

    rerender({ jumpTo: { line: 4, col: 3, nonce: 2 } });
    expect(view.state.selection.main.head).toBe(DOC.indexOf("- a"));

    // Past the end: clamped to the document.
    rerender({ jumpTo: { line: 99, col: 1, nonce: 3 } });
    expect(view.state.selection.main.head).toBe(DOC.length);
  });
});
