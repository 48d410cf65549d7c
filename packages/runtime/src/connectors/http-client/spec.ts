import { z } from "zod";
import { compile, RUNTIME_VARIABLES } from "../../cel/index.ts";
import { cel, duration, durationMs, httpURLProblem } from "../../dsl/fields.ts";

// The http-client connector's settings: the config reference for `http-client` (used by `rest`).

export const HTTP_CLIENT_LABEL = "HTTP Client";
export const HTTP_CLIENT_DESCRIPTION =
  "Calls an HTTP API for `rest` blocks: a base URL, per-attempt timeout, headers sent on every request, " +
  "auth (bearer, basic or OAuth2 client credentials), optional retries with backoff and an optional " +
  "in-memory response cache.";

/** Variables a retry condition sees beside the message's. */
export const RETRY_VARIABLES: Record<string, string> = { status: "int", error: "string" };

/**
 * What a connector-level retry condition is compiled against. Connectors are created without the
 * resolved env, so `env` is left out (a typo'd `env.X` fails at load, not silently at run time);
 * `${NAME}` in the condition's text still interpolates an env value.
 */
export const CONNECTOR_RETRY_VARIABLES: Record<string, string> = Object.fromEntries(
  Object.entries({ ...RUNTIME_VARIABLES, ...RETRY_VARIABLES }).filter(([name]) => name !== "env"),
);

export const DEFAULT_RETRY_CONDITION = "status == 0 || status in [429, 502, 503, 504]";

/** Retries are bounded: a runaway maxAttempts would hold a worker for hours. */
export const MAX_ATTEMPTS_LIMIT = 100;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** An HTTP header name (RFC 9110 token); fetch would reject anything else at run time. */
export const isHeaderName = (name: string) => HEADER_NAME.test(name);

/** A header value fetch accepts: no CR, LF or NUL (which could smuggle a header or request). */
export const isHeaderValue = (value: string) => !/[\r\n\0]/.test(value);

/**
 * A setting that is often a whole `${NAME}`: env substitution turns "12345" into a number, so
 * numbers are accepted and read back as text.
 */
export const text = (description: string, meta: Record<string, unknown> = {}) =>
  z.union([z.string(), z.number(), z.boolean()]).meta({ description, ...meta });

/**
 * Editor metadata: the field applies only when the sibling `type` is one of `types` (the
 * settings form shows it then; the superRefine below is what enforces it).
 */
const onlyFor = (...types: string[]) => ({ visibleWhen: { type: types } });

/** Why `value` is not a usable base URL, or undefined when it is. */
export function baseURLProblem(value: string): string | undefined {
  const problem = httpURLProblem(value, "; put them under auth:");
  if (problem) return problem;
  const url = new URL(value);
  if (url.search || url.hash) return "must not have a query or fragment; use the rest block's query:";
  return undefined;
}

const positiveDuration = (description: string) =>
  duration(description).refine((d) => durationMs(d) > 0, { message: "must be more than 0" });

