import {
  type BlockDefinition,
  cloneMessage,
  type Exec,
  type Message,
  type Step,
  subFlow,
} from "@octo/runtime/plugin";
import { z } from "zod";
import { bodyText, clip, parseJsonAnswer } from "../../json/answer.ts";
import { parseSchema, validatorFor } from "../../json/schema.ts";
import { once } from "../../lazy.ts";
import type { ChatTurn, JsonSchema, ToolCall, ToolResult, ToolSpec, Usage } from "../../llm/types.ts";
import {
  blockLabel,
  callModel,
  checkConnector,
  connectorField,
  guardrailField,
  promptField,
  takeDefault,
} from "../model-call.ts";

/** The tool offered when a guardrail is set: calling it is the model's refusal. */
export const REFUSE_TOOL = "refuse";
/** Where the last agent's transcript is left for later blocks. */
export const AGENT_VAR = "agent";
export const DEFAULT_MAX_ITERATIONS = 8;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const fields = once(() =>
  z.strictObject({
    connector: connectorField(),
    prompt: promptField(),
    guardrail: guardrailField(),
    tools: z
      .array(
        subFlow({
          name: z
            .string()
            .min(1)
            .meta({ description: "the tool's name as the model calls it ([a-zA-Z0-9_-], ≤ 64)" }),
          description: z.string().min(1).meta({ description: "what the tool does; the model reads it" }),
          inputSchema: z
            .union([z.record(z.string(), z.unknown()), z.string()])
            .optional()
            .meta({
              description: "JSON Schema of the arguments (a mapping or JSON text); any object when unset",
            }),
        }),
      )
      .min(1),
    maxIterations: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(DEFAULT_MAX_ITERATIONS)
      .meta({ description: "model calls before the agent gives up (default: runs)" }),
    default: subFlow()
      .optional()
      .meta({ description: "runs when the guardrail is broken or no answer comes within maxIterations" }),
    maxTokens: z.number().int().positive().optional().meta({ description: "overrides the connection's" }),
  }),
);

type Fields = z.infer<ReturnType<typeof fields>> & { name?: string };

interface Tool {
  spec: ToolSpec;
  step: Step;
  schema: JsonSchema;
}

/** What later blocks read in `vars.agent`. */
export interface AgentRecord {
  transcript: ChatTurn[];
  iterations: number;
  usage: Usage;
}

