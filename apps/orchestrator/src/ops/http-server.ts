import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnyTRPCRouter } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { VERSION } from "./version.ts";

export interface HttpServerOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  createContext: (req: IncomingMessage) => Promise<object>;
  /** false while starting and from the first moment of shutdown. */
  ready: () => boolean;
  /** Registers more metrics (e.g. gauges read at scrape time). */
  observe?: (registry: Registry) => void;
  /** The MCP endpoint (src/mcp), served at `/mcp`. */
  mcp?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Base path of the tRPC API. */
export const TRPC_PATH = "/trpc";

/**
 * The orchestrator's one HTTP listener: the tRPC API under /trpc (queries, mutations, SSE
 * subscriptions), the MCP endpoint /mcp and the operations endpoints /healthz, /readyz, /metrics.
 */
export function createHttpServer<TRouter extends AnyTRPCRouter>(options: HttpServerOptions<TRouter>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  options.observe?.(registry);
  const requests = new Counter({
    name: "octo_orchestrator_requests_total",
    help: "API requests by procedure and HTTP status",
    labelNames: ["procedure", "status"],
    registers: [registry],
  });
  const trpc = createHTTPHandler({
    router: options.router,
    basePath: `${TRPC_PATH}/`,
    createContext: ({ req }) => options.createContext(req),
  });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith(`${TRPC_PATH}/`)) {
      // Batched calls name several procedures; the label keeps the first (bounded cardinality).
      const procedure = path.slice(TRPC_PATH.length + 1).split(",")[0] ?? "";
      res.once("finish", () => requests.inc({ procedure, status: String(res.statusCode) }));
      trpc(req, res);
      return;
    }
    if (path === "/mcp" && options.mcp) {
      res.once("finish", () => requests.inc({ procedure: "mcp", status: String(res.statusCode) }));
      options.mcp(req, res);
      return;
    }
    if (req.method !== "GET") return json(res, 405, { error: "method not allowed" });
    switch (path) {
      case "/healthz":
        return json(res, 200, { ok: true, service: "octo-orchestrator", version: VERSION });
      case "/readyz":
        return options.ready() ? json(res, 200, { ready: true }) : json(res, 503, { ready: false });
      case "/metrics":
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": registry.contentType });
            res.end(text);
          },
          () => json(res, 500, { error: "internal error" }),
        );
        return;
      default:
        return json(res, 404, { error: "not found", hint: `the API is under ${TRPC_PATH}/` });
    }
  });

  return {
    server,
    async listen(port: number, host: string): Promise<string> {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      const { port: bound } = server.address() as AddressInfo;
      return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
    },
    /**
     * Stops accepting connections and lets requests in flight finish; after `drainMs` the rest
     * (open SSE streams never finish by themselves) are closed, and their clients reconnect to
     * another replica.
     */
    close(drainMs = 2_000): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), drainMs).unref();
      });
    },
  };
}
