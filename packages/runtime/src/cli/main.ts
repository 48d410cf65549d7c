import { Command, CommanderError } from "commander";
// A JSON module rather than a file read relative to this one: the release bundle inlines it.
import pkg from "../../package.json" with { type: "json" };
import { configJsonSchema } from "../dsl/json-schema.ts";
import type { Outcome } from "../engine/outcome.ts";
import { loadRuntime } from "../engine/runtime.ts";
import { type Diagnostic, formatDiagnostic } from "../errors/diagnostic.ts";
import type { LogLevel } from "../logging/logger.ts";
import { loadRegistry } from "../plugin/load-plugins.ts";
import { tracingFromEnv } from "../tracing/env.ts";
import type { Tracer } from "../tracing/tracer.ts";
import type { RunFlags } from "./run.ts";
import type { TestFlags } from "./test-command.ts";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin, or undefined when stdin is a terminal. */
  readStdin: () => Promise<string | undefined>;
  env: Record<string, string | undefined>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: () => Promise<void>;
}

/** Thrown by commands to end with a message and an exit code. */
export class Exit extends Error {
  readonly code: number;
  constructor(code: number, message = "") {
    super(message);
    this.code = code;
  }
}

export function printDiagnostics(io: CliIO, diagnostics: Diagnostic[]) {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  io.stderr(`${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}\n`);
}

async function load(io: CliIO, config: string, level: LogLevel, tracer?: Tracer) {
  const r = loadRuntime(config, {
    registry: await loadRegistry(io.env),
    osEnv: io.env,
    ...(tracer ? { tracer } : {}),
    // The runtime builds its logger itself so that it redacts the config's secret values.
    logging: { level, write: (l) => io.stderr(`${l}\n`) },
  });
  if (!r.ok) {
    printDiagnostics(io, r.diagnostics);
    throw new Exit(1);
  }
  return r.runtime;
}

const warnOf = (io: CliIO) => (message: string) => io.stderr(`octo: ${message}\n`);

async function readData(io: CliIO, data: string | undefined): Promise<unknown> {
  const text = data ?? (await io.readStdin());
  if (text === undefined || text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Exit(
      2,
      `${data === undefined ? "stdin" : "--data"} is not valid JSON: ${(e as Error).message}`,
    );
  }
}

