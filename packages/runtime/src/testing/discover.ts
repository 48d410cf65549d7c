// Finds test files: a path that is a test file is taken as is; a directory is searched for
// `*.test.yaml` / `*.test.yml` (node_modules and dot-directories left out).
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { isTestFile } from "./test-file.ts";

export interface Discovered {
  /** Absolute paths, sorted, each once. */
  files: string[];
  /** Paths given that do not exist. */
  missing: string[];
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && isTestFile(entry.name)) out.push(path);
  }
}

export function findTestFiles(paths: readonly string[]): Discovered {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const p of paths.length === 0 ? ["."] : paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (!isDir) {
      found.add(abs);
      continue;
    }
    const files: string[] = [];
    walk(abs, files);
    for (const f of files) found.add(f);
  }
  return { files: [...found].sort(), missing };
}
