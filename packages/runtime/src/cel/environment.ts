// Library environments: one base with our options and functions, one clone per declaration set.
import { Environment } from "@marcbachmann/cel-js";
import { registerExtraFunctions } from "./functions.ts";

/**
 * Parse-time structural limits so one expression cannot stall a worker. They are far above
 * anything a flow needs and still pass the cel-spec "parse" nesting/repetition tests.
 */
export const LIMITS = {
  maxAstNodes: 5_000,
  maxDepth: 64,
  maxListElements: 1_000,
  maxMapEntries: 1_000,
  maxCallArguments: 32,
} as const;

/** Longest expression source accepted (characters). */
export const MAX_SOURCE_LENGTH = 16_384;

const base = new Environment({
  unlistedVariablesAreDyn: false,
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: true,
  limits: LIMITS,
});
registerExtraFunctions(base);

/** Our type names → the library's ('timestamp' is spelled google.protobuf.Timestamp there). */
export function libraryType(type: string): string {
  return type
    .replace(/\btimestamp\b/g, "google.protobuf.Timestamp")
    .replace(/\bduration\b/g, "google.protobuf.Duration");
}

const cache = new Map<string, Environment>();

/** The (cached) library environment declaring exactly these variables. */
export function environmentFor(variables: Record<string, string>): Environment {
  const entries = Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify(entries);
  let env = cache.get(key);
  if (!env) {
    env = base.clone();
    for (const [name, type] of entries) env.registerVariable(name, libraryType(type));
    cache.set(key, env);
  }
  return env;
}

// Library value classes, re-exported for the conformance test (which must not import the library).
export { Optional } from "@marcbachmann/cel-js";
export { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";
