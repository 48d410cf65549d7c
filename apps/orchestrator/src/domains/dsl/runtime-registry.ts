import { loadRegistry, type Registry } from "@octo/runtime";

let registry: Promise<Registry> | undefined;

/** The blocks and connectors deployed integrations get: the runtime's defaults and plugins, loaded once. */
export function runtimeRegistry(): Promise<Registry> {
  registry ??= loadRegistry({});
  return registry;
}
