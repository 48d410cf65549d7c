import { redactor } from "../../logging/logger.ts";
import type {
  ConnectorContext,
  ConnectorDefinition,
  SourceContext,
  SourceDefinition,
} from "../../plugin/types.ts";
import { InFlight, Listener, Mount } from "../http/listener.ts";
import { parseRoutePath, type Segment } from "../http/router.ts";
import type { McpRoute } from "./serve.ts";
import {
  type JsonSchema,
  MCP_DESCRIPTION,
  MCP_LABEL,
  type McpConnectorSettings,
  mcpConnectorSettings,
  parseInputSchema,
  type ToolSourceSettings,
  toolSourceSettings,
} from "./spec.ts";

/** One flow served as a tool. */
export interface Tool {
  readonly flow: string;
  readonly name: string;
  readonly title: string | undefined;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly readOnly: boolean | undefined;
  readonly deliver: SourceContext<McpEndpoint, ToolSourceSettings>["deliver"];
  readonly connectorError: (kind: string) => void;
  /** Calls being answered (the source's stop waits for them). */
  readonly inflight: InFlight;
  /** Set once its source stopped: it is no longer listed or called. */
  closed: boolean;
}

/**
 * An `mcp` connector instance: the tools its flows declare, served at `path` on the process-wide
 * listener for its host:port (shared with http connectors there). Nothing is bound and the MCP
 * SDK is not even loaded until the first tool starts.
 */
export class McpEndpoint {
  readonly name: string;
  readonly settings: McpConnectorSettings;
  readonly tools = new Map<string, Tool>();
  readonly redact: (text: string) => string;
  readonly logger: ConnectorContext["logger"];
  private readonly mount: Mount;
  private readonly segments: Segment[];
  private route: Promise<McpRoute> | undefined;
  private listener: Listener | undefined;

  constructor(settings: McpConnectorSettings, ctx: Pick<ConnectorContext, "name" | "logger" | "secrets">) {
    this.name = ctx.name;
    this.settings = settings;
    this.logger = ctx.logger;
    this.redact = redactor(ctx.secrets);
    const parsed = parseRoutePath(settings.path, { params: false });
    // The settings schema already rejected a bad path; this only narrows the type.
    this.segments = parsed.ok ? parsed.segments : [];
    this.mount = new Mount({
      base: [],
      keepAlive: true,
      tuning: { readTimeoutMs: undefined, idleTimeoutMs: undefined },
      logger: ctx.logger,
    });
  }

  /** Where it listens once a tool has started (port 0 resolved to the bound port). */
  url(): string | undefined {
    return this.listener ? `${this.listener.url}${this.settings.path}` : undefined;
  }

  /** The endpoint's route on the listener: made, mounted and listening on the first call. */
  private serving(): Promise<McpRoute> {
    this.route ??= (async () => {
      const { McpRoute } = await import("./serve.ts");
      const route = new McpRoute(this);
      this.mount.router.add(this.segments, undefined, route);
      try {
        this.listener = await Listener.attach(this.settings.host, this.settings.port, this.mount);
      } catch (e) {
        this.mount.router.remove(route);
        throw new Error(`mcp connector "${this.name}": ${e instanceof Error ? e.message : String(e)}`);
      }
      this.logger.log("info", `mcp: serving tools at ${this.url()}`, { connector: this.name });
      return route;
    })();
    this.route.catch(() => {
      this.route = undefined;
    });
    return this.route;
  }

  /** Serves a flow as a tool; the returned stop unlists it and waits for its calls in progress. */
  async serveTool(
    ctx: SourceContext<McpEndpoint, ToolSourceSettings>,
    inputSchema: JsonSchema,
  ): Promise<() => Promise<void>> {
    const { settings, flow } = ctx;
    const taken = this.tools.get(settings.name);
    if (taken && !taken.closed)
      throw new Error(
        `mcp connector "${this.name}": flow ${flow} cannot serve tool ${settings.name}: flow ${taken.flow} already does`,
      );
    const tool: Tool = {
      flow,
      name: settings.name,
      title: settings.title,
      description: settings.description,
      inputSchema,
      readOnly: settings.readOnly,
      deliver: ctx.deliver,
      connectorError: ctx.connectorError,
      inflight: new InFlight(),
      closed: false,
    };
    const route = await this.serving();
    // Compiled now, so a schema Ajv refuses stops `octo run` at start rather than at the first call.
    route.prepare(tool);
    this.tools.set(tool.name, tool);
    return async () => {
      tool.closed = true;
      await tool.inflight.idle();
      if ([...this.tools.values()].every((t) => t.closed)) route.close();
    };
  }

  /** Leaves the listener (closing it when no one else uses it) once calls in progress are answered. */
  async close(): Promise<void> {
    const route = await this.route?.catch(() => undefined);
    this.route = undefined;
    const listener = this.listener;
    this.listener = undefined;
    if (!route || !listener) return;
    for (const tool of this.tools.values()) tool.closed = true;
    route.close();
    await route.inflight.idle();
    await listener.detach(this.mount);
  }
}

const toolSource: SourceDefinition<McpEndpoint, ToolSourceSettings, JsonSchema> = {
  type: "tool",
  label: "MCP tool",
  settings: toolSourceSettings,
  compile(settings, ctx) {
    const parsed = parseInputSchema(settings.inputSchema);
    if ("problem" in parsed) {
      ctx.error("inputSchema", "invalid-schema", `inputSchema ${parsed.problem}`);
      return { type: "object" };
    }
    return parsed.schema;
  },
  async start(ctx) {
    if (!ctx.compiled) throw new Error(`tool source of flow ${ctx.flow} was started without being compiled`);
    return ctx.connector.serveTool(ctx, ctx.compiled);
  },
};

export const mcpConnector: ConnectorDefinition<McpConnectorSettings, McpEndpoint> = {
  type: "mcp",
  label: MCP_LABEL,
  description: MCP_DESCRIPTION,
  settings: mcpConnectorSettings,
  sources: [toolSource],
  create: (settings, ctx) => new McpEndpoint(settings, ctx),
  close: (endpoint) => endpoint.close(),
};
