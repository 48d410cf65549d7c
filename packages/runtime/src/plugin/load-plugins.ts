import { bundled } from "./bundled.ts";
import { defaultRegistry } from "./default-registry.ts";
import type { Registry } from "./registry.ts";
import type { OctoPlugin } from "./types.ts";

/**
 * Plugins `octo` loads by default, by package name. The runtime depends on none of them: a
 * plugin depends on the runtime, and is found wherever the installation put it (the repo root
 * depends on @octo/ai). One that is not installed is skipped.
 */
export const DEFAULT_PLUGINS = ["@octo/ai"] as const;

/** Thrown when a plugin cannot be loaded; the CLI prints the message. */
export class PluginLoadError extends Error {}

/**
 * The packages to load: `OCTO_PLUGINS` (comma-separated package names or file paths; empty for
 * none) replaces the default list, and then every one of them must load.
 */
export function pluginList(env: Record<string, string | undefined>): { names: string[]; required: boolean } {
  const configured = env.OCTO_PLUGINS;
  if (configured === undefined) return { names: [...DEFAULT_PLUGINS], required: false };
  return {
    names: configured
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== ""),
    required: true,
  };
}

/** The core registry plus the plugins named by the environment. */
export async function loadRegistry(env: Record<string, string | undefined>): Promise<Registry> {
  const registry = defaultRegistry();
  const { names, required } = pluginList(env);
  for (const name of names) {
    const plugin = await importPlugin(name, required);
    if (plugin) registry.use(plugin);
  }
  return registry;
}

async function importPlugin(name: string, required: boolean): Promise<OctoPlugin | undefined> {
  // A file path is imported as given; a package name is resolved from the runtime's location.
  const specifier =
    name.startsWith(".") || name.startsWith("/") ? new URL(name, `file://${process.cwd()}/`).href : name;
  let mod: { default?: unknown; plugin?: unknown };
  try {
    mod = (await (bundled.get(name)?.() ?? import(specifier))) as typeof mod;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const missing = code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes(`'${name}'`);
    if (missing && !required) return undefined;
    throw new PluginLoadError(
      missing
        ? `plugin ${name} is not installed (OCTO_PLUGINS names it)`
        : `plugin ${name} failed to load: ${(e as Error).message}`,
    );
  }
  const plugin = mod.default ?? mod.plugin;
  if (!isPlugin(plugin))
    throw new PluginLoadError(
      `plugin ${name} exports no plugin (a default export {name, blocks?, connectors?})`,
    );
  return plugin;
}

function isPlugin(value: unknown): value is OctoPlugin {
  return typeof value === "object" && value !== null && typeof (value as OctoPlugin).name === "string";
}