/** Runs the `octo` CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = new Command("octo")
    .description("Octo runtime: run, invoke and check integrations written as YAML flows with CEL")
    .version(pkg.version, "-v, --version")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("invoke")
    .description("run one flow with JSON input (from --data or stdin) and print its result as JSON")
    .requiredOption("-c, --config <path>", "config file or directory")
    .requiredOption("-f, --flow <name>", "flow to run")
    .option("-d, --data <json>", "input body as JSON (default: stdin, or null)")
    .option("--log-level <level>", "debug | info | warn | error", "info")
    .option(
      "--trace [format]",
      "record every step (input, output, duration, error): json prints {result, trace} (or {error, trace}) on stdout; text prints a tree on stderr",
    )
    .action(
      async (opts: {
        config: string;
        flow: string;
        data?: string;
        logLevel: LogLevel;
        trace?: true | string;
      }) => {
        const traceAs = opts.trace === undefined ? undefined : opts.trace === true ? "json" : opts.trace;
        if (traceAs !== undefined && traceAs !== "json" && traceAs !== "text")
          throw new Exit(2, `--trace takes json or text, not "${traceAs}"`);
        const body = await readData(io, opts.data);
        const otel = await tracingFromEnv(io.env, pkg.version, warnOf(io));
        try {
          const record = traceAs ? await import("../tracing/record/recorder.ts") : undefined;
          const recorder = record?.traceRecorder();
          const runtime = await load(io, opts.config, opts.logLevel, recorder?.tracer);
          if (!runtime.flowNames.includes(opts.flow)) {
            throw new Exit(
              1,
              `no flow named "${opts.flow}" in ${opts.config}; flows: ${runtime.flowNames.join(", ")}`,
            );
          }
          await runtime.start({ sources: false });
          let outcome: Outcome;
          try {
            outcome = await runtime.invoke(opts.flow, body);
          } finally {
            // Drains oneWay calls too, so a trace holds them.
            await runtime.stop();
          }
          const result = outcome.status === "dropped" ? null : (outcome.message.body ?? null);
          const trace = recorder?.traceOf(outcome.message);
          if (trace && traceAs === "text")
            io.stderr((await import("../tracing/record/text.ts")).traceText(trace));
          if (trace && traceAs === "json") {
            // The trace's copy of the error has the config's secrets redacted.
            const failed = outcome.status === "failed" ? { error: trace.error ?? outcome.error } : { result };
            io.stdout(`${JSON.stringify({ ...failed, trace })}\n`);
          }
          if (outcome.status === "failed") {
            const { message, flow, block } = outcome.error;
            throw new Exit(1, `flow ${flow} failed${block ? ` in block ${block}` : ""}: ${message}`);
          }
          if (traceAs !== "json") io.stdout(`${JSON.stringify(result)}\n`);
        } finally {
          await otel?.shutdown();
        }
      },
    );

  program
    .command("validate")
    .description("check a config and print every error with file:line:col")
    .requiredOption("-c, --config <path>", "config file or directory")
    .action(async (opts: { config: string }) => {
      const runtime = await load(io, opts.config, "info");
      io.stdout(
        `ok: ${opts.config} — service ${runtime.plan.service.name}, ${runtime.flowNames.length} flow(s)\n`,
      );
    });

  program
    .command("schema")
    .description("print the JSON Schema of the config language")
    .action(async () => {
      io.stdout(`${JSON.stringify(configJsonSchema(await loadRegistry(io.env)), null, 2)}\n`);
    });

  program
    .command("test")
    .description("run the flow tests (*.test.yaml) under each path; exit 1 on a failed case, 2 on a bad file")
    .argument("[paths...]", "test files or directories to search", ["."])
    .option("--junit <file>", "also write JUnit XML (a testsuite per file) to this file")
    .option("--filter <pattern>", "only cases whose name holds this text (case-insensitive)")
    .option("--reporter <name>", "text | json", "text")
    .action(async (paths: string[], opts: TestFlags) => {
      const { testCommand } = await import("./test-command.ts");
      const code = await testCommand(io, paths, opts);
      if (code !== 0) throw new Exit(code);
    });

  program
    .command("run")
    .description("start every flow's source and serve until stopped (SIGINT/SIGTERM drain first)")
    .requiredOption("-c, --config <path>", "config file or directory")
    .option("-w, --watch", "reload on change; a broken edit keeps the last good version serving")
    .option(
      "--management-port <port>",
      "port of /healthz, /readyz and /metrics; 0 picks a free one, off disables (env OCTO_MANAGEMENT_PORT)",
    )
    .option("--management-host <host>", "interface of the management port (env OCTO_MANAGEMENT_HOST)")
    .option("--grace <duration>", "how long in-flight work may drain on shutdown (env OCTO_SHUTDOWN_GRACE)")
    .option("--log-level <level>", "debug | info | warn | error (env OCTO_LOG_LEVEL)")
    .option("--log-format <format>", "text | json; default: text in a terminal (env OCTO_LOG_FORMAT)")
    .action(async (opts: RunFlags) => {
      // Loaded only here: metrics, the management server and the file watcher cost every other command.
      const { runCommand, resolveRunSettings } = await import("./run.ts");
      const settings = resolveRunSettings(io, opts);
      // OCTO_TRACING=otlp: every runtime this process builds (reloads too) exports spans.
      const otel = await tracingFromEnv(io.env, pkg.version, warnOf(io));
      try {
        await runCommand(io, settings);
      } finally {
        await otel?.shutdown();
      }
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) io.stderr(`octo: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof CommanderError) return e.exitCode;
    io.stderr(`octo: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
