// The process-wide HTTP listeners: one node:http server per host:port, shared by every connector
// instance (and every runtime generation during a hot reload) that names it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../logging/logger.ts";
import { hasNoBody } from "./body.ts";
import { sendError } from "./respond.ts";
import { Router, splitRequestPath } from "./router.ts";

/** Counts work in progress and wakes waiters when none is left. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  inc(): void {
    this.count++;
  }

  dec(): void {
    if (--this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once nothing is in progress. */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

/** Where a matched request is going, as the listener saw it. */
export interface RequestTarget {
  /** The percent-decoded request path, base path included (vars.path). */
  path: string;
  /** The raw query string without "?". */
  query: string;
  /** Parameter values in the order of the route's `{name}` segments. */
  params: string[];
  /** The client sent `Expect: 100-continue` and waits for a go-ahead before the body. */
  expectContinue: boolean;
}

/** A flow's route inside a mount. */
export interface RouteHandler {
  readonly flow: string;
  /** Requests being served (stopping waits for them). */
  readonly inflight: InFlight;
  /** Set once closed: new requests get 503 (unless a newer mount serves the path). */
  readonly closed: boolean;
  /** Called when its source stops or its connector closes. */
  close(): void;
  /** Answers 503 for a request that reached this route after it closed. */
  refuseClosed(req: IncomingMessage, res: ServerResponse): void;
  serve(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void;
}

/** Server-wide settings; the newest mount's apply (a reload may change them). */
export interface ServerTuning {
  /** Whole-request receive limit (server.requestTimeout); headers get min(this, 60s). */
  readTimeoutMs: number | undefined;
  /** Keep-alive idle limit (server.keepAliveTimeout). */
  idleTimeoutMs: number | undefined;
}

let mountSeq = 0;

/**
 * One connector instance's share of a listener: its base path and its routes. Requests go to the
 * newest mount with a matching route, so a reloaded runtime takes over the paths it serves while
 * the old one finishes what it started.
 */
export class Mount {
  readonly seq = ++mountSeq;
  readonly base: readonly string[];
  readonly router = new Router<RouteHandler>();
  readonly keepAlive: boolean;
  readonly tuning: ServerTuning;
  readonly logger: Logger;
  listener: Listener | undefined;

  constructor(opts: { base: readonly string[]; keepAlive: boolean; tuning: ServerTuning; logger: Logger }) {
    this.base = opts.base;
    this.keepAlive = opts.keepAlive;
    this.tuning = opts.tuning;
    this.logger = opts.logger;
  }

  /** True when responses must close the connection (keepAlive: false, or the listener is closing). */
  get closeConnections(): boolean {
    return !this.keepAlive || (this.listener?.closing ?? false);
  }

  covers(parts: readonly string[]): boolean {
    const base = this.base;
    if (parts.length < base.length) return false;
    for (let i = 0; i < base.length; i++) if (parts[i] !== base[i]) return false;
    return true;
  }
}

/** Node's defaults, restored when a newer mount does not set its own. */
const NODE_REQUEST_TIMEOUT_MS = 300_000;
const NODE_HEADERS_TIMEOUT_MS = 60_000;
const NODE_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often Node checks request and header timeouts (its default, 30s, makes them that coarse). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

const REGISTRY_KEY = Symbol.for("octo.http.listeners");
/** On globalThis so that two copies of this module (plugins bundling the runtime) share one registry. */
const shared = globalThis as { [REGISTRY_KEY]?: Map<string, Listener> };
shared[REGISTRY_KEY] ??= new Map();
const registry: Map<string, Listener> = shared[REGISTRY_KEY];

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function listenFailure(e: unknown, where: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === "EADDRINUSE"
      ? "the address is already in use (another process, or a connector with different settings, holds it)"
      : code === "EACCES"
        ? "permission denied (ports below 1024 need privileges)"
        : code === "EADDRNOTAVAIL"
          ? "the host is not an address of this machine"
          : code === "ENOTFOUND" || code === "EAI_AGAIN"
            ? "the host name does not resolve"
            : errorText(e);
  return new Error(
    `cannot listen on ${where}: ${reason}${code && !reason.includes(code) ? ` (${code})` : ""}`,
  );
}

export class Listener {
  readonly host: string;
  /** The bound port (the asked one, or the one picked for port 0). */
  port: number;
  readonly server: Server;
  /** Newest first. */
  private mounts: Mount[] = [];
  private readonly inflight = new InFlight();
  private readonly requestDone = () => this.inflight.dec();
  closing = false;
  /** Settles when listen() has succeeded or failed. */
  private ready: Promise<void> = Promise.resolve();
  private closed: Promise<void> | undefined;

