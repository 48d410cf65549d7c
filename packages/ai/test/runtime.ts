/** Loads YAML into a started runtime with the AI plugin, recording log lines and bus events. */
import {
  type BlockEvent,
  type BusEvent,
  defaultRegistry,
  formatDiagnostic,
  type Logger,
  loadRuntimeFromSources,
  type Runtime,
  YamlSource,
} from "@octo/runtime";
import { aiPlugin } from "../src/plugin.ts";

export interface LoggedLine {
  level: string;
  message: string;
}

export interface AiRuntime {
  runtime: Runtime;
  lines: LoggedLine[];
  events: BusEvent[];
  /** Block events named `name` ("ai.call", "ai.fallback" …). */
  blockEvents(name: string): BlockEvent[];
}

export async function aiRuntime(yaml: string, osEnv: Record<string, string>): Promise<AiRuntime> {
  const lines: LoggedLine[] = [];
  const logger: Logger = { log: (level, message) => lines.push({ level, message }) };
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry: defaultRegistry().use(aiPlugin),
    osEnv,
    logger,
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  const events: BusEvent[] = [];
  r.runtime.events.on("*", (e) => events.push(e));
  await r.runtime.start({ sources: false });
  return {
    runtime: r.runtime,
    lines,
    events,
    blockEvents: (name) => events.filter((e): e is BlockEvent => e.type === "block" && e.name === name),
  };
}

/** The load errors of a config (empty when it loads), formatted as the CLI prints them. */
export function loadErrors(yaml: string, osEnv: Record<string, string> = {}): string[] {
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry: defaultRegistry().use(aiPlugin),
    osEnv,
  });
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

/** An `env:` + `connectors:` head for one LLM connection named `llm` pointing at a stub. */
export function llmHead(type: string, baseURL: string, extra = ""): string {
  return `
env:
  - { name: LLM_KEY, required: true, secret: true }
connectors:
  - name: llm
    type: ${type}
    settings: { apiKey: \${LLM_KEY}, baseURL: "${baseURL}", retries: 0, timeout: 5s${extra} }
`;
}
