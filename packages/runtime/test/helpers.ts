import { YamlSource } from "../src/config/yaml-source.ts";
import { loadRuntimeFromSources, type Runtime } from "../src/engine/runtime.ts";
import type { Logger, LogLevel } from "../src/logging/logger.ts";
import { defaultRegistry } from "../src/plugin/default-registry.ts";

export interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is given, for assertions. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, log: (level, message, fields) => lines.push({ level, message, fields }) };
}

/** Loads YAML text into a started runtime (no sources) with a memory logger. */
export async function runtimeOf(yaml: string, osEnv: Record<string, string> = {}) {
  const logger = memoryLogger();
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv,
    logger,
  });
  if (!r.ok)
    throw new Error(
      r.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`).join("\n"),
    );
  await r.runtime.start({ sources: false });
  return { runtime: r.runtime as Runtime, logger };
}

/** Runs one flow of a config once and returns the outcome; the runtime is stopped after. */
export async function invokeOnce(
  yaml: string,
  flow: string,
  body: unknown,
  osEnv: Record<string, string> = {},
) {
  const { runtime, logger } = await runtimeOf(yaml, osEnv);
  try {
    return { outcome: await runtime.invoke(flow, body), logger };
  } finally {
    await runtime.stop();
  }
}
