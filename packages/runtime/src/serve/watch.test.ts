// `--watch`: which file changes trigger a reload, and that a burst of them triggers one.
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileFilter, watchConfig } from "./watch.ts";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

function tempDir() {
  return mkdtempSync(join(tmpdir(), "octo-watch-"));
}

async function watching(path: string) {
  let changes = 0;
  stops.push(await watchConfig(path, () => changes++, { debounceMs: 50 }));
  return { count: () => changes };
}

describe("configFileFilter", () => {
  it("for a file: that file and the .env beside it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.yaml"), "");
    const f = configFileFilter(join(dir, "a.yaml"));
    expect(f.relevant(join(dir, "a.yaml"))).toBe(true);
    expect(f.relevant(join(dir, ".env"))).toBe(true);
    expect(f.relevant(join(dir, "b.yaml"))).toBe(false);
  });

  it("for a directory: its YAML files and .env, not other files or subfolders", () => {
    const dir = tempDir();
    const f = configFileFilter(dir);
    expect(f.relevant(join(dir, "b.yml"))).toBe(true);
    expect(f.relevant(join(dir, ".env"))).toBe(true);
    expect(f.relevant(join(dir, "notes.txt"))).toBe(false);
    expect(f.relevant(join(dir, "sub", "c.yaml"))).toBe(false);
    // A flow test beside the integration is not part of it: editing it reloads nothing.
    expect(f.relevant(join(dir, "b.test.yaml"))).toBe(false);
  });
});

describe("watchConfig", () => {
  it("a save triggers one reload", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.yaml"), "v: 1\n");
    const w = await watching(join(dir, "a.yaml"));
    writeFileSync(join(dir, "a.yaml"), "v: 2\n");
    await expect.poll(w.count).toBe(1);
  });

  it("an editor's atomic save (temp file + rename) triggers a reload", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.yaml"), "v: 1\n");
    const w = await watching(dir);
    writeFileSync(join(dir, ".a.yaml.swp"), "v: 2\n");
    renameSync(join(dir, ".a.yaml.swp"), join(dir, "a.yaml"));
    await expect.poll(w.count).toBeGreaterThanOrEqual(1);
  });

  it("a burst of writes to several files collapses into one reload", async () => {
    const dir = tempDir();
    const w = await watching(dir);
    for (const name of ["a.yaml", "b.yaml", "c.yml", ".env"]) writeFileSync(join(dir, name), "x: 1\n");
    await expect.poll(w.count).toBe(1);
  });

  it("files the config does not read are ignored", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.yaml"), "v: 1\n");
    const w = await watching(dir);
    writeFileSync(join(dir, "README.md"), "notes\n");
    writeFileSync(join(dir, "a.yaml"), "v: 2\n");
    await expect.poll(w.count).toBe(1);
    writeFileSync(join(dir, "README.md"), "more notes\n");
    await new Promise((r) => setTimeout(r, 200));
    expect(w.count()).toBe(1);
  });
});
