import { z } from "zod";
import { blockNodeSchema } from "../engine/compile.ts";
import type { Registry } from "../plugin/registry.ts";
import { documentSchema } from "./document.ts";
import { BLOCK_LIST } from "./fields.ts";

type Json = Record<string, unknown>;

const BLOCK_REF = { type: "array", items: { $ref: "#/$defs/block" } };

/** zod → JSON Schema with every nested block list pointing at the one block definition. */
function toJson(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, {
    unrepresentable: "any",
    // A config file is input: keys with defaults are optional in it.
    io: "input",
    override: (ctx) => {
      if (
        ctx.zodSchema === BLOCK_LIST ||
        (ctx.zodSchema as { def?: { type?: string; element?: unknown } }).def?.element === BLOCK_LIST.element
      ) {
        for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k];
        Object.assign(ctx.jsonSchema, BLOCK_REF);
      }
    },
  }) as Json;
  delete out.$schema;
  return out;
}

/**
 * The JSON Schema of a config file for this runtime's blocks and connectors: one source
 * (the zod schemas) for the loader, the editor, the orchestrator and MCP.
 */
export function configJsonSchema(registry: Registry): Json {
  const root = toJson(documentSchema);
  const blocks = [...registry.blocks.values()].map((def) => {
    const s = toJson(blockNodeSchema(def));
    const props = (s.properties ?? {}) as Json;
    props.type = { const: def.type };
    return { title: def.label, description: def.description, ...s };
  });
  const refBlock = {
    title: "Processor reference",
    type: "object",
    properties: {
      ref: { type: "string", description: "a processor declared under processors:" },
      type: { type: "string" },
      name: { type: "string" },
      settings: { type: "object", description: "overrides the processor's settings key by key" },
    },
    required: ["ref"],
    additionalProperties: false,
  };
  const connectors = [...registry.connectors.values()].map((c) => ({
    title: c.label,
    description: c.description,
    type: "object",
    properties: { name: { type: "string" }, type: { const: c.type }, settings: toJson(c.settings) },
    required: ["name", "type"],
    additionalProperties: false,
  }));
  const props = root.properties as Json;
  if (connectors.length > 0) props.connectors = { type: "array", items: { oneOf: connectors } };
  const sources = registry.sources().map(({ connector, source }) => ({
    title: source.label,
    type: "object",
    properties: {
      connector: { type: "string", description: `a ${connector.type} connector name (or the type itself)` },
      type: { const: source.type },
      settings: toJson(source.settings),
    },
    additionalProperties: false,
  }));
  const flowItems = (props.flows as { items?: { properties?: Json } } | undefined)?.items;
  if (sources.length > 0 && flowItems?.properties) flowItems.properties.source = { oneOf: sources };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://octo.dev/schema/config.json",
    title: "Octo integration config",
    ...root,
    $defs: { block: { oneOf: [...blocks, refBlock] } },
  };
}
