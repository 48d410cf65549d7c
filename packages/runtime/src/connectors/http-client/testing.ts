// Test support: a real HTTP server on 127.0.0.1 with an ephemeral port, recording what it receives.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { memoryLogger } from "../../../test/helpers.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import { loadRuntimeFromSources } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";

export interface StubRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Set when the client went away before the response was finished. */
  aborted: boolean;
}

export type StubHandler = (req: StubRequest, res: ServerResponse) => void | Promise<void>;

export interface StubServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function stubServer(handler: StubHandler): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: StubRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        aborted: false,
      };
      requests.push(recorded);
      res.on("close", () => {
        if (!res.writableFinished) recorded.aborted = true;
      });
      Promise.resolve(handler(recorded, res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: one a server had a moment ago. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answers with JSON. */
export function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

/** A started runtime (no sources) with a memory logger and the connector errors it counted. */
export async function startRuntime(yaml: string, osEnv: Record<string, string> = {}) {
  const logger = memoryLogger();
  const connectorErrors: string[] = [];
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv,
    logger,
    observer: { connectorError: (connector, kind) => connectorErrors.push(`${connector}:${kind}`) },
  });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start({ sources: false });
  return { runtime: r.runtime, logger, connectorErrors };
}

/** The load errors of a config that must not load. */
export function loadErrors(yaml: string, osEnv: Record<string, string> = {}): string[] {
  const r = loadRuntimeFromSources([new YamlSource("test.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv,
    logger: memoryLogger(),
  });
  if (r.ok) throw new Error("expected the config to fail to load");
  return r.diagnostics.map(formatDiagnostic);
}
