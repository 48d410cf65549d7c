import { z } from "zod";
import type { Path } from "../../config/yaml-source.ts";
import {
  type CallContext,
  type HttpClient,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  retryDecision,
} from "../../connectors/http-client/index.ts";
import type { RetryPolicy } from "../../connectors/http-client/retry.ts";
import {
  isHeaderName,
  isHeaderValue,
  RETRY_VARIABLES,
  retryOverrideSettings,
} from "../../connectors/http-client/spec.ts";
import { cel, connectorRef, durationMs } from "../../dsl/fields.ts";
import type { Message } from "../../engine/message.ts";
import type { BlockCompileContext, BlockDefinition, Expr } from "../../plugin/types.ts";
import { parseTemplate } from "./template.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
const SENDS_MESSAGE_BODY: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH"]);

/** A template value; YAML numbers and booleans (`page: 2`) are literal text. */
const template = (description: string) =>
  z.union([z.string(), z.number(), z.boolean()]).meta({ description, format: "template" });

const fields = z.strictObject({
  connector: connectorRef("an http-client connector", ["http-client"]),
  method: z.enum(METHODS).default("GET").meta({ description: "HTTP method" }),
  path: z
    .string()
    .default("")
    .meta({
      description:
        "appended to the connector's baseURL; {expr} segments are CEL, evaluated per message and " +
        "percent-encoded, e.g. /orders/{vars.id}; {{ and }} write literal braces",
      format: "template",
    }),
  query: z
    .record(
      z.string(),
      template("a literal or a {expr} template; null omits the parameter, a list repeats it"),
    )
    .optional()
    .meta({ description: "query parameters, e.g. {city: '{body.city}', units: metric}" }),
  headers: z
    .record(z.string(), template("a literal or a {expr} template; null omits the header"))
    .optional()
    .meta({ description: "request headers; they override the connector's headers of the same name" }),
  body: cel(
    "what to send (default: the message body for POST, PUT and PATCH, nothing for GET, HEAD and DELETE); " +
      "sent as JSON, or as-is when it is a string and a Content-Type header is set",
  ).optional(),
  failOnError: z.boolean().default(true).meta({
    description:
      "when true a non-2xx response fails the block (the error carries the status); when false it becomes the body",
  }),
  statusVar: z
    .string()
    .min(1)
    .default("statusCode")
    .meta({ description: "vars[statusVar] is set to the response status" }),
  headersVar: z.string().min(1).optional().meta({
    description: "when set, vars[headersVar] is set to the response headers (lower-case names → values)",
  }),
  retry: retryOverrideSettings.optional(),
});

type Settings = z.infer<typeof fields>;

/** A compiled template: literal text and CEL expressions in order. */
type Part = { literal: string } | { expr: Expr; source: string };
interface Template {
  parts: Part[];
}

/** Compiles `text` at `field`: each {expr} is CEL checked at load; a malformed template is a located error. */
function compileTemplate(ctx: BlockCompileContext, field: Path, text: string): Template {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    ctx.error(
      field,
      "invalid-template",
      `${parsed.message} (at character ${parsed.offset + 1} of "${text}")`,
    );
    return { parts: [] };
  }
  return {
    parts: parsed.parts.map((p) =>
      "literal" in p ? p : { expr: ctx.expr(field, p.expr), source: `{${p.expr}}` },
    ),
  };
}

/** A value as URL or header text: strings as they are, other JSON values as JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function evaluate(part: { expr: Expr; source: string }, msg: Message, where: string): unknown {
  try {
    return part.expr.evaluate(msg);
  } catch (e) {
    throw new Error(`${where} ${part.source}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A template's value: a template that is one expression gives its value as it is (so null and
 * lists reach the caller); a longer one gives text, where null is a mistake worth an error.
 */
function render(
  t: Template,
  msg: Message,
  where: string,
  encode: (text: string) => string = (s) => s,
): unknown {
  const [only] = t.parts;
  if (t.parts.length === 1 && only && "expr" in only) return evaluate(only, msg, where);
  let out = "";
  for (const part of t.parts) {
    if ("literal" in part) {
      out += part.literal;
      continue;
    }
    const value = evaluate(part, msg, where);
    if (value === null) throw new Error(`${where} ${part.source} is null`);
    out += encode(asText(value));
  }
  return out;
}

/** The path with every {expr} value percent-encoded; a value cannot add a "." or ".." segment. */
function renderPath(t: Template, msg: Message): string {
  const hasExpr = t.parts.some((p) => "expr" in p);
  const [only] = t.parts;
  const single = t.parts.length === 1 && only && "expr" in only;
  if (single) {
    const value = evaluate(only, msg, "path");
    if (value === null) throw new Error(`path ${only.source} is null`);
    return encodeURIComponent(asText(value));
  }
  const path = render(t, msg, "path", encodeURIComponent) as string;
  if (hasExpr) {
    const [pathPart = ""] = path.split("?", 1);
    for (const segment of pathPart.split("/")) {
      const decoded = segment.replace(/%2e/gi, ".");
      if (decoded === "." || decoded === "..")
        throw new Error(`path "${path}" has a "${decoded}" segment, which would change the path`);
    }
  }
  return path;
}

