import type { BlockDefinition } from "@octo/runtime/plugin";
import { z } from "zod";
import { bodyText, parseJsonAnswer } from "../../json/answer.ts";
import { parseSchema, schemaOfExample, validatorFor } from "../../json/schema.ts";
import { once } from "../../lazy.ts";
import type { JsonSchema } from "../../llm/types.ts";
import { blockLabel, callModel, checkConnector, connectorField, promptField } from "../model-call.ts";

const example = (description: string) =>
  z
    .unknown()
    .optional()
    .meta({ description: `${description} (a YAML value, or JSON text)` });

const fields = once(() =>
  z.strictObject({
    connector: connectorField(),
    prompt: promptField(),
    inputExample: example("an input the mapping gets"),
    outputExample: example("what that input maps to; its shape is the target when outputSchema is unset"),
    outputSchema: z
      .union([z.record(z.string(), z.unknown()), z.string()])
      .optional()
      .meta({
        description: "JSON Schema of the result (a mapping or JSON text); the result is checked against it",
      }),
    maxTokens: z.number().int().positive().optional().meta({ description: "overrides the connection's" }),
  }),
);

/** A leaf block: its fields sit under `settings:`. */
type Node = { name?: string; settings: z.infer<ReturnType<typeof fields>> };

/** An example as written: JSON text is parsed, any other string is itself. */
function exampleValue(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Structured-output modes want an object at the root: other schemas are wrapped in {result}. */
function rootObject(schema: JsonSchema): { schema: JsonSchema; unwrap: (v: unknown) => unknown } {
  const isObject = schema.type === "object" || (schema.type === undefined && "properties" in schema);
  if (isObject) return { schema, unwrap: (v) => v };
  return {
    schema: {
      type: "object",
      properties: { result: schema },
      required: ["result"],
      additionalProperties: false,
    },
    unwrap: (v) => (v as { result?: unknown } | null)?.result,
  };
}

export const aiMapping: BlockDefinition<Node> = {
  type: "ai-mapping",
  label: "AI Mapping",
  category: "processor",
  description:
    "Maps the body to a target shape with the model's structured-output mode; the result is checked " +
    "against outputSchema (or the shape of outputExample) and becomes the body.",
  kind: "leaf",
  get fields() {
    return fields();
  },
  compile({ name, settings: node }, ctx) {
    checkConnector(ctx, node.connector);
    const block = blockLabel({ name }, "ai-mapping");
    const output = exampleValue(node.outputExample);
    let target: JsonSchema = {};
    if (node.outputSchema !== undefined) {
      const parsed = parseSchema(node.outputSchema);
      if ("problem" in parsed) ctx.error("outputSchema", "invalid-schema", `outputSchema ${parsed.problem}`);
      else target = parsed.schema;
    } else if (node.outputExample !== undefined) {
      target = schemaOfExample(output);
    } else {
      ctx.error(
        "outputSchema",
        "missing-target",
        "ai-mapping needs outputSchema or outputExample",
        "declare the shape the body maps to",
      );
    }
    const { schema, unwrap } = rootObject(target);
    const lines = [node.prompt, "", "Map the input JSON to the output. Answer only with the output JSON."];
    if (node.inputExample !== undefined)
      lines.push(`Example input: ${JSON.stringify(exampleValue(node.inputExample))}`);
    if (node.outputExample !== undefined) lines.push(`Example output: ${JSON.stringify(output)}`);
    const system = lines.join("\n");

    return async (msg, exec) => {
      // An invalid schema is found before the (paid) model call.
      const validate = await validatorFor(target);
      const res = await callModel(
        node.connector,
        {
          system,
          turns: [{ role: "user", text: bodyText(msg.body) }],
          output: { name: "mapping", schema },
          ...(node.maxTokens ? { maxTokens: node.maxTokens } : {}),
        },
        msg,
        exec,
        block,
      );
      const answer = parseJsonAnswer(res.text);
      if (!answer.ok) throw new Error(`the model's output is unusable: ${answer.problem}`);
      const value = unwrap(answer.value);
      const problems = validate(value);
      if (problems.length > 0)
        throw new Error(`the model's output does not match the target schema: ${problems.join("; ")}`);
      msg.body = value;
    };
  },
};
