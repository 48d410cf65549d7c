import { z } from "zod";
import { duration } from "../../dsl/fields.ts";
import { parseSchemaSetting } from "../../plugin/schema-setting.ts";
import { parseRoutePath } from "../http/router.ts";

// The mcp connector's settings and its `tool` source's settings: the config reference for `mcp`.

export const MCP_LABEL = "MCP Server";
export const MCP_DESCRIPTION =
  "Serves the Model Context Protocol over streamable HTTP at `path`, so an AI assistant can call flows as " +
  "tools. Each flow with a `tool` source is one tool: the call's arguments (checked against inputSchema) " +
  "are the body, the flow's result is the answer, a failed flow answers an error result. Shares the " +
  "listener of http connectors on the same host and port.";

/** What MCP clients accept as a tool name (the 2025-11 spec: 1–128 of A-Z a-z 0-9 _ - .). */
export const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export const mcpConnectorSettings = z.strictObject({
  host: z.string().min(1).default("0.0.0.0").meta({
    description: 'address to listen on ("0.0.0.0" all IPv4 interfaces, "::" all, "127.0.0.1" local)',
  }),
  port: z.number().int().min(0).max(65535).default(8080).meta({
    description: "TCP port to listen on (shared with http connectors on the same port); 0 picks a free port",
  }),
  path: z
    .string()
    .default("/mcp")
    .superRefine((path, ctx) => {
      const parsed = parseRoutePath(path, { params: false });
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: `invalid path: ${parsed.reason}` });
    })
    .meta({ description: "where the MCP endpoint answers (POST; GET and DELETE get 405: no sessions)" }),
  name: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "the server name clients show (default: the connector's name)" }),
  instructions: z.string().optional().meta({
    description: "what the server is for, sent to clients when they connect (they may show it to the model)",
  }),
  allowedOrigins: z
    .array(z.string().min(1))
    .default([])
    .meta({
      description:
        'browser origins allowed to call ("https://app.example.com"); a request with any other Origin header is ' +
        "refused 403 (DNS-rebinding protection). MCP clients that are not browsers send none",
    }),
  toolTimeout: duration(
    'how long a tool\'s flow may take before the call answers an error result ("0" = no limit)',
  ).default("30s"),
  maxBodyBytes: z
    .number()
    .int()
    .min(1)
    .default(1_048_576)
    .meta({ description: "largest accepted request body in bytes; a larger one is answered 413" }),
});

export type McpConnectorSettings = z.infer<typeof mcpConnectorSettings>;

export const toolSourceSettings = z.strictObject({
  name: z
    .string()
    .regex(TOOL_NAME, "a tool name is 1 to 128 letters, digits, '_', '-' or '.'")
    .meta({ description: "the tool's name as assistants call it" }),
  title: z.string().min(1).optional().meta({ description: "a human-readable name clients may show" }),
  description: z
    .string()
    .min(1)
    .meta({ description: "what the tool does and when to use it; the model reads it to decide" }),
  inputSchema: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .optional()
    .meta({
      description:
        "JSON Schema of the arguments (a mapping, or JSON text), with type: object at the top; " +
        "arguments that do not match are refused before the flow runs. Default: any object",
    }),
  readOnly: z.boolean().optional().meta({
    description: "a hint to clients that the tool changes nothing (they may call it without asking)",
  }),
});

export type ToolSourceSettings = z.infer<typeof toolSourceSettings>;

/** A JSON Schema object as YAML or JSON gives it. */
export type JsonSchema = Record<string, unknown>;

/**
 * A tool's inputSchema as written: a mapping or JSON text whose top level describes an object
 * (MCP requires it). Checked enough at load to name the mistake; Ajv compiles it at start.
 */
export function parseInputSchema(value: unknown): { schema: JsonSchema } | { problem: string } {
  if (value === undefined) return { schema: { type: "object" } };
  const parsed = parseSchemaSetting(value);
  if ("problem" in parsed) return parsed;
  const s = parsed.schema;
  if (s.type === undefined) return { schema: { type: "object", ...s } };
  if (s.type !== "object")
    return {
      problem: `must describe an object (type: object): a tool's arguments are named, not ${JSON.stringify(s.type)}`,
    };
  return { schema: s };
}
