import { z } from "zod";
import { duration } from "../../dsl/fields.ts";
import { parseRoutePath } from "./router.ts";

// The http connector's settings and its source's settings: the config reference for `http`.

export const HTTP_LABEL = "HTTP Server";
export const HTTP_DESCRIPTION =
  "Serves HTTP routes that start flows. Connectors and flows naming the same host and port share one " +
  "listener. The flow's final body is the JSON response; vars.httpStatus sets the status (default 200), " +
  "vars.httpHeaders adds response headers; a dropped message answers 204, a failed flow 500, a busy flow 503.";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** An RFC 9110 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const headerName = (description: string) =>
  z
    .string()
    .regex(TOKEN, "not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)")
    .meta({ description });

export const httpConnectorSettings = z.strictObject({
  host: z.string().min(1).default("0.0.0.0").meta({
    description: 'address to listen on ("0.0.0.0" all IPv4 interfaces, "::" all, "127.0.0.1" local)',
  }),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .meta({ description: "TCP port to listen on; 0 picks a free port" }),
  basePath: z
    .string()
    .default("")
    .superRefine((path, ctx) => {
      if (path === "") return;
      const parsed = parseRoutePath(path, { params: false });
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: `invalid basePath: ${parsed.reason}` });
    })
    .meta({ description: 'prefix of every route of this connector, e.g. "/api/v1"' }),
  keepAlive: z
    .boolean()
    .default(true)
    .meta({ description: "keep connections open between requests; false answers with Connection: close" }),
  requestTimeout: duration(
    'how long a flow may take to answer before the client gets 504 (a route\'s timeout overrides it; "0" = no limit)',
  ).default("30s"),
  readTimeout: duration(
    "how long receiving a whole request (headers and body) may take before the connection is closed " +
      '(Node\'s server.requestTimeout; headers must arrive within min(readTimeout, 60s); default 300s; "0" = no limit)',
  ).optional(),
  writeTimeout: duration(
    "how long writing a response to the client may take before the connection is closed (a client that does not read)",
  ).optional(),
  idleTimeout: duration(
    'how long an idle keep-alive connection stays open waiting for the next request (default 5s; "0" = no limit)',
  ).optional(),
});

export type HttpConnectorSettings = z.infer<typeof httpConnectorSettings>;

export const httpSourceSettings = z.strictObject({
  path: z
    .string()
    .superRefine((path, ctx) => {
      const parsed = parseRoutePath(path);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: `invalid route path: ${parsed.reason}` });
    })
    .meta({
      description:
        "route path after the connector's basePath; a {name} segment matches any one segment into vars.name " +
        "(literal segments win over parameters; a trailing slash is ignored)",
    }),
  method: z
    .enum(HTTP_METHODS)
    .optional()
    .meta({ description: "the only method this route answers (default: any method)" }),
  headers: z.array(headerName("a request header name")).optional().meta({
    description:
      'request headers copied into vars under the name as written here (vars["X-Tenant"]); an absent header sets no var',
  }),
  correlationIdHeader: headerName(
    "request header whose value becomes the message's correlationID (default: the event id); " +
      "the correlation id is echoed back in the same response header",
  ).optional(),
  timeout: duration(
    "how long the flow may take to answer before 504; overrides the connector's requestTimeout",
  ).optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(0)
    .default(1_048_576)
    .meta({ description: "largest accepted request body in bytes; a larger one is answered 413" }),
});

export type HttpSourceSettings = z.infer<typeof httpSourceSettings>;

/** Vars the source sets itself (or reads back for the response): a parameter must not shadow them. */
export const RESERVED_VARS = ["method", "path", "query", "httpStatus", "httpHeaders"] as const;
