// The MCP endpoint of an `mcp` connector: streamable HTTP, stateless (each POST is answered on its
// own, with JSON), tools/list and tools/call over the flows that declare a `tool` source. Loaded on
// the first tool's start, so a runtime without one never reads the MCP SDK.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type Tool as ToolSpec,
} from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import pkg from "../../../package.json" with { type: "json" };
import { durationMs } from "../../dsl/fields.ts";
import { newMessage } from "../../engine/message.ts";
import type { Outcome } from "../../engine/outcome.ts";
import { QueueFullError, ShuttingDownError } from "../../engine/pool.ts";
import { InFlight, type RequestTarget, type RouteHandler } from "../http/listener.ts";
import { sendError } from "../http/respond.ts";
import type { McpEndpoint, Tool } from "./index.ts";

/** One Ajv for every endpoint of the process: compiling it is the costly part. */
let ajv: AjvJsonSchemaValidator | undefined;
const validators = new WeakMap<Tool, (args: unknown) => string | undefined>();

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

const toolError = (text: string): CallToolResult => ({ content: [{ type: "text", text }], isError: true });

/** A completed flow's body as a tool result: text for a string, JSON text (and structured) otherwise. */
export function toolResult(body: unknown): CallToolResult {
  if (typeof body === "string") return { content: [{ type: "text", text: body }] };
  const value = body === undefined ? null : body;
  const text = JSON.stringify(value);
  const structured = typeof value === "object" && value !== null && !Array.isArray(value);
  return {
    content: [{ type: "text", text }],
    ...(structured ? { structuredContent: value as Record<string, unknown> } : {}),
  };
}

/** The MCP endpoint as a route of the shared HTTP listener. */
export class McpRoute implements RouteHandler {
  readonly flow: string;
  readonly inflight = new InFlight();
  closed = false;
  private readonly endpoint: McpEndpoint;
  private readonly timeoutMs: number;
  private readonly requestDone = () => this.inflight.dec();

  constructor(endpoint: McpEndpoint) {
    this.endpoint = endpoint;
    this.flow = `(mcp connector ${endpoint.name})`;
    this.timeoutMs = durationMs(endpoint.settings.toolTimeout);
  }

  /** Compiles a tool's input schema; throws a message naming the tool when Ajv refuses it. */
  prepare(tool: Tool): void {
    ajv ??= new AjvJsonSchemaValidator();
    let check: ReturnType<AjvJsonSchemaValidator["getValidator"]>;
    try {
      check = ajv.getValidator(tool.inputSchema);
    } catch (e) {
      throw new Error(
        `mcp connector "${this.endpoint.name}": tool ${tool.name} of flow ${tool.flow}: inputSchema: ${errorText(e)}`,
      );
    }
    validators.set(tool, (args) => {
      const r = check(args);
      // Ajv names the value "data" ("data/orderId must be string"); here it is the arguments.
      return r.valid ? undefined : r.errorMessage.replace(/(^|, )data(?=[/ ]|$)/g, "$1arguments");
    });
  }

  close(): void {
    this.closed = true;
  }

  refuseClosed(_req: IncomingMessage, res: ServerResponse): void {
    sendError(res, 503, `the MCP server ${this.endpoint.name} is shutting down; retry later`, {
      connection: "close",
    });
  }

