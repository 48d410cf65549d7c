import { createRequire } from "node:module";
import { pino } from "pino";

/** pino-pretty is loaded on first use: JSON logging (servers, CI) never pays for it. */
let prettyFactoryFn: typeof import("pino-pretty").prettyFactory | undefined;
function loadPretty() {
  prettyFactoryFn ??= (createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty"))
    .prettyFactory;
  return prettyFactoryFn;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Where a log call came from: the flow and block that wrote it (the `log` block knows both). */
export interface LogSource {
  flow: string;
  /** The block's `name:`, or its type when unnamed. */
  block: string;
  /** The block's place in its file, e.g. `flows[0].process[2]`. */
  path?: string;
}

export interface Logger {
  /** `source` is only written by loggers configured to add it (`addSource`); others ignore it. */
  log(level: LogLevel, message: string, fields?: Record<string, unknown>, source?: LogSource): void;
}

export interface ConsoleLoggerOptions {
  level?: LogLevel;
  /** Pretty text or JSON lines; when unset, text in a terminal and JSON otherwise. */
  format?: "text" | "json";
  /** Where lines go (each without its trailing newline); stderr by default so `octo invoke` keeps stdout for the result. */
  write?: (line: string) => void;
  /** Values that must never be printed (secret env values). */
  secrets?: Iterable<string>;
  service?: string;
  /** Whether the output is a terminal (picks the default format and colours); default: stderr's. */
  tty?: boolean;
  /** Writes the `source` a caller passes as a `source` key. */
  addSource?: boolean;
}

const REDACTED = "[REDACTED]";

/** Replaces every occurrence of a secret value in a string. */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/**
 * Redacts secrets in one serialized JSON record while keeping it valid JSON. Plain text
 * replacement could cut through an escape sequence or a number, and a secret holding `"` or `\`
 * appears escaped in JSON; so a line that seems to hold a secret is parsed, every key and value
 * is redacted as the text it stands for, and the result is serialized again. Whatever is still
 * visible after that (a secret spanning JSON syntax) is replaced as text: never printed.
 */
export function jsonLineRedactor(secrets: Iterable<string>): (line: string) => string {
  const raw = [...new Set(secrets)].filter((s) => s.length >= 3);
  if (raw.length === 0) return (l) => l;
  const escaped = raw.map((s) => JSON.stringify(s).slice(1, -1));
  const text = redactor(raw);
  const holds = (s: string) => raw.some((r) => s.includes(r));
  const deep = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (typeof v === "number" || typeof v === "boolean") return holds(String(v)) ? REDACTED : v;
    if (Array.isArray(v)) return v.map(deep);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), deep(x)]));
    return v;
  };
  return (line) => {
    if (!raw.some((s) => line.includes(s)) && !escaped.some((s) => line.includes(s))) return line;
    const newline = line.endsWith("\n") ? "\n" : "";
    let out: string;
    try {
      out = JSON.stringify(deep(JSON.parse(line)));
    } catch {
      out = line.slice(0, line.length - newline.length);
    }
    return `${holds(out) ? text(out) : out}${newline}`;
  };
}

/** Where formatted records go: each call gets one whole record, ending with a newline. */
export type RecordSink = (record: string) => void;

export interface PinoLoggerOptions {
  level: LogLevel;
  format: "text" | "json";
  /** ANSI colours in text format (only for a terminal). */
  colorize: boolean;
  secrets: Iterable<string>;
  /** Keys written on every record (`service`, `logger`). */
  bindings: Record<string, string>;
  addSource: boolean;
  sink: RecordSink;
}

/**
 * A Logger on pino writing synchronously to `sink`: JSON records `{level (label), time (ISO),
 * …bindings, …fields, msg}`, or those records turned into text by pino-pretty in the same call
 * (no worker-thread transport, so lines keep their order and nothing outlives the logger).
 */
export function pinoLogger(opts: PinoLoggerOptions): Logger {
  const redactJson = jsonLineRedactor(opts.secrets);
  const redactText = redactor(opts.secrets);
  // A field named like a key the record already has is written as `_<name>`: no duplicate keys.
  const reserved = new Set(["time", "level", "msg", ...Object.keys(opts.bindings)]);
  if (opts.addSource) reserved.add("source");
  let write: (chunk: string) => void = opts.sink;
  if (opts.format === "text") {
    const pretty = loadPretty()({
      colorize: opts.colorize,
      translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
      ignore: "service,logger",
      messageFormat: (log, messageKey) => {
        const who = [log.service, log.logger].filter((x) => typeof x === "string" && x !== "");
        return `${who.length > 0 ? `(${who.join("/")}) ` : ""}${String(log[messageKey] ?? "")}`;
      },
    });
    // The record reaching here is already redacted JSON; redacting the text again covers what
    // formatting could reassemble (a secret that matches a formatted time, a level label …).
    write = (chunk) => {
      const out = pretty(chunk);
      if (out) opts.sink(redactText(out.endsWith("\n") ? out : `${out}\n`));
    };
  }
  const log = pino(
    {
      level: opts.level,
      base: opts.bindings,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redactJson },
    },
    { write },
  );
  return {
    log(level, message, fields, source) {
      if (!log.isLevelEnabled(level)) return;
      const record: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fields ?? {})) {
        // Errors would serialize as {}; keep what helps (type, message, stack).
        record[reserved.has(key) ? `_${key}` : key] =
          value instanceof Error ? pino.stdSerializers.err(value) : value;
      }
      if (opts.addSource && source) record.source = source;
      log[level](record, message);
    },
  };
}

/** The runtime's own logger: pretty text in a terminal, JSON lines otherwise; secrets redacted. */
export function consoleLogger(opts: ConsoleLoggerOptions = {}): Logger {
  const tty = opts.tty ?? process.stderr.isTTY === true;
  const write = opts.write;
  return pinoLogger({
    level: opts.level ?? "info",
    format: opts.format ?? (tty ? "text" : "json"),
    colorize: tty && !("NO_COLOR" in process.env),
    secrets: opts.secrets ?? [],
    bindings: opts.service ? { service: opts.service } : {},
    addSource: opts.addSource ?? false,
    sink: write
      ? (record) => write(record.endsWith("\n") ? record.slice(0, -1) : record)
      : (record) => process.stderr.write(record),
  });
}
