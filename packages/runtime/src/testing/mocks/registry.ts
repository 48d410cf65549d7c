// The registry a test case runs with: the real one with the boundary connectors' instances replaced
// through their definitions' create() (never by patching globals). Blocks stay as they are.
import type { Outcome } from "../../engine/outcome.ts";
import { pinoLogger } from "../../logging/logger.ts";
import { Registry } from "../../plugin/registry.ts";
import type { ConnectorDefinition, SourceContext, SourceDefinition } from "../../plugin/types.ts";
import type { CaseMocks } from "../test-file.ts";
import { mockDatabase } from "./database.ts";
import { MockHttpClient } from "./http-client.ts";
import { mockLlmConnection } from "./llm.ts";
import type { Recorder } from "./recorder.ts";

/** What a case's registry reports back besides the mocks' calls. */
export interface CaseCapture {
  recorder: Recorder;
  /** Every message an HTTP source handed to a flow, with how it ended. */
  delivered: { flow: string; outcome: Outcome }[];
  /** Log records (parsed JSON lines) of the runtime and of every logger connector. */
  logs: Record<string, unknown>[];
}

export interface TestRegistryOptions {
  mocks: CaseMocks;
  capture: CaseCapture;
  /** Start the HTTP sources (a request case); every other source never starts in a test. */
  httpSources: boolean;
}

/** A JSON log line as a record; a line that is not JSON is kept as its message. */
export function logRecord(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // not JSON: fall through
  }
  return { msg: line.trimEnd() };
}

const noop = async () => async () => {};

/** `base`'s plugins again, each connector definition wrapped for the test. */
export function testRegistry(base: Registry, opts: TestRegistryOptions): Registry {
  const registry = new Registry();
  for (const plugin of base.pluginDefinitions) {
    const { metrics: _metrics, ...rest } = plugin;
    registry.use({ ...rest, connectors: (plugin.connectors ?? []).map((c) => wrapConnector(c, opts)) });
  }
  return registry;
}

function wrapConnector(def: ConnectorDefinition, opts: TestRegistryOptions): ConnectorDefinition {
  const { mocks, capture } = opts;
  const { recorder } = capture;
  const sources = def.sources?.map((s) => wrapSource(def, s, opts));
  // Spread copies `settings` even when the definition computes it lazily (a getter).
  const wrapped: ConnectorDefinition = { ...def, settings: def.settings, ...(sources ? { sources } : {}) };
  if (def.type === "http-client") {
    wrapped.create = (settings, ctx) => new MockHttpClient(settings, ctx, mocks.http, recorder);
  } else if (def.type === "database") {
    wrapped.create = (settings, ctx) => {
      const mocked = mocks.database.some((r) => r.connector === undefined || r.connector === ctx.name);
      // A SQLite file is local and may be what the test means to use; anything else is the network.
      if (settings.driver === "sqlite" && !mocked) return def.create(settings, ctx);
      return mockDatabase(ctx.name, settings.driver, mocks.database, recorder);
    };
  } else if (def.category === "llm") {
    wrapped.create = (settings, ctx) => mockLlmConnection(ctx.name, def.type, settings, mocks.llm, recorder);
    delete wrapped.close;
  } else if (def.type === "logger") {
    // Records go to the case's logs instead of a file or the terminal (levels and redaction kept).
    wrapped.create = (settings, ctx) => ({
      ...pinoLogger({
        level: settings.level,
        format: "json",
        colorize: false,
        secrets: ctx.secrets,
        bindings: { logger: ctx.name },
        addSource: settings.addSource ?? false,
        sink: (record) => capture.logs.push(logRecord(record)),
      }),
      close: async () => {},
    });
  } else if (def.type === "http") {
    // A free port on the loopback interface: cases never collide with each other or a running octo.
    wrapped.create = (settings, ctx) => def.create({ ...settings, host: "127.0.0.1", port: 0 }, ctx);
  }
  return wrapped;
}

function wrapSource(
  connector: ConnectorDefinition,
  source: SourceDefinition,
  opts: TestRegistryOptions,
): SourceDefinition {
  if (!(opts.httpSources && connector.type === "http" && source.type === "http"))
    return { ...source, start: noop };
  return {
    ...source,
    start: (ctx: SourceContext<unknown, unknown, unknown>) =>
      source.start({
        ...ctx,
        deliver: async (msg) => {
          const outcome = await ctx.deliver(msg);
          opts.capture.delivered.push({ flow: ctx.flow, outcome });
          return outcome;
        },
      }),
  };
}
