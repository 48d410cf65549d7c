// YAML as plain data, for comparing a saved definition with a sample by meaning.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");

/** The plain value of a YAML text (`YAML.parse`). */
export function parseYaml(text: string): unknown {
  return parse(text);
}

/** A sample's file as text: `samples/<dir>/<file>`. */
export function sampleText(dir: string, file: string): string {
  return readFileSync(join(ROOT, "samples", dir, file), "utf8");
}
