import type { Agent, Dispatcher } from "undici";
import { compile } from "../../cel/index.ts";
import { durationMs } from "../../dsl/fields.ts";
import type { Message } from "../../engine/message.ts";
import { FlowError } from "../../errors/diagnostic.ts";
import { type Logger, redactor } from "../../logging/logger.ts";
import type { ConnectorContext, ConnectorDefinition, Exec } from "../../plugin/types.ts";
import type { SpanFrame } from "../../tracing/tracer.ts";
import { type CachedResponse, cacheKey, ResponseCache } from "./cache.ts";
import { ClientCredentials, TokenError } from "./oauth2.ts";
import { excerpt, failureText, ResponseHeaders, readStreamLimited, TooLargeError } from "./response.ts";
import {
  abortable,
  backoffMs,
  defaultRetryCondition,
  type RetryCondition,
  type RetryPolicy,
  retryAfterMs,
  sleep,
} from "./retry.ts";
import {
  CONNECTOR_RETRY_VARIABLES,
  HTTP_CLIENT_DESCRIPTION,
  HTTP_CLIENT_LABEL,
  type HttpClientSettings,
  httpClientSettings,
} from "./spec.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

/** One call as a rest block asks for it. */
export interface HttpRequest {
  method: HttpMethod;
  /** Appended to baseURL; may carry a query of its own. */
  path: string;
  query: readonly (readonly [string, string])[];
  /** Every header to send (the connector's merged with the block's); auth is added by the client. */
  headers: Headers;
  body: string | undefined;
}

export { ResponseHeaders } from "./response.ts";

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Read like a `Headers`: get(), has(), iteration. */
  headers: ResponseHeaders;
  body: Uint8Array;
  /** Attempts made (0 when served from the cache). */
  attempts: number;
  cached: boolean;
  /** "GET https://host/path?q" for messages: secrets redacted. */
  target: string;
}

/** Who is calling: the message (for retry conditions), its execution state and the block's name. */
export interface CallContext {
  exec: Exec;
  msg: Message;
  block: string;
  /** Keys of the connector's retry policy this call overrides. */
  retry?: Partial<RetryPolicy>;
}

type Attempt =
  | { kind: "response"; response: HttpResponse }
  | { kind: "failure"; text: string; errorKind: string; retryable: boolean };

const ok = (status: number) => status >= 200 && status <= 299;

/** Access tokens remembered for redaction (the current one and a few before it). */
const REMEMBERED_TOKENS = 4;

/** Redirects followed, as fetch does. */
const MAX_REDIRECTIONS = 20;

/** The connector instance: auth, retries, the token cache and the response cache of one `http-client`. */
export class HttpClient {
  readonly name: string;
  /** The connector's own headers, sent on every request unless a block overrides them. */
  readonly headers: Headers;
  private readonly baseURL: URL;
  private readonly timeoutMs: number;
  private readonly timeoutText: string;
  private readonly maxResponseBytes: number;
  private readonly authorization: string | undefined;
  private readonly oauth: ClientCredentials | undefined;
  private readonly retry: RetryPolicy;
  private readonly cache: ResponseCache | undefined;
  private readonly logger: Logger;
  private readonly staticSecrets: string[];
  private readonly tokens: string[] = [];
  /**
   * Keep-alive connections of this connector (undici's request(): no WHATWG Request/Response or
   * web streams), made on first use and again after close(), which leaves the client usable.
   */
  private agent: Agent | undefined;
  private dispatcher: Promise<Dispatcher> | undefined;
  private redactText: (text: string) => string;