const headerMap = (description: string) =>
  z
    .record(z.string(), text("header value"))
    .superRefine((map, ctx) => {
      for (const [name, value] of Object.entries(map)) {
        if (!isHeaderName(name))
          ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a valid header name` });
        else if (!isHeaderValue(String(value)))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `the value of header ${name} has a line break or NUL`,
          });
      }
    })
    .meta({ description });

const retryFieldDescriptions = {
  maxAttempts: "attempts in all, the first included; 1 means no retries",
  initialDelay: "wait before the first retry; each later retry may wait up to twice as long (full jitter)",
  maxDelay: "the longest wait between attempts, also the cap on a server's Retry-After",
  on:
    "CEL condition deciding whether a failed attempt is retried; sees `status` (int, 0 when no response " +
    `arrived) and \`error\` (string) beside the message variables. Default: ${DEFAULT_RETRY_CONDITION}`,
};

/** Rejects a maxDelay below initialDelay (both present). */
function checkDelays(
  r: { initialDelay?: string | undefined; maxDelay?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (r.initialDelay === undefined || r.maxDelay === undefined) return;
  if (durationMs(r.maxDelay) < durationMs(r.initialDelay)) {
    ctx.addIssue({
      code: "custom",
      path: ["maxDelay"],
      message: `maxDelay (${r.maxDelay}) is shorter than initialDelay (${r.initialDelay})`,
    });
  }
}

/** The connector's retry policy (defaults filled in; `on` is checked here since connectors have no compile step). */
export const connectorRetrySettings = z
  .strictObject({
    maxAttempts: z
      .int()
      .min(1)
      .max(MAX_ATTEMPTS_LIMIT)
      .default(1)
      .meta({ description: retryFieldDescriptions.maxAttempts }),
    initialDelay: duration(retryFieldDescriptions.initialDelay).default("200ms"),
    maxDelay: duration(retryFieldDescriptions.maxDelay).default("10s"),
    on: cel(retryFieldDescriptions.on).optional(),
  })
  .superRefine((r, ctx) => {
    checkDelays(r, ctx);
    if (r.on === undefined) return;
    const compiled = compile(String(r.on), { variables: CONNECTOR_RETRY_VARIABLES });
    if (!compiled.ok) {
      ctx.addIssue({
        code: "custom",
        path: ["on"],
        message: `retry condition does not compile: CEL: ${compiled.errors.map((e) => e.message).join("; ")}`,
      });
    }
  })
  .meta({ description: "retries of failed attempts with exponential backoff (absent: no retries)" });

/** A rest block's retry override: each key given replaces the connector's; `on` is compiled by the block. */
export const retryOverrideSettings = z
  .strictObject({
    maxAttempts: z
      .int()
      .min(1)
      .max(MAX_ATTEMPTS_LIMIT)
      .optional()
      .meta({ description: retryFieldDescriptions.maxAttempts }),
    initialDelay: duration(retryFieldDescriptions.initialDelay).optional(),
    maxDelay: duration(retryFieldDescriptions.maxDelay).optional(),
    on: cel(retryFieldDescriptions.on).optional(),
  })
  .superRefine(checkDelays)
  .meta({ description: "overrides the connector's retry settings key by key for this block" });

const AUTH_FIELDS = {
  bearer: ["token"],
  basic: ["username", "password"],
  oauth2: ["tokenURL", "clientID", "clientSecret", "scopes"],
} as const;
const REQUIRED_AUTH_FIELDS: Record<keyof typeof AUTH_FIELDS, readonly string[]> = {
  bearer: ["token"],
  basic: ["username", "password"],
  oauth2: ["tokenURL", "clientID", "clientSecret"],
};

export const authSettings = z
  .strictObject({
    type: z.enum(["bearer", "basic", "oauth2"]).meta({
      description:
        "bearer: Authorization: Bearer <token>; basic: user and password; oauth2: client credentials",
    }),
    token: text(`bearer token (use \${NAME} of a secret env var)`, onlyFor("bearer")).optional(),
    username: text("basic auth user name", onlyFor("basic")).optional(),
    password: text(`basic auth password (use \${NAME} of a secret env var)`, onlyFor("basic")).optional(),
    tokenURL: z
      .string()
      .optional()
      .meta({ description: "oauth2 token endpoint (http or https URL)", ...onlyFor("oauth2") }),
    clientID: text("oauth2 client id, sent with the secret via HTTP Basic", onlyFor("oauth2")).optional(),
    clientSecret: text(
      `oauth2 client secret (use \${NAME} of a secret env var)`,
      onlyFor("oauth2"),
    ).optional(),
    scopes: z
      .array(z.string())
      .optional()
      .meta({ description: "oauth2 scopes, sent space-separated", ...onlyFor("oauth2") }),
  })
  .superRefine((auth, ctx) => {
    const own: readonly string[] = AUTH_FIELDS[auth.type];
    for (const field of REQUIRED_AUTH_FIELDS[auth.type]) {
      const value = auth[field as keyof typeof auth];
      if (value === undefined || value === "")
        ctx.addIssue({ code: "custom", path: [field], message: `${auth.type} auth needs ${field}` });
    }
    for (const [type, fields] of Object.entries(AUTH_FIELDS)) {
      if (type === auth.type) continue;
      for (const field of fields) {
        if (!own.includes(field) && auth[field as keyof typeof auth] !== undefined)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `${field} is used by ${type} auth, not ${auth.type}`,
          });
      }
    }
    if (auth.type === "oauth2" && auth.tokenURL) {
      const problem = baseURLProblem(auth.tokenURL);
      if (problem) ctx.addIssue({ code: "custom", path: ["tokenURL"], message: `tokenURL ${problem}` });
    }
  })
  .meta({ description: "how requests authenticate (absent: no auth)" });

export const cacheSettings = z
  .strictObject({
    ttl: positiveDuration(
      "how long a response is reused; a server's Cache-Control max-age shortens it",
    ).default("60s"),
    maxEntries: z
      .int()
      .min(1)
      .default(1000)
      .meta({ description: "least recently used responses are evicted past this many" }),
    maxBytes: z
      .int()
      .min(1)
      .default(16 * 1024 * 1024)
      .meta({ description: "total size of cached response bodies; least recently used are evicted past it" }),
  })
  .meta({
    description:
      "in-memory cache of 2xx GET/HEAD responses keyed by method, full URL and request headers; " +
      "Cache-Control no-store, no-cache and private from the server are honoured (absent: no cache)",
  });

export const httpClientSettings = z.strictObject({
  baseURL: z
    .string()
    .superRefine((value, ctx) => {
      const problem = baseURLProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: `baseURL ${problem}` });
    })
    .meta({
      description: "http(s) URL every rest block's path is appended to, e.g. https://api.example.com/v1",
    }),
  timeout: positiveDuration(
    "limit of each attempt, from sending the request to reading the whole response",
  ).default("30s"),
  headers: headerMap("headers sent on every request (a rest block's headers override them)").optional(),
  maxResponseBytes: z
    .int()
    .min(1)
    .default(1_048_576)
    .meta({ description: "a response body larger than this fails the call" }),
  auth: authSettings.optional(),
  retry: connectorRetrySettings.optional(),
  cache: cacheSettings.optional(),
});

export type HttpClientSettings = z.infer<typeof httpClientSettings>;
export type RetryOverrideSettings = z.infer<typeof retryOverrideSettings>;
export { headerMap };
