import { z } from "zod";
import { flowName } from "../../dsl/fields.ts";
import { cloneMessage } from "../../engine/message.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  flow: flowName("the flow to call"),
  oneWay: z.boolean().default(false).meta({ description: "fire and forget: queue a copy and continue" }),
});

export const flowRef: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "flow-ref",
  label: "Flow Reference",
  category: "processor",
  description:
    "Calls another flow. Synchronous calls run it on this worker and its result becomes the body (vars stay the caller's); oneWay queues a copy on the target flow and continues.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const { flow, oneWay } = node.settings;
    ctx.flow("flow", flow);
    if (oneWay) return (msg, exec) => exec.runtime.sendFlow(flow, cloneMessage(msg), exec);
    return async (msg, exec) => {
      const result = await exec.runtime.callFlow(flow, cloneMessage(msg), exec);
      msg.body = result.body;
    };
  },
};
