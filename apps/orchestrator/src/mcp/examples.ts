import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository's samples/: in the platform image too (it ships the whole workspace). */
export const DEFAULT_EXAMPLES_DIR = join(import.meta.dirname, "..", "..", "..", "..", "samples");

export interface Example {
  /** The sample's folder name, its address (`octo://examples/<slug>`). */
  slug: string;
  /** The first line of the first file's header comment. */
  summary: string;
  /** Its integration files, relative to the sample's folder. */
  files: string[];
}

const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Integration files of a sample (nested ones too); test files and dependencies are not examples. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter(
      (f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f) && !f.split(/[\\/]/).includes("node_modules"),
    )
    .sort();
}

/** The header comment's first line ("# weather: current temperature …" → "weather: current …"). */
function summaryOf(text: string): string {
  const first = text.split("\n").find((l) => l.startsWith("#") && l.replace(/^#\s*/, "") !== "");
  return first?.replace(/^#\s*/, "").trim() ?? "";
}

/** Every sample with an integration file, by slug. Read on each call: the folder is small. */
export function listExamples(dir: string): Example[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((slug) => SLUG.test(slug) && statSync(join(dir, slug)).isDirectory())
    .sort()
    .flatMap((slug) => {
      const files = yamlFiles(join(dir, slug));
      if (files.length === 0) return [];
      const head = readFileSync(join(dir, slug, files[0] as string), "utf8");
      return [{ slug, summary: summaryOf(head), files }];
    });
}

/** One sample's files as text, or undefined for an unknown slug (never a path outside `dir`). */
export function readExample(dir: string, slug: string): { file: string; text: string }[] | undefined {
  if (!SLUG.test(slug)) return undefined;
  const root = join(dir, slug);
  if (!existsSync(root) || !statSync(root).isDirectory()) return undefined;
  const files = yamlFiles(root);
  if (files.length === 0) return undefined;
  return files.map((f) => ({
    file: relative(root, join(root, f)),
    text: readFileSync(join(root, f), "utf8"),
  }));
}
