import { mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pino } from "pino";
import { type Logger, pinoLogger, type RecordSink } from "../../logging/logger.ts";
import type { ConnectorDefinition } from "../../plugin/types.ts";
import {
  LOGGER_DESCRIPTION,
  LOGGER_LABEL,
  type LoggerConnectorSettings,
  loggerConnectorSettings,
} from "./spec.ts";

/** A logger connector instance: what `log` blocks write to; close() flushes a file. */
export interface LoggerConnector extends Logger {
  close(): Promise<void>;
}

interface Output {
  sink: RecordSink;
  tty: boolean;
  close(): Promise<void>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** stdout/stderr, or a file opened for appending now, so a bad path fails the start, not a write. */
function openOutput(output: string, name: string, runtimeLogger: Logger): Output {
  if (output === "stdout" || output === "stderr") {
    const stream = process[output];
    // The process streams stay open; writing through them keeps order with the process's other output.
    return { sink: (record) => stream.write(record), tty: stream.isTTY === true, close: async () => {} };
  }
  const path = resolve(process.cwd(), output);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, "a");
  } catch (e) {
    throw new Error(`logger ${name}: cannot open output file ${path}: ${errorText(e)}`);
  }
  // sonic-boom (pino's destination) writes asynchronously and batches while a write is in flight.
  const file = pino.destination({ dest: fd, sync: false });
  let failed = false;
  let closed: Promise<void> | undefined;
  file.on("error", (e: unknown) => {
    if (failed) return;
    failed = true;
    runtimeLogger.log("error", `logger ${name}: writing ${path} failed: ${errorText(e)}`, {
      connector: name,
    });
  });
  return {
    tty: false,
    sink: (record) => {
      if (!closed && !failed) file.write(record);
    },
    close() {
      closed ??= new Promise<void>((done) => {
        if (failed) {
          file.destroy();
          return done();
        }
        file.once("close", () => done());
        file.once("error", () => done());
        file.end();
      });
      return closed;
    },
  };
}

export const loggerConnector: ConnectorDefinition<LoggerConnectorSettings, LoggerConnector> = {
  type: "logger",
  label: LOGGER_LABEL,
  description: LOGGER_DESCRIPTION,
  settings: loggerConnectorSettings,
  create(settings, ctx) {
    const out = openOutput(settings.output, ctx.name, ctx.logger);
    const logger = pinoLogger({
      level: settings.level,
      format: settings.format,
      colorize: out.tty && !("NO_COLOR" in process.env),
      secrets: ctx.secrets,
      bindings: { logger: ctx.name },
      addSource: settings.addSource,
      sink: out.sink,
    });
    return { log: logger.log, close: out.close };
  },
  close: (instance) => instance.close(),
};
