import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTestFiles } from "./discover.ts";

describe("finding test files", () => {
  it("searches directories, leaves out node_modules and dot-directories, and keeps each file once", () => {
    const root = mkdtempSync(join(tmpdir(), "octo-discover-"));
    for (const dir of ["a", "a/deep", "node_modules/pkg", ".hidden", "b"])
      mkdirSync(join(root, dir), { recursive: true });
    const files = {
      "a/a.test.yaml": "",
      "a/deep/d.test.yml": "",
      "a/a.yaml": "",
      "a/a.test.ts": "",
      "node_modules/pkg/p.test.yaml": "",
      ".hidden/h.test.yaml": "",
      "b/b.TEST.yaml": "",
    };
    for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
    const found = findTestFiles([root, join(root, "a"), join(root, "a/a.yaml")]);
    expect(found.missing).toEqual([]);
    // A file named on the command line is taken as given.
    expect(found.files.map((f) => f.slice(root.length + 1))).toEqual([
      "a/a.test.yaml",
      "a/a.yaml",
      "a/deep/d.test.yml",
      "b/b.TEST.yaml",
    ]);
  });

  it("reports paths that do not exist", () => {
    expect(findTestFiles(["/no/such/dir"])).toEqual({ files: [], missing: ["/no/such/dir"] });
  });
});
