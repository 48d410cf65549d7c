// startFakeApiServer: a real HTTP server on 127.0.0.1 speaking enough of the Kubernetes API for
// @kubernetes/client-node (typed APIs, KubernetesObjectApi, Watch, informers) to work against it.

import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { type ControllerOptions, type FailureMode, FakeController } from "./controller.ts";
import { resolveType } from "./resources.ts";
import { handle, type RecordedRequest } from "./router.ts";
import { type KubeObject, Store } from "./store.ts";

export interface FakeApiServerOptions {
  /** Run the simulated deployment controller (default true); an object also tunes it. */
  controller?: boolean | ControllerOptions;
  /** How many change events watches can resume from (default 1000). Older → 410 Gone. */
  historyLimit?: number;
}

export interface FakeApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. Clear with `requests.length = 0`. */
  readonly requests: RecordedRequest[];
  readonly controller: FakeController;
  readonly store: Store;
  /** A KubeConfig pointing at this server (token user, context namespace `namespace`). */
  kubeConfig(namespace?: string): KubeConfig;
  /** `type`: "Deployment", "apps/v1/Deployment", "deployments", "/apis/apps/v1/deployments", … */
  get(type: string, namespace: string, name: string): KubeObject | undefined;
  list(type: string, namespace?: string, labelSelector?: string): KubeObject[];
  /** Every stored object of every type ("nothing left behind" checks). */
  objects(): KubeObject[];
  /** Seed or overwrite an object directly (no HTTP, normal resourceVersion/watch behaviour). */
  put(obj: KubeObject): KubeObject;
  /** Make the pods of a deployment (by name) fail; `undefined` heals it. */
  fail(deploymentName: string, mode: FailureMode | undefined): void;
  /** Make pods of every deployment using `image` fail; `undefined` heals it. */
  failImage(image: string, mode: FailureMode | undefined): void;
  /** Poll the store until `predicate` returns a truthy value (default timeout 5 s). */
  waitFor<T>(predicate: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = new Store(options.historyLimit ?? 1000);
  const ctlOpts = typeof options.controller === "object" ? options.controller : {};
  const controller = new FakeController(store, options.controller !== false, ctlOpts);
  const requests: RecordedRequest[] = [];
  const streams = new Set<ServerResponse>();
  const ctx = { store, requests, streams, onDeleted: (obj: KubeObject) => controller.cascade(obj) };

  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    controller,
    store,
    kubeConfig(namespace = "default") {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "fake", server: url, skipTLSVerify: true }],
        users: [{ name: "fake", token: "fake-token" }],
        contexts: [{ name: "fake", cluster: "fake", user: "fake", namespace }],
        currentContext: "fake",
      });
      return kc;
    },
    get: (type, namespace, name) => store.get(resolveType(type), namespace, name),
    list: (type, namespace, labelSelector) => store.list(resolveType(type), namespace, labelSelector),
    objects: () => store.all(),
    put: (obj) => store.upsert(resolveType(`${obj.apiVersion}/${obj.kind}`), obj),
    fail: (name, mode) => controller.fail(name, mode),
    failImage: (image, mode) => controller.failImage(image, mode),
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = predicate();
        if (v) return v;
        if (Date.now() > deadline)
          throw new Error(`fake api server: waitFor timed out after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      controller.stop();
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
