// The http-client of a test: the real connector (headers, auth settings, redaction, errors as rest
// blocks see them) whose request() answers from the case's mocks instead of the network.
import {
  type CallContext,
  HttpClient,
  type HttpRequest,
  type HttpResponse,
  ResponseHeaders,
} from "../../connectors/http-client/index.ts";
import { sleep } from "../../connectors/http-client/retry.ts";
import type { HttpClientSettings } from "../../connectors/http-client/spec.ts";
import { durationMs } from "../../dsl/fields.ts";
import type { ConnectorContext } from "../../plugin/types.ts";
import { urlMatches } from "../matchers.ts";
import type { HttpMock } from "../test-file.ts";
import type { Recorder } from "./recorder.ts";

/** A request body as assertions read it: JSON parsed, else the text. */
export function readBody(text: string | undefined): unknown {
  if (text === undefined || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A mock's body on the wire and the content type it implies. */
export function mockBody(body: unknown): { bytes: Uint8Array; contentType: string | undefined } {
  if (body === undefined) return { bytes: new Uint8Array(0), contentType: undefined };
  if (typeof body === "string")
    return { bytes: new TextEncoder().encode(body), contentType: "text/plain; charset=utf-8" };
  return { bytes: new TextEncoder().encode(JSON.stringify(body)), contentType: "application/json" };
}

export class MockHttpClient extends HttpClient {
  private readonly base: URL;
  private readonly rules: readonly HttpMock[];
  private readonly recorder: Recorder;
  private readonly timeout: { ms: number; text: string };

  constructor(
    settings: HttpClientSettings,
    ctx: ConnectorContext,
    rules: readonly HttpMock[],
    recorder: Recorder,
  ) {
    super(settings, ctx);
    this.base = new URL(settings.baseURL);
    this.timeout = { ms: durationMs(settings.timeout), text: settings.timeout };
    // Rules naming another connector are not this one's.
    this.rules = rules.filter((r) => r.connector === undefined || r.connector === ctx.name);
    this.recorder = recorder;
  }

  override async request(req: HttpRequest, call: CallContext): Promise<HttpResponse> {
    const url = this.urlOf(req);
    const target = this.redact(`${req.method} ${url.href}`);
    if (url.origin !== this.base.origin)
      throw this.fail(`${target}: the path leaves ${this.base.origin}`, call);
    this.recorder.http.push({
      connector: this.name,
      method: req.method,
      url: url.href,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries([...req.headers].map(([k, v]) => [k.toLowerCase(), v])),
      body: readBody(req.body),
    });
    const rule = this.recorder.pick(
      this.rules,
      (r) => (r.method === undefined || r.method === req.method) && urlMatches(r, url),
    );
    if (!rule) {
      this.recorder.unmocked.push(`http-client ${this.name}: ${target}`);
      throw this.fail(
        `${target}: no mock answers this call (a test never reaches the network); add one under mocks.http`,
        call,
      );
    }
    if (rule.delay !== undefined) {
      const ms = durationMs(rule.delay);
      try {
        await sleep(Math.min(ms, this.timeout.ms), call.exec.signal);
      } catch {
        throw this.fail(`${target} was cancelled`, call);
      }
      if (ms >= this.timeout.ms) {
        call.exec.runtime.connectorError(this.name, "timeout");
        throw this.fail(`${target} timed out after ${this.timeout.text}`, call);
      }
    }
    if (rule.error !== undefined) {
      call.exec.runtime.connectorError(this.name, "network");
      throw this.fail(`${target} failed: ${rule.error}`, call);
    }
    const { bytes, contentType } = mockBody(rule.body);
    const headers: [string, string][] = Object.entries(rule.headers ?? {}).map(([k, v]) => [k, String(v)]);
    if (contentType && !headers.some(([k]) => k.toLowerCase() === "content-type"))
      headers.push(["content-type", contentType]);
    if (rule.status < 200 || rule.status > 299) call.exec.runtime.connectorError(this.name, "http-status");
    return {
      status: rule.status,
      statusText: "",
      headers: new ResponseHeaders(headers),
      body: req.method === "HEAD" ? new Uint8Array(0) : bytes,
      attempts: 1,
      cached: false,
      target,
    };
  }

  /** baseURL + path + query, as the real client builds it. */
  private urlOf(req: HttpRequest): URL {
    const base = this.base.href.replace(/\/+$/, "");
    const path =
      req.path === "" || req.path.startsWith("/") || req.path.startsWith("?") ? req.path : `/${req.path}`;
    const url = new URL(base + path);
    for (const [name, value] of req.query) url.searchParams.append(name, value);
    return url;
  }
}
