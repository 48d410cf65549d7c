// @vitest-environment jsdom
import { EditorView } from "@codemirror/view";
import { act, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CEL_CHECK_DELAY_MS, type CelCheckResult, CelInput } from "./cel-input.tsx";

/** The CodeMirror view rendered for the field with this id. */
function viewOf(id: string): EditorView {
  const content = document.getElementById(id);
  const view = content ? EditorView.findFromDOM(content) : null;
  if (!view) throw new Error(`no editor for ${id}`);
  return view;
}

/** Replaces the text as a user typing would (userEvent "input"). */
function typeInto(view: EditorView, text: string) {
  act(() => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: "input.type" });
  });
}

/** A check answering from a table, and remembering what it was asked. */
function fakeCheck(answers: Record<string, CelCheckResult>) {
  return vi.fn(async (expression: string) => answers[expression] ?? { ok: true, errors: [] });
}

const OK: CelCheckResult = { ok: true, errors: [] };

function Controlled(props: { initial: string; onChange(v: string): void; multiline?: boolean }) {
  const [value, setValue] = useState(props.initial);
  return (
    <CelInput
      id="expr"
      value={value}
      multiline={props.multiline ?? false}
      onChange={(v) => {
        setValue(v);
        props.onChange(v);
      }}
    />
  );
}

