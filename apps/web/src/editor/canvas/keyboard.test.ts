import { describe, expect, it } from "vitest";
import type { Path } from "../model/document.ts";
import { acceptsDrop, BLOCK_MIME, isUsefulMove, readDrop, STEP_MIME } from "./dnd.ts";
import { type KeyContext, type KeyPress, keyIntent, type StepPlace } from "./keyboard.ts";

const lane: Path = ["flows", 0, "process"];
const middle: StepPlace = { path: [...lane, 1], listPath: lane, index: 1, laneSize: 3 };

function press(key: string, mods: Partial<Omit<KeyPress, "key">> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}

const editing: KeyContext = { selected: middle, readOnly: false };

describe("keyIntent", () => {
  it("removes, copies and pastes after the selected step", () => {
    expect(keyIntent(press("Delete"), editing)).toEqual({ kind: "remove", path: middle.path });
    expect(keyIntent(press("Backspace"), editing)).toEqual({ kind: "remove", path: middle.path });
    expect(keyIntent(press("c", { metaKey: true }), editing)).toEqual({ kind: "copy", path: middle.path });
    expect(keyIntent(press("v", { ctrlKey: true }), editing)).toEqual({
      kind: "paste",
      listPath: lane,
      index: 2,
    });
  });

  it("pastes into a focused gap rather than after the selection", () => {
    const gap = { listPath: ["flows", 1, "process"], index: 0 };
    expect(keyIntent(press("v", { ctrlKey: true }), { ...editing, focusedGap: gap })).toEqual({
      kind: "paste",
      ...gap,
    });
    expect(keyIntent(press("v", { ctrlKey: true }), { readOnly: false, focusedGap: gap })).toEqual({
      kind: "paste",
      ...gap,
    });
  });

  it("undoes and redoes with or without a selection", () => {
    const none: KeyContext = { readOnly: false };
    expect(keyIntent(press("z", { ctrlKey: true }), none)).toEqual({ kind: "undo" });
    expect(keyIntent(press("Z", { metaKey: true, shiftKey: true }), none)).toEqual({ kind: "redo" });
    expect(keyIntent(press("y", { ctrlKey: true }), none)).toEqual({ kind: "redo" });
  });

  it("moves the selected step up and down within its lane, stopping at the ends", () => {
    expect(keyIntent(press("ArrowUp", { altKey: true }), editing)).toEqual({
      kind: "move",
      from: middle.path,
      toListPath: lane,
      toIndex: 0,
    });
    // Slot 3 before the move is "after the next step".
    expect(keyIntent(press("ArrowDown", { altKey: true }), editing)).toMatchObject({ toIndex: 3 });
    const first = { ...middle, path: [...lane, 0], index: 0 };
    const last = { ...middle, path: [...lane, 2], index: 2 };
    expect(keyIntent(press("ArrowUp", { altKey: true }), { ...editing, selected: first })).toBeUndefined();
    expect(keyIntent(press("ArrowDown", { altKey: true }), { ...editing, selected: last })).toBeUndefined();
  });

  it("does nothing without a selection, and nothing but deselect for readers", () => {
    expect(keyIntent(press("Delete"), { readOnly: false })).toBeUndefined();
    expect(keyIntent(press("c", { ctrlKey: true }), { readOnly: false })).toBeUndefined();
    const reader: KeyContext = { selected: middle, readOnly: true };
    for (const p of [
      press("Delete"),
      press("z", { ctrlKey: true }),
      press("c", { ctrlKey: true }),
      press("ArrowUp", { altKey: true }),
    ]) {
      expect(keyIntent(p, reader)).toBeUndefined();
    }
    expect(keyIntent(press("Escape"), reader)).toEqual({ kind: "deselect" });
    expect(keyIntent(press("a"), editing)).toBeUndefined();
  });
});

describe("drag and drop payloads", () => {
  const data = (entries: Record<string, string>) => ({ getData: (type: string) => entries[type] ?? "" });

  it("reads a moved step's path or a palette block's type", () => {
    expect(readDrop(data({ [STEP_MIME]: JSON.stringify([...lane, 2]) }))).toEqual({
      kind: "step",
      path: [...lane, 2],
    });
    expect(readDrop(data({ [BLOCK_MIME]: "log" }))).toEqual({ kind: "block", type: "log" });
    expect(readDrop(data({ [STEP_MIME]: "{not json" }))).toBeUndefined();
    expect(readDrop(data({ [STEP_MIME]: JSON.stringify(lane) }))).toBeUndefined();
    expect(readDrop(data({ "text/plain": "log" }))).toBeUndefined();
    expect(acceptsDrop(["Files"])).toBe(false);
    expect(acceptsDrop([BLOCK_MIME])).toBe(true);
  });

  it("refuses moves into the step itself or next to where it already is", () => {
    const step: Path = [...lane, 1];
    expect(isUsefulMove(step, { listPath: lane, index: 1 })).toBe(false);
    expect(isUsefulMove(step, { listPath: lane, index: 2 })).toBe(false);
    expect(isUsefulMove(step, { listPath: [...step, "then", "process"], index: 0 })).toBe(false);
    expect(isUsefulMove(step, { listPath: lane, index: 0 })).toBe(true);
    expect(isUsefulMove(step, { listPath: lane, index: 3 })).toBe(true);
    expect(isUsefulMove(step, { listPath: [...lane, 2, "then", "process"], index: 0 })).toBe(true);
  });
});
