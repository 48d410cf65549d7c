import { describe, expect, it } from "vitest";
import { canEdit, EditError, isEmpty, openDocument, positionOf, renderStyle, toYaml } from "./document.ts";
import { insertStep, setAt } from "./edits.ts";
import { mergeFormatting } from "./text-merge.ts";

const TEXT = `# top
service: { name: demo }   # aligned comment
flows:
  - name: a
    process:
      - type: log
        settings: { message: '"hi"' }
  - name: b
    process: []
`;

describe("openDocument / toYaml", () => {
  it("gives back the text it was opened from", () => {
    const doc = openDocument(TEXT);
    expect(toYaml(doc)).toBe(TEXT);
    expect(doc.errors).toEqual([]);
    expect(doc.yaml.toJS()).toEqual({
      service: { name: "demo" },
      flows: [
        { name: "a", process: [{ type: "log", settings: { message: '"hi"' } }] },
        { name: "b", process: [] },
      ],
    });
  });

  it("reports broken YAML as problems with line and column, keeps the text, refuses edits", () => {
    const broken = "flows:\n  - name: a\n    process: [ { type: log }\n  - name: b\n";
    const doc = openDocument(broken);
    expect(doc.errors.length).toBeGreaterThan(0);
    const [first] = doc.errors;
    expect(first).toMatchObject({ line: 4, col: 3 });
    expect(first?.message).toMatch(/flow sequence/i);
    expect(first?.message).not.toMatch(/at line/);
    expect(toYaml(doc)).toBe(broken);
    expect(canEdit(doc)).toBe(false);
    expect(() => insertStep(doc, ["flows", 0, "process"], 0, { type: "log" })).toThrow(EditError);
  });

  it("reports duplicate keys too", () => {
    const doc = openDocument("a: 1\na: 2\n");
    expect(doc.errors.map((e) => [e.line, e.col])).toEqual([[2, 1]]);
    expect(doc.errors[0]?.message).toMatch(/unique/i);
  });

  it("knows an empty document", () => {
    expect(isEmpty(openDocument(""))).toBe(true);
    expect(isEmpty(openDocument("# only a comment\n"))).toBe(true);
    expect(isEmpty(openDocument("flows: []\n"))).toBe(false);
  });
});

describe("positionOf", () => {
  const doc = openDocument(TEXT);

  it("points at keys and list items", () => {
    expect(positionOf(doc, ["service"])).toEqual({ line: 2, col: 1 });
    expect(positionOf(doc, ["flows", 0])).toEqual({ line: 4, col: 5 });
    expect(positionOf(doc, ["flows", 0, "process", 0])).toEqual({ line: 6, col: 9 });
    expect(positionOf(doc, ["flows", 0, "process", 0, "settings", "message"])).toEqual({ line: 7, col: 21 });
    expect(positionOf(doc, ["flows", 1, "process"])).toEqual({ line: 9, col: 5 });
  });

  it("is undefined off the document", () => {
    expect(positionOf(doc, ["flows", 2])).toBeUndefined();
    expect(positionOf(doc, ["connectors"])).toBeUndefined();
    expect(positionOf(doc, ["flows", "x"])).toBeUndefined();
  });
});

describe("editing keeps the author's formatting outside the edit", () => {
  it("keeps aligned comments and flow spacing on lines the edit did not touch", () => {
    const doc = openDocument(TEXT);
    const edited = setAt(doc, ["flows", 1, "name"], "renamed");
    expect(toYaml(edited)).toBe(TEXT.replace("name: b", "name: renamed"));
    expect(toYaml(doc)).toBe(TEXT);
  });

  it("returns the same document for an edit that changes nothing", () => {
    const doc = openDocument(TEXT);
    expect(setAt(doc, ["flows", 0, "name"], "a")).toBe(doc);
  });

  it("writes new lines in the author's indentation", () => {
    const flush = "flows:\n- name: a\n  process:\n  - type: log\n";
    expect(renderStyle(openDocument(flush))).toMatchObject({ indent: 2, indentSeq: false });
    expect(
      toYaml(insertStep(openDocument(flush), ["flows", 0, "process"], 1, { type: "if", then: {} })),
    ).toBe(`${flush}  - type: if\n    then: {}\n`);
    const wide =
      "flows:\n    - name: a\n      process:\n          - type: log\n            settings:\n                message: x\n";
    expect(renderStyle(openDocument(wide))).toMatchObject({ indent: 4, indentSeq: true });
    const edited = insertStep(openDocument(wide), ["flows", 0, "process"], 1, {
      type: "log",
      settings: { a: 1 },
    });
    expect(toYaml(edited)).toBe(
      `${wide}          - type: log\n            settings:\n                a: 1\n`,
    );
  });

  it("keeps CRLF line ends", () => {
    const doc = openDocument(TEXT.replaceAll("\n", "\r\n"));
    const edited = setAt(doc, ["flows", 1, "name"], "c");
    expect(toYaml(edited)).toBe(TEXT.replace("name: b", "name: c").replaceAll("\n", "\r\n"));
  });
});

describe("mergeFormatting", () => {
  it("takes untouched runs from the original and edited lines from the new rendering", () => {
    const original = "a:   1 # x\nb: [1]\nc: 3\n\n\nd: 4\n";
    const base = "a: 1 # x\nb: [ 1 ]\nc: 3\n\nd: 4\n";
    const edited = "a: 1 # x\nb: [ 1 ]\nc: 30\n\nd: 4\n";
    expect(mergeFormatting(original, base, edited)).toBe("a:   1 # x\nb: [1]\nc: 30\n\n\nd: 4\n");
  });

  it("uses the new rendering for a run the edit only partly kept", () => {
    const original = "x: >-\n  one\n  two\ny: 1\n";
    const base = "x: >-\n  one two\ny: 1\n";
    const edited = "x: >-\n  one two three\ny: 1\n";
    expect(mergeFormatting(original, base, edited)).toBe(edited);
  });

  it("is the original when nothing changed", () => {
    expect(mergeFormatting("a:  1\n", "a: 1\n", "a: 1\n")).toBe("a:  1\n");
  });
});
