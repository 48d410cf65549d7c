import { z } from "zod";
import { cel } from "../../dsl/fields.ts";
import { LOG_LEVELS, type Logger } from "../../logging/logger.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  message: cel("what to log").optional(),
  level: z.enum(LOG_LEVELS).default("info"),
  logger: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "a logger connector; the runtime's logger when absent" }),
  full: z.boolean().default(false).meta({ description: "also log ids, vars and body" }),
});

export const log: BlockDefinition<{ settings: z.infer<typeof fields> }> = {
  type: "log",
  label: "Log",
  category: "processor",
  description: "Writes a log line; the message is unchanged.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const { level, full, logger: loggerName } = node.settings;
    const message =
      node.settings.message === undefined ? undefined : ctx.expr("message", node.settings.message);
    if (loggerName) ctx.connector("logger", loggerName, { type: "logger" });
    const flow = ctx.flowName;
    return (msg, exec) => {
      const logger = loggerName ? exec.runtime.connector<Logger>(loggerName) : exec.runtime.logger;
      const value = message?.evaluate(msg);
      const text = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
      const fields: Record<string, unknown> = {
        flow,
        eventID: msg.eventID,
        correlationID: msg.correlationID,
      };
      if (full) Object.assign(fields, { vars: msg.vars, body: msg.body });
      logger.log(level, text, fields);
    };
  },
};
