// Watch streams: chunked newline-delimited JSON events, replayed from the store's bounded
// history after the requested resourceVersion, then live. A resourceVersion older than the
// history gets a single 410 Gone ERROR event (informers react by re-listing).

import type { ServerResponse } from "node:http";
import { apiVersionOf, type ResourceType } from "./resources.ts";
import { parseSelector } from "./selectors.ts";
import { statusFailure } from "./status.ts";
import type { EventType, KubeObject, Store, StoreEvent } from "./store.ts";

export interface WatchTarget {
  rt: ResourceType;
  /** undefined: all namespaces. */
  namespace: string | undefined;
  name: string | undefined;
}

export function serveWatch(
  store: Store,
  target: WatchTarget,
  query: URLSearchParams,
  res: ServerResponse,
  streams: Set<ServerResponse>,
): void {
  const selector = parseSelector(query.get("labelSelector"));
  const fieldName = /metadata\.name=([^,]+)/.exec(query.get("fieldSelector") ?? "")?.[1] ?? target.name;
  const inScope = (o: KubeObject): boolean =>
    (target.namespace === undefined || !target.rt.namespaced || o.metadata.namespace === target.namespace) &&
    (fieldName === undefined || o.metadata.name === fieldName);

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache" });
  res.flushHeaders();
  streams.add(res);
  const send = (type: EventType | "ERROR" | "BOOKMARK", object: object): void => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };

  // Translate a store event into what this (possibly label-filtered) watcher should see.
  const deliver = (e: StoreEvent): void => {
    if (e.rt !== target.rt || !inScope(e.object)) return;
    const now = selector(e.object.metadata.labels);
    if (e.type !== "MODIFIED") {
      if (now) send(e.type, e.object);
      return;
    }
    const before = e.previous ? selector(e.previous.metadata.labels) : false;
    if (now) send(before ? "MODIFIED" : "ADDED", e.object);
    else if (before) send("DELETED", e.object);
  };

  const rvParam = query.get("resourceVersion");
  if (!rvParam || rvParam === "0") {
    // No starting point: synthesize ADDED for the current state, like the real server.
    for (const o of store.list(target.rt, target.namespace)) {
      if (inScope(o) && selector(o.metadata.labels)) send("ADDED", o);
    }
  } else {
    const events = store.eventsSince(Number(rvParam));
    if (events === "gone") {
      send(
        "ERROR",
        statusFailure(410, "Expired", `too old resource version: ${rvParam} (${store.resourceVersion})`),
      );
      streams.delete(res);
      res.end();
      return;
    }
    for (const e of events) deliver(e);
  }
  const bookmark = (): void =>
    send("BOOKMARK", {
      kind: target.rt.kind,
      apiVersion: apiVersionOf(target.rt),
      metadata: {
        resourceVersion: String(store.resourceVersion),
        annotations: { "k8s.io/initial-events-end": "true" },
      },
    });
  if (query.get("allowWatchBookmarks") === "true") bookmark();

  const unsubscribe = store.subscribe(deliver);
  const timeoutSeconds = Number(query.get("timeoutSeconds") ?? 0);
  const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
  const cleanup = (): void => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    streams.delete(res);
  };
  // The response's "close" fires when the client disconnects (an aborted watch) or we end it.
  res.on("close", cleanup);
  res.on("finish", cleanup);
}
