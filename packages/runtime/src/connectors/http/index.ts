import { durationMs } from "../../dsl/fields.ts";
import { redactor } from "../../logging/logger.ts";
import type {
  ConnectorContext,
  ConnectorDefinition,
  SourceContext,
  SourceDefinition,
} from "../../plugin/types.ts";
import { Listener, Mount } from "./listener.ts";
import { Route, type RouteOptions } from "./route.ts";
import { parseRoutePath, type Segment } from "./router.ts";
import {
  HTTP_DESCRIPTION,
  HTTP_LABEL,
  type HttpConnectorSettings,
  type HttpSourceSettings,
  httpConnectorSettings,
  httpSourceSettings,
  RESERVED_VARS,
} from "./spec.ts";

/** What the http source keeps from load: the route's parsed path. */
interface CompiledRoute {
  segments: Segment[];
  params: string[];
}

const optionalMs = (text: string | undefined) => (text === undefined ? undefined : durationMs(text));

/**
 * An `http` connector instance: its share (a mount) of the process-wide listener for its
 * host:port. The listener is opened when the first route starts, so a connector no flow uses
 * binds nothing.
 */
export class HttpServer {
  readonly name: string;
  readonly settings: HttpConnectorSettings;
  private readonly mount: Mount;
  private listener: Listener | undefined;
  private attaching: Promise<Listener> | undefined;
  private readonly redact: (text: string) => string;

  constructor(settings: HttpConnectorSettings, ctx: Pick<ConnectorContext, "name" | "logger" | "secrets">) {
    this.name = ctx.name;
    this.settings = settings;
    this.redact = redactor(ctx.secrets);
    const base = settings.basePath === "" ? undefined : parseRoutePath(settings.basePath, { params: false });
    this.mount = new Mount({
      // basePath was validated by the settings schema; its segments are all literals.
      base: base?.ok ? base.segments.map((s) => (s.param ? "" : s.text)) : [],
      keepAlive: settings.keepAlive,
      tuning: {
        readTimeoutMs: optionalMs(settings.readTimeout),
        idleTimeoutMs: optionalMs(settings.idleTimeout),
      },
      logger: ctx.logger,
    });
  }

  /** Where it listens once a route has started (port 0 resolved to the bound port). */
  address(): { host: string; port: number } | undefined {
    return this.listener ? { host: this.listener.host, port: this.listener.port } : undefined;
  }

  /** The base URL of the listener ("http://127.0.0.1:8080"), without basePath. */
  url(): string | undefined {
    return this.listener?.url;
  }

  private attach(): Promise<Listener> {
    this.attaching ??= Listener.attach(this.settings.host, this.settings.port, this.mount).then(
      (listener) => {
        this.listener = listener;
        return listener;
      },
      (e: unknown) => {
        this.attaching = undefined;
        throw new Error(`http connector "${this.name}": ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    return this.attaching;
  }

  /** Starts serving a flow's route; the returned stop refuses new requests and waits for in-flight ones. */
  async route(
    ctx: SourceContext<HttpServer, HttpSourceSettings, CompiledRoute>,
    compiled: CompiledRoute,
  ): Promise<() => Promise<void>> {
    const { settings, flow } = ctx;
    const timeoutText = settings.timeout ?? this.settings.requestTimeout;
    const route = new Route({
      flow,
      mount: this.mount,
      params: compiled.params,
      headers: (settings.headers ?? []).map((h) => [h, h.toLowerCase()] as const),
      correlationIdHeader: settings.correlationIdHeader,
      maxBodyBytes: settings.maxBodyBytes,
      timeoutMs: durationMs(timeoutText),
      timeoutText,
      writeTimeoutMs: optionalMs(this.settings.writeTimeout),
      deliver: delivery(ctx),
      connectorError: ctx.connectorError,
      logger: ctx.logger,
      redact: this.redact,
    });
    const taken = this.mount.router.add(compiled.segments, settings.method, route);
    if (taken) {
      const where = `${settings.method ?? "any method"} ${this.settings.basePath.replace(/\/$/, "")}${settings.path}`;
      throw new Error(
        `http connector "${this.name}": flow ${flow} cannot serve ${where}: flow ${taken.flow} already does`,
      );
    }
    try {
      await this.attach();
    } catch (e) {
      this.mount.router.remove(route);
      throw e;
    }
    return async () => {
      route.close();
      await route.inflight.idle();
    };
  }

  /** Leaves the listener (closing it when no one else uses it) once in-flight requests are answered. */
  async close(): Promise<void> {
    const listener = await this.attaching?.catch(() => undefined);
    this.attaching = undefined;
    if (!listener) return;
    const routes = this.mount.router.values();
    for (const route of routes) route.close();
    await Promise.all(routes.map((r) => r.inflight.idle()));
    this.listener = undefined;
    await listener.detach(this.mount);
  }
}

/**
 * How a route hands messages to its flow. When the runtime's tracer continues callers' traces,
 * each request's W3C trace context headers (`traceparent`) go with its message; otherwise it is
 * the flow's own deliver, untouched (no header is read).
 */
function delivery(
  ctx: SourceContext<HttpServer, HttpSourceSettings, CompiledRoute>,
): RouteOptions["deliver"] {
  const { continueTrace, deliver } = ctx;
  if (!continueTrace) return deliver;
  return (msg, req) => {
    continueTrace(msg, (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(",") : value;
    });
    return deliver(msg);
  };
}

const httpSource: SourceDefinition<HttpServer, HttpSourceSettings, CompiledRoute> = {
  type: "http",
  label: "HTTP route",
  settings: httpSourceSettings,
  compile(settings, ctx) {
    const parsed = parseRoutePath(settings.path);
    // The settings schema already rejected a bad path; this only narrows the type.
    if (!parsed.ok) return { segments: [], params: [] };
    const reserved: readonly string[] = RESERVED_VARS;
    for (const name of parsed.params) {
      if (reserved.includes(name))
        ctx.error(
          "path",
          "reserved-var",
          `path parameter {${name}} would overwrite vars.${name}, which the http source sets itself`,
          `rename the parameter; reserved: ${RESERVED_VARS.join(", ")}`,
        );
    }
    (settings.headers ?? []).forEach((header, i) => {
      if (reserved.includes(header) || parsed.params.includes(header))
        ctx.error(
          ["headers", i],
          "duplicate-var",
          `header ${header} would be stored in vars.${header}, which ${reserved.includes(header) ? "the http source sets itself" : "a path parameter already fills"}`,
        );
      else if ((settings.headers ?? []).indexOf(header) !== i)
        ctx.error(["headers", i], "duplicate-header", `header ${header} is listed twice`);
    });
    return { segments: parsed.segments, params: parsed.params };
  },
  async start(ctx) {
    if (!ctx.compiled) throw new Error(`http source of flow ${ctx.flow} was started without being compiled`);
    return ctx.connector.route(ctx, ctx.compiled);
  },
};

export const httpConnector: ConnectorDefinition<HttpConnectorSettings, HttpServer> = {
  type: "http",
  label: HTTP_LABEL,
  description: HTTP_DESCRIPTION,
  settings: httpConnectorSettings,
  sources: [httpSource],
  create: (settings, ctx) => new HttpServer(settings, ctx),
  close: (server) => server.close(),
};
