import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_PLUGINS, loadRegistry, PluginLoadError, pluginList } from "./load-plugins.ts";

const dir = mkdtempSync(join(tmpdir(), "octo-plugins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pluginFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("loading plugins", () => {
  it("loads the default plugins (the AI blocks) when OCTO_PLUGINS is unset", async () => {
    expect(pluginList({})).toEqual({ names: [...DEFAULT_PLUGINS], required: false });
    const registry = await loadRegistry({});
    expect(registry.plugins).toContain("@octo/ai");
    expect(registry.blocks.has("ai-router")).toBe(true);
    expect(registry.connectors.get("anthropic")?.category).toBe("llm");
  });

  it("loads none with OCTO_PLUGINS empty", async () => {
    const registry = await loadRegistry({ OCTO_PLUGINS: "" });
    expect(registry.plugins).toEqual(["core", "core-connectors"]);
    expect(registry.blocks.has("ai-router")).toBe(false);
  });

  it("loads a plugin from a file path, with its blocks usable", async () => {
    const path = pluginFile(
      "shout.mjs",
      `export default { name: "shout", blocks: [{ type: "shout", label: "Shout", category: "processor",
        description: "upper-cases the body", kind: "leaf", fields: (await import("zod")).z.strictObject({}),
        compile: () => (msg) => { msg.body = String(msg.body).toUpperCase(); } }] };`,
    );
    const registry = await loadRegistry({ OCTO_PLUGINS: path });
    expect(registry.plugins).toContain("shout");
    expect(registry.blocks.has("shout")).toBe(true);
    expect(registry.blocks.has("ai-router")).toBe(false);
  });

  it("fails clearly on a plugin that is named but not there, or exports no plugin", async () => {
    await expect(loadRegistry({ OCTO_PLUGINS: "@octo/not-a-plugin" })).rejects.toThrow(
      new PluginLoadError("plugin @octo/not-a-plugin is not installed (OCTO_PLUGINS names it)"),
    );
    const empty = pluginFile("empty.mjs", "export const x = 1;");
    await expect(loadRegistry({ OCTO_PLUGINS: empty })).rejects.toThrow(/exports no plugin/);
    const broken = pluginFile("broken.mjs", "throw new Error('boom at import');");
    await expect(loadRegistry({ OCTO_PLUGINS: broken })).rejects.toThrow(/failed to load: boom at import/);
  });
});