/** The response body as a JSON value, by Content-Type. */
function parseBody(res: HttpResponse, client: HttpClient, call: CallContext): unknown {
  if (res.body.byteLength === 0) return null;
  const contentType = res.headers.get("content-type") ?? "";
  const mime = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (mime === "application/json" || mime.endsWith("+json")) {
    try {
      return JSON.parse(new TextDecoder().decode(res.body));
    } catch (e) {
      throw client.fail(
        `${res.target}: the response is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
        call,
        res.status >= 200 && res.status <= 299 ? undefined : res.status,
      );
    }
  }
  if (
    mime.startsWith("text/") ||
    mime === "application/xml" ||
    mime.endsWith("+xml") ||
    mime === "application/x-www-form-urlencoded"
  )
    return decodeText(res.body, contentType);
  return Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength).toString("base64");
}

function decodeText(body: Uint8Array, contentType: string): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder().decode(body); // an unknown charset label: read it as UTF-8
  }
}

export const rest: BlockDefinition<{ name?: string; settings: Settings }> = {
  type: "rest",
  label: "REST Call",
  category: "processor",
  description:
    "Calls an HTTP API through an http-client connector; the parsed response becomes the body and its " +
    "status vars.statusCode.",
  kind: "leaf",
  fields,
  compile(node, ctx) {
    const s = node.settings;
    const block = node.name ?? "rest";
    const method: HttpMethod = s.method;
    ctx.connector("connector", s.connector, { type: "http-client" });
    const path = compileTemplate(ctx, ["path"], s.path);
    const query = Object.entries(s.query ?? {}).map(([name, value]) => ({
      name,
      value: compileTemplate(ctx, ["query", name], String(value)),
    }));
    const headers = Object.entries(s.headers ?? {}).map(([name, value]) => {
      if (!isHeaderName(name))
        ctx.error(["headers", name], "invalid-header-name", `"${name}" is not a valid header name`);
      else if (!isHeaderValue(String(value)))
        ctx.error(
          ["headers", name],
          "invalid-header-value",
          `the value of header ${name} has a line break or NUL`,
        );
      return { name, value: compileTemplate(ctx, ["headers", name], String(value)) };
    });
    if (s.body !== undefined && (method === "GET" || method === "HEAD")) {
      ctx.error(
        "body",
        "body-not-allowed",
        `a ${method} request has no body`,
        "send data in query:, or use POST",
      );
    }
    const body = s.body === undefined ? undefined : ctx.expr("body", s.body);
    const retry = retryOverride(s.retry, ctx);
    const { failOnError, statusVar, headersVar } = s;

    /** Headers, query and body for one message (errors name the template, never a value's secret). */
    const build = (msg: Message, client: HttpClient): HttpRequest => {
      const sent = new Headers(client.headers);
      for (const h of headers) {
        const value = render(h.value, msg, `header ${h.name}`);
        if (value === null) continue;
        const text = asText(Array.isArray(value) ? value.map(asText).join(", ") : value);
        if (!isHeaderValue(text)) throw new Error(`header ${h.name}: the value has a line break or NUL`);
        sent.set(h.name, text);
      }
      const params: [string, string][] = [];
      for (const q of query) {
        const value = render(q.value, msg, `query ${q.name}`);
        if (value === null) continue;
        for (const v of Array.isArray(value) ? value : [value])
          if (v !== null) params.push([q.name, asText(v)]);
      }
      const value = body ? body.evaluate(msg) : SENDS_MESSAGE_BODY.has(method) ? msg.body : undefined;
      let payload: string | undefined;
      if (value !== undefined && value !== null) {
        if (typeof value === "string" && sent.has("content-type")) payload = value;
        else {
          payload = JSON.stringify(value);
          if (!sent.has("content-type")) sent.set("content-type", "application/json");
        }
      }
      return { method, path: renderPath(path, msg), query: params, headers: sent, body: payload };
    };

    return async (msg, exec) => {
      const client = exec.runtime.connector<HttpClient>(s.connector);
      const call: CallContext = { exec, msg, block, retry };
      let req: HttpRequest;
      try {
        req = build(msg, client);
      } catch (e) {
        throw client.fail(e instanceof Error ? e.message : String(e), call);
      }
      const res = await client.request(req, call);
      msg.vars[statusVar] = res.status;
      if (headersVar !== undefined) msg.vars[headersVar] = Object.fromEntries(res.headers);
      if ((res.status < 200 || res.status > 299) && failOnError) throw client.statusError(res, call);
      msg.body = parseBody(res, client, call);
    };
  },
};

/** The keys of the block's `retry:` as an override of the connector's policy. */
function retryOverride(r: Settings["retry"], ctx: BlockCompileContext): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  if (!r) return out;
  if (r.maxAttempts !== undefined) out.maxAttempts = r.maxAttempts;
  if (r.initialDelay !== undefined) out.initialDelayMs = durationMs(r.initialDelay);
  if (r.maxDelay !== undefined) out.maxDelayMs = durationMs(r.maxDelay);
  if (r.on !== undefined) {
    const on = ctx.expr(["retry", "on"], r.on, RETRY_VARIABLES);
    out.on = (msg, status, error) => retryDecision(on.evaluate(msg, { status: BigInt(status), error }));
  }
  return out;
}
