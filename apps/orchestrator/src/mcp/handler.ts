// `/mcp` on the orchestrator's listener: streamable HTTP, stateless. Each POST is authenticated
// like a tRPC call and answered by a server made for that caller, so nothing (identity, session)
// outlives a request and any replica can answer any call.
import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { type Authenticate, isRefusal } from "../auth/authenticate.ts";
import { type Refusal, refusal } from "../auth/identity.ts";
import { type McpDeps, mcpServer } from "./server.ts";

/** Where the MCP endpoint answers. */
export const MCP_PATH = "/mcp";
/** Largest accepted request body (a definition is at most 1 MiB, plus its JSON-RPC envelope). */
const MAX_BODY_BYTES = 2 * 1_048_576;

export interface McpHandlerOptions extends McpDeps {
  authenticate: Authenticate;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // A refused request's body is never read: the connection cannot carry another request.
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    connection: "close",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** 401 (with the RFC 6750 challenge) or 403, shaped like the tRPC API's refusals. */
function refuse(res: ServerResponse, r: Refusal): void {
  if (r.code === "FORBIDDEN") {
    json(res, 403, { error: { code: r.code, message: r.message } });
    return;
  }
  const challenge =
    r.reason === "invalid_token"
      ? `Bearer realm="octo", error="invalid_token", error_description=${JSON.stringify(r.message)}`
      : 'Bearer realm="octo"';
  json(
    res,
    401,
    { error: { code: r.code, reason: r.reason, message: r.message } },
    { "www-authenticate": challenge },
  );
}

export function createMcpHandler(
  options: McpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Browsers are not MCP clients here: refusing every Origin defeats DNS rebinding in open mode.
    if (req.headers.origin !== undefined) {
      json(res, 403, {
        error: { code: "FORBIDDEN", message: "browser origins may not call the MCP endpoint" },
      });
      return;
    }
    const identity = await options.authenticate(req.headers.authorization);
    if (isRefusal(identity)) {
      refuse(res, identity);
      return;
    }
    // Every tool needs at least read; a deployment's token, for one, is refused here.
    const refused = refusal(identity, "read", options.policy);
    if (refused) {
      refuse(res, refused);
      return;
    }
    if (req.method !== "POST") {
      // Stateless: no session to resume or end, and no stream of server-sent requests.
      json(
        res,
        405,
        {
          jsonrpc: "2.0",
          error: { code: -32000, message: "method not allowed: POST JSON-RPC messages" },
          id: null,
        },
        { allow: "POST" },
      );
      return;
    }
    const server = mcpServer(options, identity);
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: true,
      maxRequestBodySize: MAX_BODY_BYTES,
    });
    res.once("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.logError(e, "mcp");
      if (!res.headersSent)
        json(res, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "internal error" } });
      else res.destroy();
    });
  };
}
