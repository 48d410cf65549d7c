import { z } from "zod";
import { BLOCK_LIST } from "../../dsl/fields.ts";
import type { Message } from "../../engine/message.ts";
import { FlowError } from "../../errors/diagnostic.ts";
import type { BlockDefinition, Exec } from "../../plugin/types.ts";

const fields = z.strictObject({
  process: BLOCK_LIST.min(1),
  error: BLOCK_LIST.min(1).meta({
    description: "runs with vars.error when process fails; its result is the body",
  }),
});

/** The `vars.error` value for a failure (flow and block are the caller's when unknown). */
export function errorInfo(e: unknown, exec: Exec): { message: string; flow: string; block: string } {
  if (e instanceof FlowError) return e.toInfo();
  return { message: e instanceof Error ? e.message : String(e), flow: exec.flow, block: "" };
}

export const handleErrors: BlockDefinition<z.infer<typeof fields>> = {
  type: "handle-errors",
  label: "Handle Errors",
  category: "control-flow",
  description:
    "Runs process:; when it fails, runs error: with vars.error = {message, flow, block} and continues.",
  kind: "composite",
  fields,
  compile(node, ctx) {
    const tryStep = ctx.blocks("process", node.process);
    const catchStep = ctx.blocks("error", node.error);
    const recover = (msg: Message, exec: Exec, e: unknown) => {
      msg.vars.error = errorInfo(e, exec);
      return catchStep(msg, exec);
    };
    return (msg, exec) => {
      try {
        const r = tryStep(msg, exec);
        return r === undefined ? r : r.catch((e) => recover(msg, exec, e));
      } catch (e) {
        return recover(msg, exec, e);
      }
    };
  },
};
