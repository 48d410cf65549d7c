import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { durationMs } from "../dsl/fields.ts";
import { configJsonSchema } from "../dsl/json-schema.ts";
import { loadRuntime } from "../engine/runtime.ts";
import { type Diagnostic, formatDiagnostic } from "../errors/diagnostic.ts";
import { consoleLogger, LOG_LEVELS, type LogLevel } from "../logging/logger.ts";
import { type ManagementServer, startManagementServer } from "../ops/management.ts";
import { RuntimeMetrics } from "../ops/metrics.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";
import { IntegrationService, LoadFailedError } from "../serve/service.ts";
import { watchConfig } from "../serve/watch.ts";
import { standaloneServices } from "../services/standalone.ts";
import type { RuntimeServices } from "../services/types.ts";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin, or undefined when stdin is a terminal. */
  readStdin: () => Promise<string | undefined>;
  env: Record<string, string | undefined>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: () => Promise<void>;
}

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const DURATION = /^(0|(\d+(\.\d+)?(ms|s|m|h))+)$/;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Thrown by commands to end with a message and an exit code. */
class Exit extends Error {
  readonly code: number;
  constructor(code: number, message = "") {
    super(message);
    this.code = code;
  }
}

function printDiagnostics(io: CliIO, diagnostics: Diagnostic[]) {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  io.stderr(`${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}\n`);
}

function load(io: CliIO, config: string, level: LogLevel) {
  const r = loadRuntime(config, {
    registry: defaultRegistry(),
    osEnv: io.env,
    // The runtime builds its logger itself so that it redacts the config's secret values.
    logging: { level, write: (l) => io.stderr(`${l}\n`) },
  });
  if (!r.ok) {
    printDiagnostics(io, r.diagnostics);
    throw new Exit(1);
  }
  return r.runtime;
}

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

interface RunOptions {
  config: string;
  watch?: boolean;
  managementPort?: string;
  managementHost?: string;
  grace?: string;
  logLevel?: string;
  logFormat?: string;
}

/** `octo run` settings after flags, then OCTO_* env vars, then defaults. */
export interface RunSettings {
  config: string;
  watch: boolean;
  /** undefined = no management server. */
  managementPort: number | undefined;
  managementHost: string;
  graceMs: number;
  logLevel: LogLevel;
  logFormat: "text" | "json" | undefined;
}

export const RUN_DEFAULTS = { managementPort: 9464, managementHost: "0.0.0.0", grace: "30s" };

