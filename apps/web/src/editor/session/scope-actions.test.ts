import { expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument } from "../model/document.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { scopeActionsOf } from "./scope-actions.ts";
import { valueAt } from "./selection.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const TEXT = `flows:
  - name: f
    process:
      - type: switch
        cases:
          - when: body.a
            process: []
      - type: if
        condition: "true"
        then:
          process: []
`;
const doc = openDocument(TEXT);
const outline = outlineOf(doc, info);
const act = (path: (string | number)[], label: string) => {
  const a = scopeActionsOf(doc, outline, info, path).find((x) => x.label === label);
  if (!a)
    throw new Error(`no action ${label}: ${scopeActionsOf(doc, outline, info, path).map((x) => x.label)}`);
  return a;
};

it("adds a switch case and a default, and keeps the last case", () => {
  const sw = ["flows", 0, "process", 0];
  const added = act(sw, "Add case").apply(doc);
  expect(valueAt(added, [...sw, "cases"])).toEqual([
    { when: "body.a", process: [] },
    { when: "", process: [] },
  ]);
  expect(act(sw, "Add case").select).toEqual([...sw, "cases", 1]);
  expect(valueAt(act(sw, "Add default").apply(doc), [...sw, "default"])).toEqual({ process: [] });
  const onlyCase = act([...sw, "cases", 0], "Remove this case");
  expect(onlyCase.blocked).toMatch(/needs at least 1 case/);
  const two = openDocument(added.text);
  const removable = scopeActionsOf(two, outlineOf(two, info), info, [...sw, "cases", 1])[0];
  expect(removable?.blocked).toBeUndefined();
  expect(valueAt(removable?.apply(two) ?? two, [...sw, "cases"])).toEqual([{ when: "body.a", process: [] }]);
});

it("adds an else to an if and an error lane to a flow, and removes them", () => {
  const iff = ["flows", 0, "process", 1];
  const withElse = act(iff, "Add else").apply(doc);
  expect(valueAt(withElse, [...iff, "else"])).toEqual({ process: [] });
  const again = openDocument(withElse.text);
  const remove = scopeActionsOf(again, outlineOf(again, info), info, iff).find(
    (a) => a.label === "Remove else",
  );
  expect(remove?.apply(again).text).toBe(TEXT);
  const lane = act(["flows", 0], "Add an error lane").apply(doc);
  expect(valueAt(lane, ["flows", 0, "error"])).toEqual([]);
});
