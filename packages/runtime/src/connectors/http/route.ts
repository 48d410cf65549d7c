// One flow's route: request → message → flow → response.
import {
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import { type Message, newMessage } from "../../engine/message.ts";
import type { Outcome } from "../../engine/outcome.ts";
import { QueueFullError, ShuttingDownError } from "../../engine/pool.ts";
import type { Logger } from "../../logging/logger.ts";
import { BodyError, checkDeclaredLength, hasNoBody, parseBody, parseQuery, readBody } from "./body.ts";
import { InFlight, type Mount, type RequestTarget, type RouteHandler } from "./listener.ts";
import { JSON_TYPE, send, sendError } from "./respond.ts";

export interface RouteOptions {
  flow: string;
  mount: Mount;
  /** Names of the path's `{name}` segments, in order. */
  params: readonly string[];
  /** Request headers to capture: [name as written in the config, lower-case name]. */
  headers: readonly (readonly [string, string])[];
  correlationIdHeader: string | undefined;
  maxBodyBytes: number;
  /** 0 = no limit. */
  timeoutMs: number;
  /** The timeout as written in the config, for the 504 message. */
  timeoutText: string;
  /** Milliseconds a response may take to be written; undefined = no limit. */
  writeTimeoutMs: number | undefined;
  /** Hands the request's message to the flow (the request goes along for trace context). */
  deliver(msg: Message, req: IncomingMessage): Promise<Outcome>;
  connectorError(kind: string): void;
  logger: Logger;
  /** Removes secret values from text bound for a client or a log. */
  redact(text: string): string;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Thrown for a flow result that cannot become a response (a bad vars.httpStatus …). */
class ResponseError extends Error {}

/** vars.httpStatus → a status code: a number or numeric string in 100-599; absent (or null) → 200. */
export function responseStatus(value: unknown): number {
  if (value === undefined || value === null) return 200;
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (Number.isInteger(n) && n >= 100 && n <= 599) return n;
  const shown =
    typeof value === "string"
      ? JSON.stringify(value)
      : typeof value === "object"
        ? "an object"
        : String(value);
  throw new ResponseError(
    `vars.httpStatus must be a status code from 100 to 599 (a number or numeric string), not ${shown}`,
  );
}

/**
 * vars.httpHeaders → response headers: an object whose values are strings (numbers and booleans
 * are written as text; a list of strings repeats the header). Names are lower-cased.
 */
export function responseHeaders(value: unknown, into: OutgoingHttpHeaders): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ResponseError("vars.httpHeaders must be an object of header names to string values");
  for (const [name, raw] of Object.entries(value)) {
    const text =
      typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean"
        ? String(raw)
        : Array.isArray(raw) && raw.every((v) => typeof v === "string")
          ? (raw as string[])
          : undefined;
    if (text === undefined)
      throw new ResponseError(`vars.httpHeaders.${name} must be a string (or a list of strings)`);
    try {
      validateHeaderName(name);
      for (const v of Array.isArray(text) ? text : [text]) validateHeaderValue(name, v);
    } catch (e) {
      throw new ResponseError(`vars.httpHeaders.${name} cannot be sent: ${errorText(e)}`);
    }
    const key = name.toLowerCase();
    // The connector frames the response itself.
    if (key === "content-length" || key === "transfer-encoding" || key === "connection") continue;
    into[key] = text;
  }
}

export class Route implements RouteHandler {
  closed = false;
  readonly flow: string;
  /** Requests of this route not answered yet (the source's stop waits for them). */
  readonly inflight = new InFlight();
  private readonly o: RouteOptions;
  private readonly correlationKey: string | undefined;
  private readonly requestDone = () => this.inflight.dec();
  /** Requests still receiving their body, with their correlation id (answered 503 on close). */
  private readonly reading = new Map<ServerResponse, string | undefined>();

  constructor(options: RouteOptions) {
    this.o = options;
    this.flow = options.flow;
    this.correlationKey = options.correlationIdHeader?.toLowerCase();
  }

  private reply(
    res: ServerResponse,
    status: number,
    headers: OutgoingHttpHeaders,
    body: string | undefined,
  ): void {
    send(res, status, headers, body);
    this.limitWrite(res);
  }

  private replyError(
    res: ServerResponse,
    status: number,
    message: string,
    headers: OutgoingHttpHeaders,
  ): void {
    sendError(res, status, message, headers);
    this.limitWrite(res);
  }

  /** writeTimeout: a client that does not read the response in time loses the connection. */
  private limitWrite(res: ServerResponse): void {
    const ms = this.o.writeTimeoutMs;
    if (!ms || res.writableFinished || res.destroyed) return;
    const timer = setTimeout(() => res.destroy(), ms);
    res.once("close", () => clearTimeout(timer));
  }

  /** Headers every answer of this route carries. */
  private baseHeaders(correlationID: string | undefined, close: boolean): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    if (close || this.o.mount.closeConnections) headers.connection = "close";
    if (this.correlationKey !== undefined && correlationID !== undefined)
      headers[this.correlationKey] = correlationID;
    return headers;
  }

  private correlationOf(req: IncomingMessage): string | undefined {
    if (this.correlationKey === undefined) return undefined;
    const value = req.headers[this.correlationKey];
    return typeof value === "string" && value !== "" ? value : undefined;
  }

  /**
   * Stops taking requests: later ones get 503, and so do those still sending their body (a slow
   * upload must not hold a shutdown); requests already in their flow are answered as usual.
   */
  close(): void {
    this.closed = true;
    for (const [res, correlationID] of this.reading) {
      this.reading.delete(res);
      this.o.connectorError("shutting-down");
      this.replyError(
        res,
        503,
        `flow ${this.o.flow} is shutting down; retry later`,
        this.baseHeaders(correlationID, true),
      );
    }
  }

  refuseClosed(req: IncomingMessage, res: ServerResponse): void {
    this.o.connectorError("shutting-down");
    this.replyError(
      res,
      503,
      `flow ${this.o.flow} is shutting down; retry later`,
      this.baseHeaders(this.correlationOf(req), true),
    );
  }

  serve(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void {
    this.inflight.inc();
    res.once("close", this.requestDone);
    const correlationID = this.correlationOf(req);
    try {
      const tooLarge = checkDeclaredLength(req, this.o.maxBodyBytes);
      if (tooLarge) {
        // A client that waits for 100-continue never sends the body; any other one is sending it.
        this.bodyFailed(res, tooLarge, correlationID, target.expectContinue ? undefined : req);
      } else if (hasNoBody(req)) {
        this.run(req, res, target, null, correlationID);
      } else {
        if (target.expectContinue) res.writeContinue();
        this.reading.set(res, correlationID);
        readBody(req, this.o.maxBodyBytes).then(
          (buf) => {
            if (!this.reading.delete(res)) return; // answered by close() meanwhile
            let body: unknown;
            try {
              body = parseBody(buf, req.headers["content-type"]);
            } catch (e) {
              this.bodyFailed(res, e, correlationID);
              return;
            }
            this.run(req, res, target, body, correlationID);
          },
          (e: unknown) => {
            if (this.reading.delete(res)) this.bodyFailed(res, e, correlationID, req);
          },
        );
      }
    } catch (e) {
      this.internal(res, e, correlationID);
    }
  }

  /**
   * Answers a body that could not be taken. `sending` is the request whose body is still
   * arriving (a 413 mid-upload): node:http resets a connection whose request body is unread
   * when the answer ends, so the client, still writing, would never read the 413. The rest is
   * read and discarded first, within a bounded time and size (a lingering close, as nginx does).
   */
  private bodyFailed(
    res: ServerResponse,
    e: unknown,
    correlationID: string | undefined,
    sending?: IncomingMessage,
  ): void {
    if (!(e instanceof BodyError)) {
      this.internal(res, e, correlationID);
      return;
    }
    this.o.connectorError(e.kind);
    if (e.kind === "aborted") return; // nobody is left to answer
    this.o.logger.log("debug", `http: flow ${this.o.flow}: ${e.status}: ${e.message}`, { flow: this.o.flow });
    const answer = (close: boolean) =>
      this.replyError(res, e.status, this.o.redact(e.message), this.baseHeaders(correlationID, close));
    if (e.status === 413 && sending !== undefined && !sending.complete) {
      discardRest(sending, this.o.maxBodyBytes, answer);
    } else {
      // The unread rest of a body means the connection cannot carry another request.
      answer(e.status === 413);
    }
  }

  /** A bug or an unexpected state: answered 500, logged, never thrown out of the handler. */
  private internal(
    res: ServerResponse,
    e: unknown,
    correlationID: string | undefined,
    eventID?: string,
  ): void {
    const message = this.o.redact(errorText(e));
    this.o.logger.log("warn", `http: flow ${this.o.flow}: answered 500: ${message}`, {
      flow: this.o.flow,
      ...(eventID === undefined ? {} : { eventID }),
    });
    try {
      this.replyError(res, 500, message, this.baseHeaders(correlationID, false));
    } catch {
      res.destroy(); // headers half-written: the connection is the only thing left to close
    }
  }

  private run(
    req: IncomingMessage,
    res: ServerResponse,
    target: RequestTarget,
    body: unknown,
    correlationID: string | undefined,
  ): void {
    const o = this.o;
    const vars: Record<string, unknown> = {
      method: req.method ?? "GET",
      path: target.path,
      query: parseQuery(target.query),
    };
    const { params } = target;
    for (let i = 0; i < params.length; i++) vars[o.params[i] as string] = params[i];
    // An absent header sets no var, so a flow can test `"X-Tenant" in vars`.
    for (const [name, key] of o.headers) {
      const value = req.headers[key];
      if (value !== undefined) vars[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const msg = newMessage(body, correlationID === undefined ? { vars } : { vars, correlationID });

    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    // A client that leaves is not answered; the flow runs on and its result is discarded.
    const onClose = () => {
      answered = true;
      clearTimeout(timer);
    };
    res.once("close", onClose);
    if (o.timeoutMs > 0) {
      timer = setTimeout(() => {
        if (answered) return;
        answered = true;
        o.connectorError("timeout");
        const message = `flow ${o.flow} did not answer within ${o.timeoutText}`;
        o.logger.log("warn", `http: ${message}`, { flow: o.flow, eventID: msg.eventID });
        this.replyError(res, 504, message, this.baseHeaders(msg.correlationID, false));
      }, o.timeoutMs);
    }
    const settle = () => {
      if (answered) return false;
      answered = true;
      clearTimeout(timer);
      res.off("close", onClose);
      return true;
    };
    o.deliver(msg, req).then(
      (outcome) => {
        if (!settle()) return;
        try {
          this.answer(res, outcome);
        } catch (e) {
          this.internal(res, e, msg.correlationID, msg.eventID);
        }
      },
      (e: unknown) => {
        if (!settle()) return;
        const headers = this.baseHeaders(msg.correlationID, false);
        if (e instanceof QueueFullError) {
          o.connectorError("queue-full");
          headers["retry-after"] = "1";
          this.replyError(res, 503, e.message, headers);
        } else if (e instanceof ShuttingDownError) {
          o.connectorError("shutting-down");
          headers.connection = "close";
          this.replyError(res, 503, e.message, headers);
        } else {
          this.internal(res, e, msg.correlationID, msg.eventID);
        }
      },
    );
  }

  /** The flow's outcome as the response (runtime spec §5). */
  private answer(res: ServerResponse, outcome: Outcome): void {
    const msg = outcome.message;
    const headers = this.baseHeaders(msg.correlationID, false);
    if (outcome.status === "failed") {
      const { message, block } = outcome.error;
      const text = this.o.redact(message);
      this.o.logger.log(
        "warn",
        `http: flow ${this.o.flow} failed${block ? ` in block ${block}` : ""}: ${text}`,
        {
          flow: this.o.flow,
          eventID: msg.eventID,
          correlationID: msg.correlationID,
        },
      );
      this.replyError(res, 500, text, headers);
      return;
    }
    if (outcome.status === "dropped") {
      responseHeaders(msg.vars.httpHeaders, headers);
      this.reply(res, 204, headers, undefined);
      return;
    }
    const status = responseStatus(msg.vars.httpStatus);
    responseHeaders(msg.vars.httpHeaders, headers);
    const type = headers["content-type"];
    let payload: string;
    if (typeof msg.body === "string" && typeof type === "string" && !isJsonType(type)) {
      // The flow chose a non-JSON type (text/html, text/csv …): its string body is sent as is.
      payload = msg.body;
    } else {
      headers["content-type"] ??= JSON_TYPE;
      try {
        payload = JSON.stringify(msg.body === undefined ? null : msg.body);
      } catch (e) {
        throw new ResponseError(`the flow's result cannot be written as JSON: ${errorText(e)}`);
      }
    }
    // 1xx, 204 and 304 have no body; Node drops it for HEAD by itself.
    this.reply(res, status, headers, status < 200 || status === 204 || status === 304 ? undefined : payload);
  }
}

function isJsonType(type: string): boolean {
  const media = type.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || media.endsWith("+json");
}

/** How long and how much of a refused body is read and thrown away before the connection is cut. */
const LINGER_MS = 5_000;
const LINGER_FACTOR = 8;

/**
 * Reads and throws away the rest of a refused body, then answers; past LINGER_MS or
 * LINGER_FACTOR × maxBodyBytes (at least 8 MiB) it answers at once and closes the connection.
 */
function discardRest(req: IncomingMessage, maxBodyBytes: number, answer: (close: boolean) => void): void {
  const limit = Math.max(maxBodyBytes * LINGER_FACTOR, 8 * 1024 * 1024);
  let discarded = 0;
  let done = false;
  const finish = (close: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off("data", count);
    answer(close);
  };
  const timer = setTimeout(() => finish(true), LINGER_MS);
  const count = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) finish(true);
  };
  req.on("data", count);
  req.once("end", () => finish(false));
  req.once("close", () => finish(true));
  req.resume();
}