  serve(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void {
    this.inflight.inc();
    res.once("close", this.requestDone);
    if (req.method !== "POST") {
      // Stateless: no session to resume or end, and no stream for server-sent requests.
      res.writeHead(405, { allow: "POST", "content-type": "application/json" });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: { code: ErrorCode.ConnectionClosed, message: "method not allowed: POST JSON-RPC messages" },
          id: null,
        }),
      );
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.endpoint.settings.allowedOrigins.includes(origin)) {
      // The body stays unread, so the connection cannot carry another request.
      sendError(res, 403, `origin ${origin} may not call this MCP server (allowedOrigins)`, {
        connection: "close",
      });
      return;
    }
    if (target.expectContinue) res.writeContinue();
    const server = this.server();
    // No sessionIdGenerator: stateless.
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: true,
      maxRequestBodySize: this.endpoint.settings.maxBodyBytes,
    });
    res.once("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((e: unknown) => {
        const message = this.endpoint.redact(errorText(e));
        this.endpoint.logger.log("warn", `mcp: ${this.endpoint.name}: answered 500: ${message}`);
        if (!res.headersSent) sendError(res, 500, message);
        else res.destroy();
      });
  }

  /** A protocol server for one request (the SDK's stateless pattern: nothing is shared between calls). */
  private server(): Server {
    const { settings } = this.endpoint;
    const server = new Server(
      { name: settings.name ?? this.endpoint.name, version: pkg.version },
      {
        capabilities: { tools: { listChanged: false } },
        ...(settings.instructions === undefined ? {} : { instructions: settings.instructions }),
        ...(ajv ? { jsonSchemaValidator: ajv } : {}),
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...this.endpoint.tools.values()].filter((t) => !t.closed).map(toolSpec),
    }));
    server.setRequestHandler(CallToolRequestSchema, (request) =>
      this.call(request.params.name, request.params.arguments),
    );
    return server;
  }

  /** Runs the tool's flow with the arguments as body; every failure is an error result the model reads. */
  private async call(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    const tool = this.endpoint.tools.get(name);
    if (!tool || tool.closed) {
      const open = [...this.endpoint.tools.values()].filter((t) => !t.closed).map((t) => t.name);
      // A JSON-RPC error (-32602) with this message as is (McpError would prefix it twice).
      throw Object.assign(new Error(`no tool named "${name}"; tools: ${open.join(", ") || "none"}`), {
        code: ErrorCode.InvalidParams,
      });
    }
    const input = args ?? {};
    const problem = validators.get(tool)?.(input);
    if (problem !== undefined) {
      tool.connectorError("bad-arguments");
      return toolError(
        `Input validation error: the arguments do not match the input schema of ${name}: ${problem}`,
      );
    }
    tool.inflight.inc();
    try {
      const outcome = await this.run(tool, input);
      if (typeof outcome === "string") return toolError(outcome);
      if (outcome.status === "dropped") return { content: [] };
      if (outcome.status === "completed") return toolResult(outcome.message.body);
      const { message, block } = outcome.error;
      const text = this.endpoint.redact(message);
      this.endpoint.logger.log(
        "warn",
        `mcp: tool ${name} (flow ${tool.flow}) failed${block ? ` in block ${block}` : ""}: ${text}`,
        {
          flow: tool.flow,
          eventID: outcome.message.eventID,
        },
      );
      return toolError(`flow ${tool.flow} failed${block ? ` in block ${block}` : ""}: ${text}`);
    } finally {
      tool.inflight.dec();
    }
  }

  /** The flow's outcome, or why there is none (busy, shutting down, too slow). */
  private run(tool: Tool, input: Record<string, unknown>): Promise<Outcome | string> {
    const msg = newMessage(input);
    const delivered = tool.deliver(msg).catch((e: unknown) => {
      if (e instanceof QueueFullError) {
        tool.connectorError("queue-full");
        return `the tool is busy (${e.message}); retry later`;
      }
      if (e instanceof ShuttingDownError) {
        tool.connectorError("shutting-down");
        return `the tool is shutting down (${e.message}); retry later`;
      }
      throw e;
    });
    if (this.timeoutMs === 0) return delivered;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => {
        tool.connectorError("timeout");
        this.endpoint.logger.log(
          "warn",
          `mcp: tool ${tool.name} did not answer within ${this.endpoint.settings.toolTimeout}`,
          {
            flow: tool.flow,
            eventID: msg.eventID,
          },
        );
        resolve(`flow ${tool.flow} did not answer within ${this.endpoint.settings.toolTimeout}`);
      }, this.timeoutMs);
    });
    return Promise.race([delivered, timeout]).finally(() => clearTimeout(timer));
  }
}

function toolSpec(tool: Tool): ToolSpec {
  return {
    name: tool.name,
    ...(tool.title === undefined ? {} : { title: tool.title }),
    description: tool.description,
    inputSchema: tool.inputSchema as ToolSpec["inputSchema"],
    ...(tool.readOnly === undefined ? {} : { annotations: { readOnlyHint: tool.readOnly } }),
  };
}