  private constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
    this.server = createServer({ connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS }, (req, res) =>
      this.dispatch(req, res, false),
    );
    // Answering `Expect: 100-continue` ourselves lets an oversized upload be refused before it is sent.
    this.server.on("checkContinue", (req, res) => this.dispatch(req, res, true));
  }

  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /**
   * The listener for host:port with `mount` added, listening before this resolves. Port 0 always
   * opens a new listener on a free port (registered under that port afterwards).
   */
  static async attach(host: string, port: number, mount: Mount): Promise<Listener> {
    const where = `${host}:${port}`;
    for (;;) {
      let listener = port === 0 ? undefined : registry.get(where);
      let opened = false;
      if (!listener) {
        listener = new Listener(host, port);
        // Registered before it listens, so a concurrent attach waits for this one instead of colliding.
        listener.ready = listener.listen();
        if (port !== 0) registry.set(where, listener);
        opened = true;
      }
      try {
        await listener.ready;
      } catch (e) {
        if (registry.get(where) === listener) registry.delete(where);
        throw listenFailure(e, where);
      }
      // Its last mount may have closed it while this waited: then open a fresh one.
      if (listener.closing) continue;
      registry.set(`${host}:${listener.port}`, listener);
      listener.add(mount);
      if (opened)
        mount.logger.log("info", `http: listening on ${listener.url}`, { host, port: listener.port });
      return listener;
    }
  }

  private listen(): Promise<void> {
    const server = this.server;
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        server.off("listening", onListening);
        reject(e);
      };
      const onListening = () => {
        server.off("error", onError);
        this.port = (server.address() as AddressInfo).port;
        // Errors after listening (rare: EMFILE on accept) are logged, never thrown.
        server.on("error", (e) =>
          this.mounts[0]?.logger.log("error", `http: listener ${this.url} failed: ${errorText(e)}`),
        );
        resolve();
      };
      server.once("error", onError);
      server.once("listening", onListening);
      server.listen(this.port, this.host);
    });
  }

  private add(mount: Mount): void {
    mount.listener = this;
    this.mounts.push(mount);
    this.mounts.sort((a, b) => b.seq - a.seq);
    this.tune();
  }

  /** Applies the newest mount's server-wide settings. */
  private tune(): void {
    const tuning = this.mounts[0]?.tuning;
    if (!tuning) return;
    const read = tuning.readTimeoutMs;
    this.server.requestTimeout = read ?? NODE_REQUEST_TIMEOUT_MS;
    this.server.headersTimeout = read ? Math.min(read, NODE_HEADERS_TIMEOUT_MS) : NODE_HEADERS_TIMEOUT_MS;
    this.server.keepAliveTimeout = tuning.idleTimeoutMs ?? NODE_KEEP_ALIVE_TIMEOUT_MS;
  }

  /**
   * Takes a mount out. The last one out closes the socket: no new connections, idle ones closed,
   * and this resolves once every request in flight has been answered.
   */
  async detach(mount: Mount): Promise<void> {
    const i = this.mounts.indexOf(mount);
    if (i >= 0) this.mounts.splice(i, 1);
    this.tune();
    if (this.mounts.length > 0) return;
    if (this.closed) return this.closed;
    this.closing = true;
    for (const [key, l] of registry) if (l === this) registry.delete(key);
    this.closed = (async () => {
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      await this.inflight.idle();
      // Whatever is left holds no request of ours (a half-sent one, an idle keep-alive).
      this.server.closeAllConnections();
      await stopped;
    })();
    return this.closed;
  }

  /** Finds the newest mount with a route for the request; never throws. */
  private dispatch(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    this.inflight.inc();
    res.once("close", this.requestDone);
    try {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      let path = q < 0 ? url : url.slice(0, q);
      const query = q < 0 ? "" : url.slice(q + 1);
      // Absolute-form targets (proxies) carry scheme and host; "*" (OPTIONS *) has no path.
      if (path.charCodeAt(0) !== 47) path = URL.canParse(path) ? new URL(path).pathname : "";
      const method = req.method ?? "GET";
      const parts = path === "" ? undefined : splitRequestPath(path);
      if (!parts) {
        if (path === "") this.refuse(req, res, 404, `no route for ${method} ${url}`);
        else this.refuse(req, res, 400, `malformed request path ${JSON.stringify(path)}`);
        return;
      }
      let allow: string[] | undefined;
      let closedRoute: RouteHandler | undefined;
      for (const mount of this.mounts) {
        if (!mount.covers(parts)) continue;
        const m = mount.router.match(method, parts, mount.base.length);
        if (m.kind === "found") {
          if (m.value.closed) {
            closedRoute ??= m.value;
            continue;
          }
          // Every escape sits inside one segment and those decoded, so this cannot throw.
          const decoded = path.includes("%") ? decodeURIComponent(path) : path;
          m.value.serve(req, res, { path: decoded, query, params: m.params, expectContinue });
          return;
        }
        if (m.kind === "method") allow ??= m.allow;
      }
      if (closedRoute) {
        closedRoute.refuseClosed(req, res);
      } else if (this.closing) {
        this.refuse(req, res, 503, "the server is shutting down; retry later");
      } else if (allow) {
        this.refuse(
          req,
          res,
          405,
          `method ${method} is not allowed for ${path}; allowed: ${allow.join(", ")}`,
          {
            allow: allow.join(", "),
          },
        );
      } else {
        this.refuse(req, res, 404, `no route for ${method} ${path}`);
      }
    } catch (e) {
      this.mounts[0]?.logger.log("error", `http: ${this.url}: request dispatch failed: ${errorText(e)}`);
      this.refuse(req, res, 500, "internal error while routing the request");
    }
  }

  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    // An unread body would have to be drained before the connection could carry another request.
    if (this.closing || !hasNoBody(req) || !(this.mounts[0]?.keepAlive ?? true)) headers.connection = "close";
    sendError(res, status, message, headers);
  }
}
