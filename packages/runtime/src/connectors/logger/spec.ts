import { z } from "zod";
import { LOG_LEVELS } from "../../logging/logger.ts";

// The logger connector's settings: the config reference for `logger`.

export const LOGGER_LABEL = "Logger";
export const LOGGER_DESCRIPTION =
  "A named log destination for `log` blocks (`settings: { logger: <name> }`): stdout, stderr or a file, " +
  "as readable text or JSON lines, with its own minimum level. Secret env values are redacted.";

export const LOGGER_FORMATS = ["text", "json"] as const;

export const loggerConnectorSettings = z.strictObject({
  output: z
    .string()
    .trim()
    .min(1, "output must be stdout, stderr or a file path")
    .default("stdout")
    .meta({
      description:
        '"stdout", "stderr" or a file path; a file is appended to, its directories are created, and a relative ' +
        "path is read from the working directory the runtime was started in",
    }),
  format: z.enum(LOGGER_FORMATS).default("text").meta({
    description:
      '"text": one readable record per entry (time, level, message, then fields); "json": JSON lines',
  }),
  level: z.enum(LOG_LEVELS).default("info").meta({
    description: "the least severe level written: debug < info < warn < error",
  }),
  addSource: z
    .boolean()
    .default(false)
    .meta({
      description:
        "adds `source: {flow, block, path}` to each entry: the flow, the block's name (or type) and its place " +
        "in the file (e.g. flows[0].process[2])",
    }),
});

export type LoggerConnectorSettings = z.infer<typeof loggerConnectorSettings>;
