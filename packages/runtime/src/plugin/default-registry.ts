import { coreBlocks } from "../blocks/index.ts";
import { coreConnectors } from "../connectors/index.ts";
import { Registry } from "./registry.ts";

/** The registry `octo` uses: core blocks and connectors, then the plugins the runtime loads by default. */
export function defaultRegistry(): Registry {
  return new Registry().use(coreBlocks).use(coreConnectors);
}
