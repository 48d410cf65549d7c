import { coreBlocks } from "../blocks/index.ts";
import { Registry } from "./registry.ts";

/** The registry `octo` uses: core blocks, then the plugins the runtime loads by default. */
export function defaultRegistry(): Registry {
  return new Registry().use(coreBlocks);
}
