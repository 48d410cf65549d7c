import { z } from "zod";
import type { Path } from "../../config/yaml-source.ts";
import { cel, connectorRef } from "../../dsl/fields.ts";
import { LOG_LEVELS, type Logger, type LogSource } from "../../logging/logger.ts";
import type { BlockDefinition } from "../../plugin/types.ts";

const fields = z.strictObject({
  message: cel("what to log").optional(),
  level: z.enum(LOG_LEVELS).default("info").meta({ description: "debug, info, warn or error" }),
  logger: connectorRef("a logger connector; the runtime's logger when absent", ["logger"]).optional(),
  full: z.boolean().default(false).meta({ description: "also log ids, vars and body" }),
});

/** `flows[0].process[2]`: a block's place in its file, as a person reads it. */
function pathText(path: Path): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

export const log: BlockDefinition<{ name?: string; settings: z.infer<typeof fields> }> = {
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
    // Loggers with addSource write this; the file and line are not known past load.
    const source: LogSource = { flow, block: node.name ?? "log", path: pathText(ctx.path) };
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
      logger.log(level, text, fields, source);
    };
  },
};
