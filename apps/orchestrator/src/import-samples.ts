import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { type Database, integrations } from "@octo/db";
import { isIntegrationFile } from "@octo/runtime";

/**
 * Imports every `<dir>/<sample>/*.yaml` as an integration named after the file, skipping names
 * that exist already (so a restart imports nothing twice and never overwrites an edit).
 */
export async function importSamples(db: Database, dir: string): Promise<string[]> {
  const files = readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((sample) =>
      readdirSync(sample)
        .filter(isIntegrationFile)
        .map((f) => join(sample, f)),
    )
    .sort();
  const rows = files.map((file) => ({
    name: basename(file).replace(/\.ya?ml$/, ""),
    definition: readFileSync(file, "utf8"),
  }));
  if (rows.length === 0) return [];
  const created = await db
    .insert(integrations)
    .values(rows)
    .onConflictDoNothing({ target: integrations.name })
    .returning({ name: integrations.name });
  return created.map((r) => r.name);
}
