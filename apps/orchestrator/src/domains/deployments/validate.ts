import { type Diagnostic, loadRuntimeFromSources, YamlSource } from "@octo/runtime";
import { runtimeRegistry } from "../dsl/runtime-registry.ts";

/**
 * Loads a definition the way the runtime will, with the env it will get, without starting
 * anything: a deploy that could never start is refused up front with the runtime's own
 * file:line:col messages. The runtime's default plugins (the AI blocks) are loaded once.
 */
export async function definitionProblems(
  definition: string,
  env: Record<string, string>,
): Promise<Diagnostic[]> {
  const loaded = loadRuntimeFromSources([new YamlSource("integration.yaml", definition)], {
    registry: await runtimeRegistry(),
    osEnv: env,
    logger: { log: () => {} },
  });
  return loaded.ok ? [] : loaded.diagnostics;
}