  constructor(settings: HttpClientSettings, ctx: ConnectorContext) {
    this.name = ctx.name;
    this.logger = ctx.logger;
    this.baseURL = new URL(settings.baseURL);
    this.timeoutMs = durationMs(settings.timeout);
    this.timeoutText = settings.timeout;
    this.maxResponseBytes = settings.maxResponseBytes;
    this.headers = new Headers(
      Object.entries(settings.headers ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const auth = settings.auth;
    const secrets = [...ctx.secrets];
    if (auth?.type === "bearer") {
      const token = String(auth.token ?? "");
      this.authorization = `Bearer ${token}`;
      secrets.push(token);
    } else if (auth?.type === "basic") {
      const password = String(auth.password ?? "");
      this.authorization = `Basic ${Buffer.from(`${auth.username ?? ""}:${password}`).toString("base64")}`;
      secrets.push(password, this.authorization.slice("Basic ".length));
    } else if (auth?.type === "oauth2") {
      const clientSecret = String(auth.clientSecret ?? "");
      secrets.push(clientSecret);
      this.oauth = new ClientCredentials({
        tokenURL: auth.tokenURL ?? "",
        clientID: String(auth.clientID ?? ""),
        clientSecret,
        scopes: auth.scopes ?? [],
        timeoutMs: this.timeoutMs,
        timeoutText: this.timeoutText,
        maxResponseBytes: this.maxResponseBytes,
        onToken: (token) => this.rememberToken(token),
        redact: (text) => this.redact(text),
      });
    }
    this.staticSecrets = secrets.filter((s) => s !== "");
    this.redactText = redactor(this.staticSecrets);
    this.retry = {
      maxAttempts: settings.retry?.maxAttempts ?? 1,
      initialDelayMs: durationMs(settings.retry?.initialDelay ?? "200ms"),
      maxDelayMs: durationMs(settings.retry?.maxDelay ?? "10s"),
      on:
        settings.retry?.on === undefined
          ? defaultRetryCondition
          : compileCondition(String(settings.retry.on)),
    };
    if (settings.cache) {
      this.cache = new ResponseCache({
        ttlMs: durationMs(settings.cache.ttl),
        maxEntries: settings.cache.maxEntries,
        maxBytes: settings.cache.maxBytes,
      });
    }
  }

  /** Removes every secret the client knows of (env secrets, credentials, access tokens). */
  redact(text: string): string {
    return this.redactText(text);
  }

  /** A located, redacted error of `call`'s block; `status` only for an upstream non-2xx answer. */
  fail(message: string, call: CallContext, status?: number): FlowError {
    return new FlowError(this.redact(message), call.exec.flow, call.block, status);
  }

  /** The error for a non-2xx response: method, URL, status and the start of the body. */
  statusError(res: HttpResponse, call: CallContext): FlowError {
    const text = readableExcerpt(res.body);
    return this.fail(
      `${res.target} returned HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}` +
        `${text ? `: ${text}` : ""}${afterAttempts(res.attempts)}`,
      call,
      res.status,
    );
  }

  /** Sends a request: from the cache when it can, else with auth, timeout and retries. */
  async request(req: HttpRequest, call: CallContext): Promise<HttpResponse> {
    const url = this.url(req);
    const target = this.redact(`${req.method} ${url.href}`);
    if (url.origin !== this.baseURL.origin)
      throw this.fail(`${target}: the path leaves ${this.baseURL.origin}`, call);
    const signal = call.exec.signal;
    if (signal?.aborted) throw this.fail(`${target} was cancelled`, call);
    const key =
      this.cache && (req.method === "GET" || req.method === "HEAD")
        ? cacheKey(req.method, url.href, req.headers)
        : undefined;
    const hit = key === undefined ? undefined : this.cache?.get(key);
    if (hit) return { ...hit, headers: new ResponseHeaders(hit.headers), attempts: 0, cached: true, target };

    const policy: RetryPolicy = { ...this.retry, ...call.retry };
    const state = { refreshed: false };
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(url, target, req, call, state);
      let status = 0;
      let errorText: string;
      if (outcome.kind === "response") {
        const res = outcome.response;
        res.attempts = attempt;
        if (ok(res.status)) {
          if (key !== undefined) this.cache?.put(key, toCached(res), res.headers.get("cache-control"));
          return res;
        }
        status = res.status;
        errorText = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}`;
        call.exec.runtime.connectorError(this.name, "http-status");
      } else {
        errorText = outcome.text;
        call.exec.runtime.connectorError(this.name, outcome.errorKind);
      }
      const again =
        attempt < policy.maxAttempts &&
        (outcome.kind === "response" || outcome.retryable) &&
        this.shouldRetry(policy.on, call, target, status, errorText);
      if (!again) {
        if (outcome.kind === "response") return outcome.response;
        throw this.fail(`${target} ${outcome.text}${afterAttempts(attempt)}`, call);
      }
      const retryAfter =
        outcome.kind === "response" ? retryAfterMs(outcome.response.headers.get("retry-after")) : undefined;
      const delay = Math.min(policy.maxDelayMs, retryAfter ?? backoffMs(policy, attempt));
      this.logger.log(
        "debug",
        this.redact(
          `http-client ${this.name}: ${target} attempt ${attempt} of ${policy.maxAttempts} failed ` +
            `(${errorText}); retrying in ${Math.round(delay)}ms`,
        ),
        { connector: this.name, flow: call.exec.flow, eventID: call.msg.eventID },
      );
      try {
        await sleep(delay, signal);
      } catch {
        throw this.fail(`${target} was cancelled`, call);
      }
    }
  }

  /** Forgets cached tokens and responses and closes the connections. */
  async close(): Promise<void> {
    this.oauth?.clear();
    this.cache?.clear();
    const opened = this.dispatcher;
    this.dispatcher = undefined;
    await opened?.catch(() => {});
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }

  /**
   * The connector's keep-alive dispatcher, following redirects as fetch does. undici is imported on
   * the first call, not when the runtime loads: it is ~150 ms of `octo invoke`'s cold start.
   */
  private connection(): Promise<Dispatcher> {
    this.dispatcher ??= import("undici").then(({ Agent, interceptors }) => {
      const agent = new Agent();
      this.agent = agent;
      return agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
    });
    return this.dispatcher;
  }

  /** baseURL + path + query. */
  private url(req: HttpRequest): URL {
    const base = this.baseURL.href.replace(/\/+$/, "");
    const path =
      req.path === "" || req.path.startsWith("/") || req.path.startsWith("?") ? req.path : `/${req.path}`;
    const url = new URL(base + path);
    for (const [name, value] of req.query) url.searchParams.append(name, value);
    return url;
  }

  /** One attempt: auth, fetch and a bounded read under the attempt's timeout. */
  private async attempt(
    url: URL,
    target: string,
    req: HttpRequest,
    call: CallContext,
    state: { refreshed: boolean },
  ): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const cancel = call.exec.signal;
    const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
    // A block's own Authorization header wins over the connector's auth.
    const ownAuth = req.headers.has("authorization");
    let authorization: string | undefined;
    let token: string | undefined;
    let res: Dispatcher.ResponseData | undefined;
    try {
      if (!ownAuth && this.oauth) {
        token = await abortable(this.oauth.token(), signal);
        authorization = `Bearer ${token}`;
      } else if (!ownAuth && this.authorization) {
        authorization = this.authorization;
      }
      res = await (await this.connection()).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: wireHeaders(req.headers, authorization, req.body !== undefined, call.exec.trace?.span),
        body: req.body ?? null,
        signal,
      });
      if (res.statusCode === 401 && token !== undefined && this.oauth && !state.refreshed) {
        // The token was revoked or expired early: get a new one and try once more.
        state.refreshed = true;
        await res.body.dump().catch(() => {});
        this.oauth.invalidate(token);
        return await this.attempt(url, target, req, call, state);
      }
      let body: Uint8Array;
      if (req.method === "HEAD") {
        body = new Uint8Array(0);
        await res.body.dump().catch(() => {});
      } else {
        body = await readStreamLimited(res.body, res.headers["content-length"], this.maxResponseBytes);
      }
      return {
        kind: "response",
        response: {
          status: res.statusCode,
          statusText: res.statusText ?? "",
          headers: ResponseHeaders.fromRecord(res.headers),
          body,
          attempts: 1,
          cached: false,
          target,
        },
      };
    } catch (e) {
      if (cancel?.aborted) throw this.fail(`${target} was cancelled`, call);
      if (e instanceof FlowError) throw e;
      if (e instanceof TooLargeError) {
        call.exec.runtime.connectorError(this.name, "response-too-large");
        const status = res && !ok(res.statusCode) ? res.statusCode : undefined;
        const answered = status === undefined ? ":" : ` returned HTTP ${status}, but the`;
        throw this.fail(`${target}${answered} ${e.message}`, call, status);
      }
      if (e instanceof TokenError)
        return {
          kind: "failure",
          text: `failed: ${e.message}`,
          errorKind: "oauth2-token",
          retryable: e.retryable,
        };
      if (timeout.aborted)
        return {
          kind: "failure",
          text: `timed out after ${this.timeoutText}`,
          errorKind: "timeout",
          retryable: true,
        };
      return { kind: "failure", text: `failed: ${failureText(e)}`, errorKind: "network", retryable: true };
    }
  }

  private shouldRetry(
    on: RetryCondition,
    call: CallContext,
    target: string,
    status: number,
    error: string,
  ): boolean {
    try {
      return on(call.msg, status, this.redact(error));
    } catch (e) {
      throw this.fail(
        `${target}: retry condition failed: ${e instanceof Error ? e.message : String(e)}`,
        call,
      );
    }
  }

  private rememberToken(token: string): void {
    if (this.tokens.includes(token)) return;
    this.tokens.push(token);
    if (this.tokens.length > REMEMBERED_TOKENS) this.tokens.shift();
    this.redactText = redactor([...this.staticSecrets, ...this.tokens]);
  }
}

/** A connector-level retry condition (checked at load by the settings schema). */
function compileCondition(source: string): RetryCondition {
  const compiled = compile(source, { variables: CONNECTOR_RETRY_VARIABLES });
  if (!compiled.ok) throw new Error(`retry condition does not compile: ${compiled.errors[0]?.message}`);
  return (msg, status, error) =>
    retryDecision(
      compiled.expr.evaluate({
        body: msg.body,
        vars: msg.vars,
        eventID: msg.eventID,
        correlationID: msg.correlationID,
        now: msg.now ?? new Date(),
        status: BigInt(status),
        error,
      }),
    );
}

/** A retry condition's value must be a bool: anything else is a mistake worth an error. */
export function retryDecision(value: unknown): boolean {
  if (typeof value !== "boolean")
    throw new Error(`retry.on must give true or false, not ${JSON.stringify(value)}`);
  return value;
}

/**
 * The request's headers as undici sends them, plus the connector's auth, with the defaults fetch added (Accept, User-Agent,
 * and text/plain for a body without a Content-Type) so servers see what they saw before. Under an
 * OpenTelemetry span (tracing on) the W3C `traceparent` of the calling block's span goes too,
 * unless the block set its own.
 */
function wireHeaders(
  headers: Headers,
  authorization: string | undefined,
  hasBody: boolean,
  span: SpanFrame | undefined,
): string[] {
  const wire: string[] = [];
  for (const [name, value] of headers) wire.push(name, value);
  if (authorization !== undefined) wire.push("authorization", authorization);
  if (span !== undefined) {
    for (const [name, value] of Object.entries(span.headers()))
      if (!headers.has(name)) wire.push(name, value);
  }
  if (!headers.has("accept")) wire.push("accept", "*/*");
  if (!headers.has("user-agent")) wire.push("user-agent", "node");
  if (hasBody && !headers.has("content-type")) wire.push("content-type", "text/plain;charset=UTF-8");
  return wire;
}

function afterAttempts(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : "";
}

/** The body's start when it is text; binary bodies are left out of messages. */
function readableExcerpt(body: Uint8Array): string {
  try {
    // `stream` lets a multi-byte character cut at the end pass; anything invalid before is binary.
    new TextDecoder("utf-8", { fatal: true }).decode(body.subarray(0, 1024), { stream: true });
  } catch {
    return `(${body.byteLength} bytes, not text)`;
  }
  return excerpt(body);
}

function toCached(res: HttpResponse): CachedResponse {
  return { status: res.status, statusText: res.statusText, headers: [...res.headers], body: res.body };
}

export const httpClientConnector: ConnectorDefinition<HttpClientSettings, HttpClient> = {
  type: "http-client",
  label: HTTP_CLIENT_LABEL,
  description: HTTP_CLIENT_DESCRIPTION,
  settings: httpClientSettings,
  create: (settings, ctx) => new HttpClient(settings, ctx),
  close: (client) => client.close(),
};
