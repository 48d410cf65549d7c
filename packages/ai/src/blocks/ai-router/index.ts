import { type BlockDefinition, type Step, subFlow } from "@octo/runtime/plugin";
import { z } from "zod";
import { bodyText, clip, parseJsonAnswer } from "../../json/answer.ts";
import { once } from "../../lazy.ts";
import {
  blockLabel,
  callModel,
  checkConnector,
  connectorField,
  guardrailField,
  promptField,
  takeDefault,
} from "../model-call.ts";

/** The answer that means "no route": nothing fits, or the guardrail is broken. */
export const NO_ROUTE = "none";

const fields = once(() =>
  z.strictObject({
    connector: connectorField(),
    prompt: promptField(),
    guardrail: guardrailField(),
    routes: z
      .array(
        subFlow({
          name: z.string().min(1).meta({ description: "what the model answers to pick this route" }),
          description: z.string().min(1).meta({ description: "when this route fits; the model reads it" }),
        }),
      )
      .min(1),
    default: subFlow()
      .optional()
      .meta({ description: "runs when the model picks no route or answers something unusable" }),
    maxTokens: z.number().int().positive().optional().meta({ description: "overrides the connection's" }),
  }),
);

/** The block's `name:` sits beside its fields (the runtime's block head). */
type Fields = z.infer<ReturnType<typeof fields>> & { name?: string };

/** The system prompt: the author's prompt, then the routes and the answer's form. */
export function routerSystemPrompt(node: Pick<Fields, "prompt" | "routes" | "guardrail">): string {
  const lines = [
    node.prompt,
    "",
    "Choose the one route below that fits the input.",
    ...node.routes.map((r) => `- ${r.name}: ${r.description}`),
  ];
  if (node.guardrail)
    lines.push(`Rule: ${node.guardrail}. If the input breaks this rule, choose "${NO_ROUTE}".`);
  lines.push(
    `If no route fits, choose "${NO_ROUTE}".`,
    'Answer only with JSON: {"route": "<route name>", "reason": "<one short sentence>"}.',
  );
  return lines.join("\n");
}

export const aiRouter: BlockDefinition<Fields> = {
  type: "ai-router",
  label: "AI Router",
  category: "control-flow",
  description:
    "Asks the model which of the routes fits the body and runs it; an answer that names no route " +
    "(or breaks the guardrail, or is malformed) runs default: and is reported as an ai.fallback event.",
  kind: "composite",
  get fields() {
    return fields();
  },
  compile(node, ctx) {
    checkConnector(ctx, node.connector);
    const routes = new Map<string, Step>();
    node.routes.forEach((r, i) => {
      if (r.name === NO_ROUTE)
        ctx.error(
          ["routes", i, "name"],
          "reserved-route",
          `"${NO_ROUTE}" is the model's answer for "no route"`,
          "rename the route",
        );
      else if (routes.has(r.name))
        ctx.error(["routes", i, "name"], "duplicate-route", `route "${r.name}" is declared twice`);
      routes.set(r.name, ctx.blocks(["routes", i, "process"], r.process));
    });
    const fallback = node.default ? ctx.blocks(["default", "process"], node.default.process) : undefined;
    const names = [...routes.keys()];
    const block = blockLabel(node, "ai-router");
    const system = routerSystemPrompt(node);
    const schema = {
      type: "object",
      properties: {
        route: { type: "string", enum: [...names, NO_ROUTE] },
        reason: { type: "string" },
      },
      required: ["route", "reason"],
      additionalProperties: false,
    };

    return async (msg, exec) => {
      const res = await callModel(
        node.connector,
        {
          system,
          turns: [{ role: "user", text: bodyText(msg.body) }],
          output: { name: "route_choice", schema },
          ...(node.maxTokens ? { maxTokens: node.maxTokens } : {}),
        },
        msg,
        exec,
        block,
      );
      const answer = parseJsonAnswer(res.text);
      const choice = answer.ok ? (answer.value as { route?: unknown; reason?: unknown } | null) : null;
      const route = typeof choice?.route === "string" ? choice.route : undefined;
      const reason = typeof choice?.reason === "string" ? choice.reason : "";
      const step = route === undefined ? undefined : routes.get(route);
      if (step) {
        exec.runtime.blockEvent(msg, exec, block, "ai.route", { route, reason });
        return step(msg, exec);
      }
      const why = !answer.ok
        ? answer.problem
        : route === NO_ROUTE
          ? `the model chose no route${reason ? `: ${reason}` : ""}`
          : `the model answered ${clip(JSON.stringify(choice))}, which names none of the routes ${names.join(", ")}`;
      return takeDefault(fallback, msg, exec, block, {
        reason: !answer.ok ? "malformed" : route === NO_ROUTE ? "no-route" : "unknown-route",
        detail: why,
        answer: clip(res.text),
      });
    };
  },
};
