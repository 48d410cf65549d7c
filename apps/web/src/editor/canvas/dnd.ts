/**
 * Drag and drop between the palette, steps and gaps (HTML5 DnD, not React Flow's node dragging:
 * node positions come from the layout, a step moves only by landing on a gap).
 */
import type { Path } from "../model/document.ts";
import { type GapRef, isPath, pathKey } from "./graph.ts";

/** A step being moved: the JSON of its path. */
export const STEP_MIME = "application/x-octo-step";
/** A block type from the palette. */
export const BLOCK_MIME = "application/x-octo-block";

export type DropPayload =
  | { readonly kind: "step"; readonly path: Path }
  | { readonly kind: "block"; readonly type: string };

/** While dragging only the types are readable, not the data. */
export function acceptsDrop(types: readonly string[]): boolean {
  return types.includes(STEP_MIME) || types.includes(BLOCK_MIME);
}

export function readDrop(data: Pick<DataTransfer, "getData">): DropPayload | undefined {
  const step = data.getData(STEP_MIME);
  if (step) {
    try {
      const path: unknown = JSON.parse(step);
      if (isPath(path) && typeof path.at(-1) === "number") return { kind: "step", path };
    } catch {
      // not ours: ignore the drop
    }
    return undefined;
  }
  const type = data.getData(BLOCK_MIME);
  return type ? { kind: "block", type } : undefined;
}

/** A move that changes something: not into the step itself, not onto a gap next to it. */
export function isUsefulMove(from: Path, to: GapRef): boolean {
  const index = from.at(-1);
  if (typeof index !== "number") return false;
  if (from.length <= to.listPath.length && from.every((seg, i) => to.listPath[i] === seg)) return false;
  const sameList = pathKey(from.slice(0, -1)) === pathKey(to.listPath);
  return !(sameList && (to.index === index || to.index === index + 1));
}