describe("CelInput", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders the value with CEL highlighting and the accessible wiring", () => {
    render(
      <>
        <span id="lbl">Condition</span>
        <p id="hint">a CEL expression</p>
        <CelInput
          id="cond"
          value='body.total > 10 && vars.kind == "x"'
          onChange={() => {}}
          ariaLabelledBy="lbl"
          ariaDescribedBy="hint"
        />
      </>,
    );
    const content = document.getElementById("cond");
    expect(content?.textContent).toBe('body.total > 10 && vars.kind == "x"');
    expect(screen.getByRole("textbox", { name: "Condition" })).toBe(content);
    expect(content?.getAttribute("aria-describedby")).toBe("hint");
    expect(content?.getAttribute("aria-multiline")).toBe("false");
    // Highlighting produced styled spans (tokens are classed by the highlight style).
    expect(content?.querySelectorAll("span[class]").length).toBeGreaterThan(3);
  });

  it("reports a user edit through onChange, and not a value set from props", () => {
    const onChange = vi.fn();
    const { rerender } = render(<CelInput id="e" value="body" onChange={onChange} />);
    typeInto(viewOf("e"), "body.items");
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith("body.items");

    rerender(<CelInput id="e" value="vars.x" onChange={onChange} />);
    expect(viewOf("e").state.doc.toString()).toBe("vars.x");
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("turns typed newlines into spaces on one line, and keeps them when multiline", () => {
    const onChange = vi.fn();
    render(<Controlled initial="" onChange={onChange} />);
    typeInto(viewOf("expr"), "a &&\nb");
    expect(onChange).toHaveBeenLastCalledWith("a && b");
    expect(viewOf("expr").state.doc.lines).toBe(1);
  });

  it("ignores Enter on one line and inserts a line break when multiline", () => {
    const onChange = vi.fn();
    const { unmount } = render(<Controlled initial="a" onChange={onChange} />);
    const pressEnter = (id: string) => {
      const view = viewOf(id);
      act(() => {
        view.dispatch({ selection: { anchor: view.state.doc.length } });
        view.contentDOM.dispatchEvent(
          new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }),
        );
      });
      return view;
    };
    expect(pressEnter("expr").state.doc.toString()).toBe("a");
    expect(onChange).not.toHaveBeenCalled();
    unmount();

    render(<Controlled initial="a" onChange={onChange} multiline />);
    expect(pressEnter("expr").state.doc.lines).toBe(2);
    expect(onChange).toHaveBeenLastCalledWith("a\n");
  });

  it("keeps newlines in multiline mode", () => {
    const onChange = vi.fn();
    render(<Controlled initial="" onChange={onChange} multiline />);
    typeInto(viewOf("expr"), "a &&\nb");
    expect(onChange).toHaveBeenLastCalledWith("a &&\nb");
    expect(document.getElementById("expr")?.getAttribute("aria-multiline")).toBe("true");
  });

  it("checks 300 ms after the last edit and shows the first error with an underline", async () => {
    const check = fakeCheck({
      "body.": { ok: false, errors: [{ message: "unexpected end of input", offset: 5 }] },
      "body.x +": {
        ok: false,
        errors: [
          { message: "missing operand", offset: 7 },
          { message: "second problem", offset: 0 },
        ],
      },
    });
    render(<CelInput id="e" value="" onChange={() => {}} check={check} />);
    const view = viewOf("e");
    // An empty value is not checked on mount.
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(check).not.toHaveBeenCalled();

    typeInto(view, "body");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS - 50));
    typeInto(view, "body.");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS - 1));
    expect(check).not.toHaveBeenCalled();
    expect(screen.queryByRole("alert")).toBeNull();

    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(check).toHaveBeenCalledTimes(1);
    expect(check).toHaveBeenCalledWith("body.");
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toBe("unexpected end of input");
    expect(alert.className).toBe("field-error");
    const content = document.getElementById("e");
    expect(content?.getAttribute("aria-invalid")).toBe("true");
    expect(content?.getAttribute("aria-describedby")).toBe(alert.id);
    // The lint underline is at the offset (clamped onto the last character).
    const marks = Array.from(document.querySelectorAll(".cm-lintRange-error")).map((m) => m.textContent);
    expect(marks).toEqual(["."]);

    typeInto(view, "body.x +");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(screen.getByRole("alert").textContent).toBe("missing operand");
    expect(document.querySelectorAll(".cm-lintRange-error").length).toBe(2);

    typeInto(view, "body.x + 1");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.querySelectorAll(".cm-lintRange-error").length).toBe(0);
    expect(document.getElementById("e")?.getAttribute("aria-invalid")).toBeNull();
  });

  it("checks a non-empty value once on mount", async () => {
    const check = fakeCheck({ "1 +": { ok: false, errors: [{ message: "missing operand" }] } });
    render(<CelInput id="e" value="1 +" onChange={() => {}} check={check} />);
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(check).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("alert").textContent).toBe("missing operand");
    // Without an offset the whole expression is underlined.
    expect(document.querySelector(".cm-lintRange-error")?.textContent).toBe("1 +");
  });

  it("ignores an answer that arrives after the text changed", async () => {
    let resolveFirst: (r: CelCheckResult) => void = () => {};
    const check = vi.fn((expression: string) =>
      expression === "old +"
        ? new Promise<CelCheckResult>((resolve) => {
            resolveFirst = resolve;
          })
        : Promise.resolve(OK),
    );
    render(<CelInput id="e" value="" onChange={() => {}} check={check} />);
    const view = viewOf("e");
    typeInto(view, "old +");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(check).toHaveBeenCalledWith("old +");

    // The user edits while the first answer is still on its way …
    typeInto(view, "old + 1");
    await act(async () => resolveFirst({ ok: false, errors: [{ message: "stale error", offset: 4 }] }));
    expect(screen.queryByRole("alert")).toBeNull();
    // … and the answer for the new text decides.
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(check).toHaveBeenLastCalledWith("old + 1");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(document.querySelectorAll(".cm-lintRange-error").length).toBe(0);
  });

  it("drops an older answer that resolves after a newer one", async () => {
    const pending = new Map<string, (r: CelCheckResult) => void>();
    const check = vi.fn(
      (expression: string) => new Promise<CelCheckResult>((resolve) => pending.set(expression, resolve)),
    );
    render(<CelInput id="e" value="" onChange={() => {}} check={check} />);
    const view = viewOf("e");
    typeInto(view, "a +");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    typeInto(view, "a + b");
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    await act(async () => pending.get("a + b")?.(OK));
    await act(async () => pending.get("a +")?.({ ok: false, errors: [{ message: "late and wrong" }] }));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows nothing when the checker itself fails", async () => {
    const check = vi.fn(async () => {
      throw new Error("network down");
    });
    render(<CelInput id="e" value="body" onChange={() => {}} check={check} />);
    await act(() => vi.advanceTimersByTimeAsync(CEL_CHECK_DELAY_MS));
    expect(check).toHaveBeenCalled();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("is not editable when read-only", () => {
    const { rerender } = render(<CelInput id="e" value="body" onChange={() => {}} readOnly />);
    expect(document.getElementById("e")?.getAttribute("contenteditable")).toBe("false");
    expect(viewOf("e").state.readOnly).toBe(true);
    rerender(<CelInput id="e" value="body" onChange={() => {}} />);
    expect(document.getElementById("e")?.getAttribute("contenteditable")).toBe("true");
  });

  it("shows the placeholder when empty", () => {
    render(<CelInput id="e" value="" onChange={() => {}} placeholder="status == 0" />);
    expect(document.querySelector(".cm-placeholder")?.textContent).toBe("status == 0");
  });
});
