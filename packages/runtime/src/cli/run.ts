// `octo run`: serve an integration until a stop signal, then drain (loaded only by that command).
import { durationMs } from "../dsl/fields.ts";
import { consoleLogger, LOG_LEVELS, type LogLevel } from "../logging/logger.ts";
import { type ManagementServer, startManagementServer } from "../ops/management.ts";
import { RuntimeMetrics } from "../ops/metrics.ts";
import { loadRegistry } from "../plugin/load-plugins.ts";
import { IntegrationService, LoadFailedError } from "../serve/service.ts";
import { watchConfig } from "../serve/watch.ts";
import { standaloneServices } from "../services/standalone.ts";
import type { RuntimeServices } from "../services/types.ts";
import { type CliIO, Exit, printDiagnostics } from "./main.ts";

const DURATION = /^(0|(\d+(\.\d+)?(ms|s|m|h))+)$/;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `octo run`'s flags as commander parses them. */
export interface RunFlags {
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

export function resolveRunSettings(io: CliIO, opts: RunFlags): RunSettings {
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

/** The package that provides the cluster services (Leases + the orchestrator's KV API). */
const CLUSTER_SERVICES = "@octo/k8s/runtime-services";

/**
 * Picks the runtime services named by RUNTIME_SERVICES_MODULE: `standalone` (the default) or
 * `cluster`, loaded from the Kubernetes package only then (the runtime does not depend on it).
 */
async function runtimeServices(io: CliIO): Promise<RuntimeServices> {
  const kind = io.env.RUNTIME_SERVICES_MODULE || "standalone";
  if (kind === "standalone") return standaloneServices();
  if (kind !== "cluster")
    throw new Exit(2, `RUNTIME_SERVICES_MODULE=${kind} is unknown; use standalone (the default) or cluster`);
  const specifier: string = CLUSTER_SERVICES;
  let mod: { clusterServices(env: Record<string, string | undefined>): RuntimeServices };
  try {
    mod = await import(specifier);
  } catch (e) {
    throw new Exit(2, `RUNTIME_SERVICES_MODULE=cluster needs ${CLUSTER_SERVICES}: ${(e as Error).message}`);
  }
  try {
    return mod.clusterServices(io.env);
  } catch (e) {
    throw new Exit(2, (e as Error).message);
  }
}

/** `octo run`: serve until a stop signal, then drain within the grace period. */
export async function runCommand(io: CliIO, settings: RunSettings): Promise<void> {
  const logging = {
    level: settings.logLevel,
    ...(settings.logFormat ? { format: settings.logFormat } : {}),
    write: (line: string) => io.stderr(`${line}\n`),
  };
  const log = consoleLogger({ ...logging, service: "octo" });
  const metrics = new RuntimeMetrics();
  const registry = await loadRegistry(io.env);
  metrics.observePlugins(registry);
  let service: IntegrationService;
  try {
    service = await IntegrationService.start({
      config: settings.config,
      registry,
      osEnv: io.env,
      logging,
      services: await runtimeServices(io),
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
