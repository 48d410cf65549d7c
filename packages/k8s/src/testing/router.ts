// HTTP request → store operation. Every request is recorded before it is handled.

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import { parsePath } from "./paths.ts";
import { apiVersionOf, coreVersions, groupList, resourceList } from "./resources.ts";
import { notFound, StatusError, statusSuccess, toStatus } from "./status.ts";
import type { KubeObject, Store } from "./store.ts";
import { serveWatch } from "./watch.ts";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** Parsed JSON/YAML body, the raw text if it did not parse, undefined when empty. */
  body: unknown;
}

export interface RouterContext {
  store: Store;
  requests: RecordedRequest[];
  streams: Set<ServerResponse>;
  /** Cascade hook: deleting a Deployment also deletes its pods. */
  onDeleted(obj: KubeObject): void;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  try {
    // apply-patch+yaml bodies are YAML (client-node sends JSON, which is YAML too).
    return contentType?.includes("yaml") ? parseYaml(text) : JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export async function handle(ctx: RouterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake");
  const method = req.method ?? "GET";
  const contentType = req.headers["content-type"]?.split(";")[0]?.trim();
  const text = await readBody(req);
  const body = parseBody(text, contentType);
  ctx.requests.push({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType,
    body,
  });
  let reply: Reply | undefined;
  try {
    reply = route(ctx, method, url, contentType, body, text, res);
  } catch (err) {
    reply = toStatus(err);
  }
  if (reply) sendJson(res, reply.code, reply.body);
}

/** A JSON reply; undefined means the route wrote the response itself (watch streams, health). */
type Reply = { code: number; body: unknown };
const ok = (body: unknown, code = 200): Reply => ({ code, body });

function route(
  ctx: RouterContext,
  method: string,
  url: URL,
  contentType: string | undefined,
  body: unknown,
  text: string,
  res: ServerResponse,
): Reply | undefined {
  const { store } = ctx;
  const q = url.searchParams;
  if (
    method === "GET" &&
    (url.pathname === "/healthz" || url.pathname === "/readyz" || url.pathname === "/livez")
  ) {
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    return undefined;
  }
  if (method === "GET" && url.pathname === "/version") {
    return ok({ major: "1", minor: "31", gitVersion: "v1.31.0-octo-fake", platform: "linux/amd64" });
  }
  const r = parsePath(url.pathname);
  if (r.type === "versions" && method === "GET") return ok(coreVersions());
  if (r.type === "groups" && method === "GET") return ok(groupList());
  if (r.type === "discovery" && method === "GET") {
    const list = resourceList(r.group, r.version);
    if (list) return ok(list);
  }
  if (r.type !== "resource") {
    throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  const { rt, name, subresource } = r;
  if (subresource !== undefined && !(subresource === "status" && rt.hasStatus)) {
    throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  if (body === text && text !== "")
    throw new StatusError(400, "BadRequest", "could not parse the request body");
  // Writes to a collection URL without a namespace go to "default" only for cluster-scoped types.
  const ns = r.namespace ?? "";
  const fieldManager = q.get("fieldManager") ?? undefined;

  if (name === undefined) {
    if (method === "GET" && q.get("watch") === "true") {
      serveWatch(store, { rt, namespace: r.namespace, name: undefined }, q, res, ctx.streams);
      return undefined;
    }
    if (method === "GET") {
      const items = store.list(rt, r.namespace, q.get("labelSelector") ?? undefined);
      const fieldName = /metadata\.name=([^,]+)/.exec(q.get("fieldSelector") ?? "")?.[1];
      return ok({
        kind: `${rt.kind}List`,
        apiVersion: apiVersionOf(rt),
        metadata: { resourceVersion: String(store.resourceVersion) },
        items: fieldName ? items.filter((o) => o.metadata.name === fieldName) : items,
      });
    }
    if (method === "POST") {
      if (rt.namespaced && r.namespace === undefined) {
        throw new StatusError(405, "MethodNotAllowed", "create requires a namespace in the URL");
      }
      return ok(store.create(rt, ns, body, { fieldManager }), 201);
    }
    throw new StatusError(405, "MethodNotAllowed", `${method} is not supported on a collection`);
  }

  switch (method) {
    case "GET": {
      if (q.get("watch") === "true") {
        serveWatch(store, { rt, namespace: r.namespace, name }, q, res, ctx.streams);
        return undefined;
      }
      const obj = store.get(rt, ns, name);
      if (!obj) throw notFound(rt.resource, rt.group, name);
      return ok(obj);
    }
    case "PUT":
      return ok(store.replace(rt, ns, name, body, subresource));
    case "PATCH": {
      const existed = store.get(rt, ns, name) !== undefined;
      const force = q.get("force") === "true";
      const obj = store.patch(rt, ns, name, contentType ?? "", body, { fieldManager, force }, subresource);
      return ok(obj, existed ? 200 : 201);
    }
    case "DELETE": {
      const obj = store.delete(rt, ns, name);
      ctx.onDeleted(obj);
      // Pods come back as the object (graceful deletion); other kinds as a Success Status.
      if (rt.kind === "Pod") return ok(obj);
      return ok(statusSuccess({ name, group: rt.group, kind: rt.resource, uid: obj.metadata.uid }));
    }
    default:
      throw new StatusError(405, "MethodNotAllowed", `${method} is not supported`);
  }
}
