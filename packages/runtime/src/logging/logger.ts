export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export interface ConsoleLoggerOptions {
  level?: LogLevel;
  format?: "text" | "json";
  /** Where lines go; stderr by default so `octo invoke` keeps stdout for the result. */
  write?: (line: string) => void;
  /** Values that must never be printed (secret env values). */
  secrets?: Iterable<string>;
  service?: string;
}

const REDACTED = "[REDACTED]";

/** Replaces every occurrence of a secret value in a string. */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const list = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** A small leveled logger: text lines in a terminal, JSON lines otherwise; secrets redacted. */
export function consoleLogger(opts: ConsoleLoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(opts.level ?? "info");
  const format = opts.format ?? (process.stderr.isTTY ? "text" : "json");
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const redact = redactor(opts.secrets ?? []);
  return {
    log(level, message, fields) {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const time = new Date().toISOString();
      if (format === "json") {
        write(
          redact(
            JSON.stringify({
              time,
              level,
              ...(opts.service ? { service: opts.service } : {}),
              msg: message,
              ...fields,
            }),
          ),
        );
      } else {
        const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
        write(redact(`${time} ${level.toUpperCase().padEnd(5)} ${message}${extra}`));
      }
    },
  };
}
