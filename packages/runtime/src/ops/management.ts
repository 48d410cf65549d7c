import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pkg from "../../package.json" with { type: "json" };
import type { RuntimeMetrics } from "./metrics.ts";

/** What the probes ask of the process. */
export interface Health {
  readonly service: string;
  /** True once the first config serves, false again from the moment shutdown begins. */
  ready(): boolean;
}

export interface ManagementServer {
  /** The bound port (useful when 0 asked for a free one). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The management port: `/healthz` (the process is alive; its service name and release version), `/readyz` (it takes traffic; 503 while
 * starting and from the first moment of shutdown) and Prometheus `/metrics`. Kept off the flows'
 * HTTP listeners so a route can never shadow a probe and metrics are never exposed publicly.
 */
export async function startManagementServer(opts: {
  host: string;
  port: number;
  health: Health;
  metrics: RuntimeMetrics;
}): Promise<ManagementServer> {
  const { health, metrics } = opts;
  const json = (status: number, body: unknown) => ({
    status,
    type: "application/json; charset=utf-8",
    text: JSON.stringify(body),
  });
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    let answer: { status: number; type: string; text: string };
    if (req.method !== "GET" && req.method !== "HEAD") {
      answer = json(405, { error: `${req.method} is not allowed; use GET` });
    } else if (path === "/healthz") {
      answer = json(200, { ok: true, service: health.service, version: pkg.version });
    } else if (path === "/readyz") {
      const ready = health.ready();
      answer = json(ready ? 200 : 503, { ready, service: health.service });
    } else if (path === "/metrics") {
      try {
        answer = { status: 200, type: metrics.contentType, text: await metrics.text() };
      } catch (e) {
        answer = json(500, { error: `metrics failed: ${e instanceof Error ? e.message : e}` });
      }
    } else {
      answer = json(404, { error: `no such endpoint ${path}; try /healthz, /readyz or /metrics` });
    }
    res.writeHead(answer.status, { "content-type": answer.type, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : answer.text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(`management port ${opts.host}:${opts.port}: ${e.code ?? e.message}`)),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
