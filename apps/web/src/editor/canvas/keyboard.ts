/**
 * The canvas's keyboard commands as a pure function of the key and what is selected or focused,
 * so the rules are testable without a DOM. The canvas applies the returned intent through the
 * page's callbacks (it never edits the document itself).
 */
import type { Path } from "../model/document.ts";
import { allLanes, type Outline } from "../model/outline.ts";
import { type GapRef, pathKey } from "./graph.ts";

/** Where a step sits: its list, its index there and how many steps the list holds. */
export interface StepPlace {
  readonly path: Path;
  readonly listPath: Path;
  readonly index: number;
  readonly laneSize: number;
}

/** Every step in a lane (flows and processors' scopes) by path key. */
export function stepPlaces(outline: Outline): Map<string, StepPlace> {
  const out = new Map<string, StepPlace>();
  for (const lane of allLanes(outline)) {
    lane.steps.forEach((step, index) => {
      out.set(pathKey(step.path), {
        path: step.path,
        listPath: lane.path,
        index,
        laneSize: lane.steps.length,
      });
    });
  }
  return out;
}

export type KeyIntent =
  | { readonly kind: "remove"; readonly path: Path }
  | { readonly kind: "copy"; readonly path: Path }
  | { readonly kind: "paste"; readonly listPath: Path; readonly index: number }
  | { readonly kind: "move"; readonly from: Path; readonly toListPath: Path; readonly toIndex: number }
  | { readonly kind: "undo" }
  | { readonly kind: "redo" }
  | { readonly kind: "deselect" };

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export interface KeyContext {
  /** The selected step, when the selection is a step on the canvas. */
  readonly selected?: StepPlace;
  /** A gap with keyboard focus: paste goes there. */
  readonly focusedGap?: GapRef;
  readonly readOnly: boolean;
}

export function keyIntent(press: KeyPress, ctx: KeyContext): KeyIntent | undefined {
  const { selected } = ctx;
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.toLowerCase();
  if (key === "escape") return selected ? { kind: "deselect" } : undefined;
  if (ctx.readOnly) return undefined;
  if (mod && !press.altKey) {
    if (key === "z") return press.shiftKey ? { kind: "redo" } : { kind: "undo" };
    if (key === "y" && !press.shiftKey) return { kind: "redo" };
    if (key === "c" && selected) return { kind: "copy", path: selected.path };
    if (key === "v") {
      if (ctx.focusedGap) return { kind: "paste", ...ctx.focusedGap };
      if (selected) return { kind: "paste", listPath: selected.listPath, index: selected.index + 1 };
    }
    return undefined;
  }
  if (!selected || mod) return undefined;
  if ((key === "delete" || key === "backspace") && !press.altKey && !press.shiftKey) {
    return { kind: "remove", path: selected.path };
  }
  if (press.altKey && !press.shiftKey) {
    // Slots are counted before the move (moveStep's convention): one down is slot index + 2.
    if (key === "arrowup" && selected.index > 0) {
      return {
        kind: "move",
        from: selected.path,
        toListPath: selected.listPath,
        toIndex: selected.index - 1,
      };
    }
    if (key === "arrowdown" && selected.index < selected.laneSize - 1) {
      return {
        kind: "move",
        from: selected.path,
        toListPath: selected.listPath,
        toIndex: selected.index + 2,
      };
    }
  }
  return undefined;
}
