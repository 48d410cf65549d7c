import {
  AppsV1Api,
  CoreV1Api,
  makeInformer,
  type V1ConfigMap,
  type V1Deployment,
  type V1DeploymentCondition,
  Watch,
} from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeApiServer, startFakeApiServer } from "./index.ts";

let fake: FakeApiServer;
afterEach(async () => {
  await fake.close();
});

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  object: { code?: number; metadata?: { name?: string; resourceVersion?: string } };
}

/** Start a client-node Watch and collect its events. */
async function collect(path: string, query: Record<string, string>) {
  const seen: Seen[] = [];
  let ended: unknown = "open";
  const req = await new Watch(fake.kubeConfig()).watch(
    path,
    query,
    (type, object: Seen["object"]) =>
      seen.push({ type, name: object.metadata?.name, rv: object.metadata?.resourceVersion, object }),
    (err) => {
      ended = err;
    },
  );
  return { seen, req, ended: () => ended };
}

describe("watch", () => {
  it("delivers ADDED/MODIFIED/DELETED after a resourceVersion, then live changes", async () => {
    fake = await startFakeApiServer({ controller: false });
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "before" } } });
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const from = list.metadata?.resourceVersion ?? "";

    // Changes between the list and the watch must be replayed from history.
    await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "a" }, data: { x: "1" } },
    });
    const w = await collect("/api/v1/namespaces/default/configmaps", { resourceVersion: from });
    await core.replaceNamespacedConfigMap({
      name: "a",
      namespace: "default",
      body: { metadata: { name: "a" }, data: { x: "2" } },
    });
    await core.deleteNamespacedConfigMap({ name: "a", namespace: "default" });
    await core.createNamespacedConfigMap({ namespace: "elsewhere", body: { metadata: { name: "ignored" } } });
    await fake.waitFor(() => w.seen.length >= 3);
    expect(fake.store.listenerCount).toBe(2); // the controller's and this watch's
    w.req.abort();
    // An aborted client watch must unsubscribe on the server side.
    await fake.waitFor(() => fake.store.listenerCount === 1);

    expect(w.seen.map((e) => [e.type, e.name])).toEqual([
      ["ADDED", "a"],
      ["MODIFIED", "a"],
      ["DELETED", "a"],
    ]);
    const rvs = w.seen.map((e) => Number(e.rv));
    expect(rvs[0]).toBeGreaterThan(Number(from));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    const watchReq = fake.requests.find((r) => r.query.watch === "true");
    expect(watchReq?.query.resourceVersion).toBe(from);
  });

  it("filters by labelSelector (leaving the selection is a DELETED)", async () => {
    fake = await startFakeApiServer({ controller: false });
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    const w = await collect("/api/v1/namespaces/default/configmaps", {
      resourceVersion: String(fake.store.resourceVersion),
      labelSelector: "app=web",
      allowWatchBookmarks: "true",
    });
    const cm = (name: string, app: string): V1ConfigMap => ({ metadata: { name, labels: { app } } });
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("w", "web") });
    await core.createNamespacedConfigMap({ namespace: "default", body: cm("d", "db") });
    await core.replaceNamespacedConfigMap({ name: "w", namespace: "default", body: cm("w", "db") });
    await fake.waitFor(() => w.seen.length >= 3);
    w.req.abort();
    expect(w.seen.map((e) => [e.type, e.name])).toEqual([
      ["BOOKMARK", undefined],
      ["ADDED", "w"],
      ["DELETED", "w"],
    ]);
  });

  it("answers a too-old resourceVersion with a 410 Gone ERROR event", async () => {
    fake = await startFakeApiServer({ controller: false, historyLimit: 2 });
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    const start = String(fake.store.resourceVersion);
    for (const name of ["a", "b", "c", "d"]) {
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name } } });
    }
    const w = await collect("/api/v1/namespaces/default/configmaps", { resourceVersion: start });
    await fake.waitFor(() => w.ended() !== "open");
    expect(w.seen).toHaveLength(1);
    expect(w.seen[0]?.type).toBe("ERROR");
    expect(w.seen[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
  });
});

describe("informer", () => {
  it("lists then watches and sees a Deployment go Available as the controller rolls pods", async () => {
    fake = await startFakeApiServer({ controller: { tickMs: 20 } });
    const kc = fake.kubeConfig();
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "seed", labels: { app: "seed" } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "seed" } },
          template: {
            metadata: { labels: { app: "seed" } },
            spec: { containers: [{ name: "c", image: "seed:1" }] },
          },
        },
      },
    });
    const informer = makeInformer(kc, "/apis/apps/v1/namespaces/default/deployments", () =>
      apps.listNamespacedDeployment({ namespace: "default" }),
    );
    const updates: V1Deployment[] = [];
    informer.on("add", (d) => updates.push(d));
    informer.on("update", (d) => updates.push(d));
    const deleted: string[] = [];
    informer.on("delete", (d) => deleted.push(d.metadata?.name ?? ""));
    await informer.start();

    await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "web", labels: { app: "web" } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "web:1" }] },
          },
        },
      },
    });
    const available = (d: V1Deployment | undefined) =>
      d?.status?.conditions?.some(
        (c: V1DeploymentCondition) => c.type === "Available" && c.status === "True",
      );
    const web = await fake.waitFor(() => {
      const d = informer.get("web", "default");
      return available(d) && d;
    });
    expect(web.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(updates.some((d) => d.metadata?.name === "seed")).toBe(true);
    await apps.deleteNamespacedDeployment({ name: "web", namespace: "default" });
    await fake.waitFor(() => deleted.includes("web"));
    await informer.stop();

    // The informer's first request was a LIST, then a WATCH from the list's resourceVersion.
    const deploymentReqs = fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/deployments"));
    expect(deploymentReqs[0]?.query.watch).toBeUndefined();
    expect(deploymentReqs[1]?.query).toMatchObject({ watch: "true" });
    expect(Number(deploymentReqs[1]?.query.resourceVersion)).toBeGreaterThan(0);
  });
});