export const aiAgent: BlockDefinition<Fields> = {
  type: "ai-agent",
  label: "AI Agent",
  category: "control-flow",
  description:
    "A tool-calling loop: the model may call the tools (each runs its process with the arguments as body) " +
    "until it answers; the answer becomes the body and the transcript is left in vars.agent.",
  kind: "composite",
  get fields() {
    return fields();
  },
  compile(node, ctx) {
    checkConnector(ctx, node.connector);
    const tools = new Map<string, Tool>();
    node.tools.forEach((t, i) => {
      const at = ["tools", i, "name"];
      if (!TOOL_NAME.test(t.name))
        ctx.error(
          at,
          "tool-name",
          `tool name "${t.name}" has characters models refuse`,
          "use letters, digits, _ and - (at most 64)",
        );
      else if (node.guardrail && t.name === REFUSE_TOOL)
        ctx.error(at, "reserved-tool", `"${REFUSE_TOOL}" is the tool of the guardrail`, "rename the tool");
      else if (tools.has(t.name)) ctx.error(at, "duplicate-tool", `tool "${t.name}" is declared twice`);
      let schema: JsonSchema = { type: "object" };
      if (t.inputSchema !== undefined) {
        const parsed = parseSchema(t.inputSchema);
        if ("problem" in parsed)
          ctx.error(["tools", i, "inputSchema"], "invalid-schema", `inputSchema ${parsed.problem}`);
        else schema = parsed.schema;
      }
      tools.set(t.name, {
        spec: { name: t.name, description: t.description, inputSchema: schema },
        step: ctx.blocks(["tools", i, "process"], t.process),
        schema,
      });
    });
    const fallback = node.default ? ctx.blocks(["default", "process"], node.default.process) : undefined;
    const block = blockLabel(node, "ai-agent");
    const specs = [...tools.values()].map((t) => t.spec);
    let system = node.prompt;
    if (node.guardrail) {
      specs.push({
        name: REFUSE_TOOL,
        description: "Call this instead of answering when the request breaks the rule in the instructions.",
        inputSchema: {
          type: "object",
          properties: { reason: { type: "string" } },
          required: ["reason"],
        },
      });
      system += `\n\nRule: ${node.guardrail}. If the request breaks this rule, call the ${REFUSE_TOOL} tool.`;
    }

    /** Runs one tool call; a failure becomes an error result the model reads. */
    const runTool = async (call: ToolCall, msg: Message, exec: Exec): Promise<ToolResult> => {
      const fail = (content: string): ToolResult => ({
        id: call.id,
        name: call.name,
        content,
        isError: true,
      });
      const tool = tools.get(call.name);
      if (!tool) return fail(`there is no tool named "${call.name}"; tools: ${[...tools.keys()].join(", ")}`);
      if (call.malformed) return fail(`the arguments are not JSON: ${clip(String(call.arguments))}`);
      // Compiled (and checked) when the block started.
      const problems = (await validatorFor(tool.schema))(call.arguments);
      if (problems.length > 0)
        return fail(`the arguments do not match the input schema: ${problems.join("; ")}`);
      // The tool sees the caller's vars but cannot change them: it runs on a copy.
      const toolMsg = cloneMessage(msg);
      toolMsg.body = call.arguments;
      try {
        await tool.step(toolMsg, exec);
      } catch (e) {
        return fail(e instanceof Error ? e.message : String(e));
      }
      return {
        id: call.id,
        name: call.name,
        content: JSON.stringify(toolMsg.dropped ? null : (toolMsg.body ?? null)),
      };
    };

    return async (msg, exec) => {
      // Invalid tool schemas are found before the first (paid) model call.
      await Promise.all(
        [...tools].map(([name, t]) =>
          validatorFor(t.schema).catch((e: Error) => {
            throw new Error(`tool ${name}: inputSchema: ${e.message}`);
          }),
        ),
      );
      const turns: ChatTurn[] = [{ role: "user", text: bodyText(msg.body) }];
      const usage: Usage = { inputTokens: 0, outputTokens: 0 };
      const record = (iterations: number) => {
        const r: AgentRecord = { transcript: structuredClone(turns), iterations, usage };
        msg.vars[AGENT_VAR] = r;
      };
      const giveUp = (reason: string, detail: string, iterations: number) => {
        record(iterations);
        return takeDefault(fallback, msg, exec, block, { reason, detail });
      };

      for (let iteration = 1; iteration <= node.maxIterations; iteration++) {
        const res = await callModel(
          node.connector,
          { system, turns, tools: specs, ...(node.maxTokens ? { maxTokens: node.maxTokens } : {}) },
          msg,
          exec,
          block,
        );
        usage.inputTokens += res.usage.inputTokens;
        usage.outputTokens += res.usage.outputTokens;
        if (res.toolCalls.length === 0) {
          turns.push({ role: "assistant", text: res.text, toolCalls: [] });
          record(iteration);
          msg.body = finalAnswer(res.text);
          return;
        }
        turns.push({ role: "assistant", text: res.text, toolCalls: res.toolCalls });
        const refusal = node.guardrail ? res.toolCalls.find((c) => c.name === REFUSE_TOOL) : undefined;
        if (refusal) {
          const reason = (refusal.arguments as { reason?: unknown } | null)?.reason;
          return giveUp(
            "guardrail",
            `the model refused under the guardrail${typeof reason === "string" ? `: ${reason}` : ""}`,
            iteration,
          );
        }
        const results: ToolResult[] = [];
        // One at a time, in the order asked: tools are flows that may change the outside world.
        for (const call of res.toolCalls) {
          const result = await runTool(call, msg, exec);
          exec.runtime.blockEvent(msg, exec, block, "ai.tool", {
            tool: call.name,
            ok: !result.isError,
            ...(result.isError ? { error: clip(result.content) } : {}),
          });
          results.push(result);
        }
        turns.push({ role: "tool", results });
      }
      return giveUp(
        "max-iterations",
        `no final answer after ${node.maxIterations} model calls`,
        node.maxIterations,
      );
    };
  },
};

/** The final answer as the body: JSON objects and arrays parsed, anything else the text. */
export function finalAnswer(text: string): unknown {
  const parsed = parseJsonAnswer(text);
  return parsed.ok && typeof parsed.value === "object" && parsed.value !== null ? parsed.value : text;
}
