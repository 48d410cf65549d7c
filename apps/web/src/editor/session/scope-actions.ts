/**
 * Adding and removing a composite block's branches (an else, a switch case, a fork branch, an
 * AI route or tool) and a flow's error lane: what the settings panel offers beside the form.
 * The shapes come from the schema (ScopeField), so a plugin's composite block gets them too.
 */
import type { EditorDocument, Path } from "../model/document.ts";
import { deleteAt, newScopeEntry, setAt } from "../model/edits.ts";
import type { Outline } from "../model/outline.ts";
import { type SchemaInfo, singular } from "../model/schema-info.ts";
import { samePath, valueAt } from "./selection.ts";

export interface ScopeAction {
  label: string;
  /** Why it cannot be done now (a switch needs one case); undefined: it can. */
  blocked?: string;
  apply(doc: EditorDocument): EditorDocument;
  /** What to select afterwards. */
  select?: Path;
}

function listLength(doc: EditorDocument, path: Path): number {
  const v = valueAt(doc, path);
  return Array.isArray(v) ? v.length : 0;
}

/** The add/remove actions for the selected step, case entry or flow. */
export function scopeActionsOf(
  doc: EditorDocument,
  outline: Outline,
  info: SchemaInfo,
  path: Path | undefined,
): ScopeAction[] {
  if (!path) return [];
  const flow = outline.flows.find((f) => samePath(f.path, path));
  if (flow) {
    return flow.error
      ? [{ label: "Remove the error lane", apply: (d) => deleteAt(d, [...path, "error"]) }]
      : [{ label: "Add an error lane", apply: (d) => setAt(d, [...path, "error"], []) }];
  }
  const type = valueAt(doc, [...path, "type"]);
  const block = typeof type === "string" ? info.blocks.get(type) : undefined;
  if (block) {
    const actions: ScopeAction[] = [];
    for (const scope of block.scopes) {
      const at = [...path, scope.name];
      if (scope.shape === "flow" && !scope.required) {
        actions.push(
          valueAt(doc, at) === undefined
            ? { label: `Add ${scope.name}`, apply: (d) => setAt(d, at, newScopeEntry(scope)) }
            : { label: `Remove ${scope.name}`, apply: (d) => deleteAt(d, at) },
        );
      } else if (scope.shape === "flow-list") {
        const n = listLength(doc, at);
        actions.push({
          label: `Add ${singular(scope.name)}`,
          apply: (d) =>
            n === 0 ? setAt(d, at, [newScopeEntry(scope)]) : setAt(d, [...at, n], newScopeEntry(scope)),
          select: [...at, n],
        });
      }
    }
    return actions;
  }
  // A flow-list entry (a case): it can go while the list keeps its minimum.
  const index = path.at(-1);
  const owner = path.slice(0, -2);
  const field = path.at(-2);
  const ownerType = valueAt(doc, [...owner, "type"]);
  const scope =
    typeof index === "number" && typeof field === "string" && typeof ownerType === "string"
      ? info.blocks.get(ownerType)?.scopes.find((s) => s.name === field && s.shape === "flow-list")
      : undefined;
  if (!scope || typeof field !== "string") return [];
  const n = listLength(doc, [...owner, field]);
  const min = scope.minItems ?? 0;
  return [
    {
      label: `Remove this ${singular(field)}`,
      ...(n <= min
        ? { blocked: `a ${ownerType} needs at least ${min} ${min === 1 ? singular(field) : field}` }
        : {}),
      apply: (d) => deleteAt(d, path),
      select: owner,
    },
  ];
}