function resolveRunSettings(io: CliIO, opts: RunOptions): RunSettings {
  const pick = (flag: string | undefined, env: string) => flag ?? (io.env[env] || undefined);
  const port = pick(opts.managementPort, "OCTO_MANAGEMENT_PORT") ?? String(RUN_DEFAULTS.managementPort);
  if (port !== "off" && (!/^\d+$/.test(port) || Number(port) > 65535)) {
    throw new Exit(2, `management port "${port}" is not a port number (0-65535) or "off"`);
  }
  const grace = pick(opts.grace, "OCTO_SHUTDOWN_GRACE") ?? RUN_DEFAULTS.grace;
  if (!DURATION.test(grace)) {
    throw new Exit(2, `grace period "${grace}" is not a duration such as 10s or 1m`);
  }
  const level = pick(opts.logLevel, "OCTO_LOG_LEVEL") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Exit(2, `log level "${level}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  const format = pick(opts.logFormat, "OCTO_LOG_FORMAT");
  if (format !== undefined && format !== "text" && format !== "json") {
    throw new Exit(2, `log format "${format}" is not text or json`);
  }
  return {
    config: opts.config,
    watch: opts.watch === true,
    managementPort: port === "off" ? undefined : Number(port),
    managementHost: pick(opts.managementHost, "OCTO_MANAGEMENT_HOST") ?? RUN_DEFAULTS.managementHost,
    graceMs: durationMs(grace),
    logLevel: level as LogLevel,
    logFormat: format,
  };
}

/** Picks the runtime services named by RUNTIME_SERVICES_MODULE (standalone when unset). */
function runtimeServices(io: CliIO): RuntimeServices {
  const kind = io.env.RUNTIME_SERVICES_MODULE || "standalone";
  if (kind === "standalone") return standaloneServices();
  throw new Exit(
    2,
    `RUNTIME_SERVICES_MODULE=${kind} is not available in this build; use standalone (the default)`,
  );
}

/** `octo run`: serve until a stop signal, then drain within the grace period. */
async function runCommand(io: CliIO, settings: RunSettings): Promise<void> {
  const logging = {
    level: settings.logLevel,
    ...(settings.logFormat ? { format: settings.logFormat } : {}),
    write: (line: string) => io.stderr(`${line}\n`),
  };
  const log = consoleLogger({ ...logging, service: "octo" });
  const metrics = new RuntimeMetrics();
  let service: IntegrationService;
  try {
    service = await IntegrationService.start({
      config: settings.config,
      registry: defaultRegistry(),
      osEnv: io.env,
      logging,
      services: runtimeServices(io),
      metrics,
      log,
      report: (diagnostics) => printDiagnostics(io, diagnostics),
    });
  } catch (e) {
    if (e instanceof LoadFailedError) throw new Exit(1);
    throw e;
  }
  const name = service.runtime.plan.service.name;
  metrics.registry.setDefaultLabels({ service: name });
  let management: ManagementServer | undefined;
  let stopWatching: (() => Promise<void>) | undefined;
  try {
    if (settings.managementPort !== undefined) {
      management = await startManagementServer({
        host: settings.managementHost,
        port: settings.managementPort,
        health: { service: name, ready: () => service.ready() },
        metrics,
      });
    }
    if (settings.watch) {
      stopWatching = await watchConfig(settings.config, () => void service.reload(), {
        onError: (e) => log.log("warn", `octo: watching ${settings.config} failed: ${errorText(e)}`),
      });
    }
  } catch (e) {
    await service.shutdown(settings.graceMs);
    throw e;
  }
  log.log("info", `octo: running ${name}`, {
    flows: service.runtime.flowNames,
    ...(management ? { management: `http://${settings.managementHost}:${management.port}` } : {}),
    ...(settings.watch ? { watching: settings.config } : {}),
  });
  await io.stopSignal();
  log.log("info", "octo: stopping: not ready, no new work, draining in-flight messages");
  await stopWatching?.();
  const inFlight = () => service.runtime.load().reduce((n, l) => n + l.running + l.queued, 0);
  const drained = await service.shutdown(settings.graceMs);
  await management?.close();
  if (!drained) {
    throw new Exit(
      1,
      `shutdown grace period ran out with ${inFlight()} message(s) still in flight; they were abandoned`,
    );
  }
  log.log("info", "octo: stopped");
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
    .action(async (opts: { config: string; flow: string; data?: string; logLevel: LogLevel }) => {
      const body = await readData(io, opts.data);
      const runtime = load(io, opts.config, opts.logLevel);
      if (!runtime.flowNames.includes(opts.flow)) {
        throw new Exit(
          1,
          `no flow named "${opts.flow}" in ${opts.config}; flows: ${runtime.flowNames.join(", ")}`,
        );
      }
      await runtime.start({ sources: false });
      try {
        const outcome = await runtime.invoke(opts.flow, body);
        if (outcome.status === "failed") {
          const { message, flow, block } = outcome.error;
          throw new Exit(1, `flow ${flow} failed${block ? ` in block ${block}` : ""}: ${message}`);
        }
        io.stdout(
          `${JSON.stringify(outcome.status === "dropped" ? null : (outcome.message.body ?? null))}\n`,
        );
      } finally {
        await runtime.stop();
      }
    });

  program
    .command("validate")
    .description("check a config and print every error with file:line:col")
    .requiredOption("-c, --config <path>", "config file or directory")
    .action((opts: { config: string }) => {
      const runtime = load(io, opts.config, "info");
      io.stdout(
        `ok: ${opts.config} — service ${runtime.plan.service.name}, ${runtime.flowNames.length} flow(s)\n`,
      );
    });

  program
    .command("schema")
    .description("print the JSON Schema of the config language")
    .action(() => {
      io.stdout(`${JSON.stringify(configJsonSchema(defaultRegistry()), null, 2)}\n`);
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
    .action(async (opts: RunOptions) => {
      await runCommand(io, resolveRunSettings(io, opts));
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
