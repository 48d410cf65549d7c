import { BLOCK_LIST, type BlockDefinition, type Exec, FlowError, type Message } from "@octo/runtime/plugin";
import { z } from "zod";
import { clip, parseJsonAnswer } from "../../json/answer.ts";
import { once } from "../../lazy.ts";
import type { ChatTurn } from "../../llm/types.ts";
import { blockLabel, callModel, checkConnector, connectorField, promptField } from "../model-call.ts";

const fields = once(() =>
  z.strictObject({
    connector: connectorField(),
    prompt: promptField(),
    maxAttempts: z.number().int().min(1).max(20).default(3).meta({
      description: "tries of process: in all, the first included (each later one with a revised input)",
    }),
    process: BLOCK_LIST.min(1),
    error: BLOCK_LIST.optional().meta({
      description:
        "runs with vars.error and the original body when every attempt failed; else the block fails",
    }),
  }),
);

type Fields = z.infer<ReturnType<typeof fields>> & { name?: string };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function errorInfo(e: unknown, exec: Exec, block: string) {
  return e instanceof FlowError ? e.toInfo() : { message: errorText(e), flow: exec.flow, block };
}

/** Puts the message back as it came in: a failed attempt's changes must not reach the next. */
function restore(msg: Message, body: unknown, vars: Record<string, unknown>) {
  msg.body = structuredClone(body);
  msg.vars = structuredClone(vars);
  delete msg.dropped;
}

export const aiRetry: BlockDefinition<Fields> = {
  type: "ai-retry",
  label: "AI Retry",
  category: "control-flow",
  description:
    "Runs process:; when it fails, the model revises the input from the error and process runs again, " +
    "up to maxAttempts tries. When all fail, error: runs with vars.error (or the block fails).",
  kind: "composite",
  get fields() {
    return fields();
  },
  compile(node, ctx) {
    checkConnector(ctx, node.connector);
    const block = blockLabel(node, "ai-retry");
    const attempt = ctx.blocks("process", node.process);
    const onError = node.error && node.error.length > 0 ? ctx.blocks("error", node.error) : undefined;
    const system = [
      node.prompt,
      "",
      "The input below made a process fail. Answer only with a corrected input as JSON, in the same shape.",
    ].join("\n");

    return async (msg, exec) => {
      const original = structuredClone(msg.body);
      const vars = structuredClone(msg.vars);
      const turns: ChatTurn[] = [];
      let input = original;
      let lastError: unknown;
      let feedback = "";
      for (let n = 1; n <= node.maxAttempts; n++) {
        if (n > 1) {
          turns.push({ role: "user", text: feedback });
          let text: string;
          try {
            text = (await callModel(node.connector, { system, turns }, msg, exec, block)).text;
          } catch (e) {
            // A cancelled message (shutdown, a failed fork sibling) is not this block's failure.
            if (exec.signal?.aborted) throw e;
            lastError = e;
            break;
          }
          turns.push({ role: "assistant", text, toolCalls: [] });
          const revised = parseJsonAnswer(text);
          if (!revised.ok) {
            // The process's own last error stays the one reported: it is what needs fixing.
            feedback = `That answer is unusable: ${revised.problem}. Answer only with the corrected input as JSON.`;
            continue;
          }
          input = revised.value;
        }
        restore(msg, input, vars);
        try {
          await attempt(msg, exec);
          if (n > 1) exec.runtime.blockEvent(msg, exec, block, "ai.retry", { attempt: n, outcome: "ok" });
          return;
        } catch (e) {
          lastError = e;
          exec.runtime.blockEvent(msg, exec, block, "ai.retry", {
            attempt: n,
            outcome: "failed",
            error: clip(errorText(e)),
          });
          feedback =
            n === 1
              ? `Input:\n${JSON.stringify(input)}\n\nError: ${errorText(e)}`
              : `The corrected input failed too.\nError: ${errorText(e)}`;
        }
      }
      if (!onError) throw lastError;
      restore(msg, original, vars);
      msg.vars.error = errorInfo(lastError, exec, block);
      return onError(msg, exec);
    };
  },
};
