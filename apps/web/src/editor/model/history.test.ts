import { describe, expect, it } from "vitest";
import { openDocument, toYaml } from "./document.ts";
import { addFlow, setAt } from "./edits.ts";
import { canRedo, canUndo, createHistory, HISTORY_LIMIT, pushHistory, redo, undo } from "./history.ts";

const start = openDocument("flows: []\n");

describe("history", () => {
  it("undoes and redoes edits in order", () => {
    let h = createHistory(start);
    expect(canUndo(h)).toBe(false);
    h = pushHistory(h, addFlow(h.present, "a"));
    h = pushHistory(h, addFlow(h.present, "b"));
    expect(toYaml(h.present)).toContain("name: b");
    h = undo(h);
    expect(toYaml(h.present)).toBe("flows:\n  - name: a\n    process: []\n");
    expect(canRedo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe(start);
    expect(canUndo(h)).toBe(false);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(toYaml(h.present)).toContain("name: b");
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
  });

  it("drops the redo branch on a new edit and ignores edits that changed nothing", () => {
    let h = pushHistory(createHistory(start), addFlow(start, "a"));
    h = undo(h);
    h = pushHistory(h, addFlow(h.present, "z"));
    expect(canRedo(h)).toBe(false);
    expect(toYaml(h.present)).toContain("name: z");
    expect(pushHistory(h, setAt(h.present, ["flows", 0, "name"], "z"))).toBe(h);
    expect(pushHistory(h, openDocument(toYaml(h.present)))).toBe(h);
  });

  it(`keeps at most ${HISTORY_LIMIT} steps back`, () => {
    let h = createHistory(start);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) h = pushHistory(h, openDocument(`n: ${i}\n`));
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(toYaml(h.past[0] ?? start)).toBe("n: 4\n");
    while (canUndo(h)) h = undo(h);
    expect(toYaml(h.present)).toBe("n: 4\n");
    expect(h.future).toHaveLength(HISTORY_LIMIT);
  });
});
