import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  type KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  type V1Deployment,
} from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeApiServer, startFakeApiServer } from "./index.ts";

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer({ controller: false });
});
afterEach(async () => {
  await fake.close();
});

/** Resolve to the rejected ApiException's code and parsed Status body. */
async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: number; body: unknown };
    return {
      code: e.code,
      body: typeof e.body === "string" ? JSON.parse(e.body) : (e.body as Record<string, unknown>),
    };
  }
  throw new Error("expected the request to fail");
}

const deployment = (name: string, image = "nginx:1"): V1Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
  },
});

describe("typed clients: CRUD", () => {
  it("creates, reads, lists by label and deletes configmaps", async () => {
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: "apps",
      body: { metadata: { name: "a", labels: { tier: "web", env: "prod" } }, data: { k: "v" } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toBeDefined();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    await core.createNamespacedConfigMap({
      namespace: "apps",
      body: { metadata: { name: "b", labels: { tier: "db", env: "prod" } } },
    });
    await core.createNamespacedConfigMap({
      namespace: "other",
      body: { metadata: { name: "c", labels: { tier: "web" } } },
    });

    const read = await core.readNamespacedConfigMap({ name: "a", namespace: "apps" });
    expect(read.data).toEqual({ k: "v" });

    const web = await core.listNamespacedConfigMap({ namespace: "apps", labelSelector: "tier=web,env=prod" });
    expect(web.items.map((i) => i.metadata?.name)).toEqual(["a"]);
    expect(web.kind).toBe("ConfigMapList");
    expect(Number(web.metadata?.resourceVersion)).toBeGreaterThan(0);
    const both = await core.listNamespacedConfigMap({
      namespace: "apps",
      labelSelector: "tier in (web, db)",
    });
    expect(both.items.map((i) => i.metadata?.name)).toEqual(["a", "b"]);
    const notWeb = await core.listNamespacedConfigMap({ namespace: "apps", labelSelector: "tier!=web" });
    expect(notWeb.items.map((i) => i.metadata?.name)).toEqual(["b"]);
    const everywhere = await core.listConfigMapForAllNamespaces({ labelSelector: "tier=web" });
    expect(everywhere.items.map((i) => i.metadata?.name)).toEqual(["a", "c"]);

    const dup = await failure(
      core.createNamespacedConfigMap({ namespace: "apps", body: { metadata: { name: "a" } } }),
    );
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ kind: "Status", status: "Failure", reason: "AlreadyExists", code: 409 });

    await core.deleteNamespacedConfigMap({ name: "a", namespace: "apps" });
    const gone = await failure(core.readNamespacedConfigMap({ name: "a", namespace: "apps" }));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "NotFound",
      code: 404,
      message: 'configmaps "a" not found',
    });
    expect((await failure(core.deleteNamespacedConfigMap({ name: "a", namespace: "apps" }))).code).toBe(404);
  });

  it("stores secret stringData as base64 data", async () => {
    const core = fake.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace: "default",
      body: {
        metadata: { name: "s" },
        data: { a: Buffer.from("x").toString("base64") },
        stringData: { b: "hello" },
      },
    });
    const s = await core.readNamespacedSecret({ name: "s", namespace: "default" });
    expect(s.data).toEqual({ a: "eA==", b: Buffer.from("hello").toString("base64") });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe("Opaque");
  });

  it("serves networking resources, services and records requests", async () => {
    const kc = fake.kubeConfig();
    const net = kc.makeApiClient(NetworkingV1Api);
    await net.createNamespacedIngress({
      namespace: "default",
      body: { metadata: { name: "web" }, spec: { rules: [{ host: "example.test" }] } },
    });
    await net.createNamespacedNetworkPolicy({
      namespace: "default",
      body: { metadata: { name: "deny" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    });
    expect((await net.listNamespacedIngress({ namespace: "default" })).items).toHaveLength(1);
    expect(
      (await net.readNamespacedNetworkPolicy({ name: "deny", namespace: "default" })).spec?.policyTypes,
    ).toEqual(["Ingress"]);
    const svc = await kc.makeApiClient(CoreV1Api).createNamespacedService({
      namespace: "default",
      body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);

    const post = fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/ingresses"));
    expect(post).toMatchObject({
      path: "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
      contentType: "application/json",
      body: { metadata: { name: "web" } },
    });
  });

  it("lease replace with a stale resourceVersion is a 409 Conflict", async () => {
    const leases = fake.kubeConfig().makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: "octo",
      body: { metadata: { name: "leader" }, spec: { holderIdentity: "a", leaseDurationSeconds: 15 } },
    });
    const renewed = await leases.replaceNamespacedLease({
      name: "leader",
      namespace: "octo",
      body: { ...lease, spec: { ...lease.spec, holderIdentity: "a", renewTime: new Date() } },
    });
    expect(renewed.metadata?.resourceVersion).not.toBe(lease.metadata?.resourceVersion);
    // A second contender still holding the first read loses.
    const stale = await failure(
      leases.replaceNamespacedLease({
        name: "leader",
        namespace: "octo",
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "b" } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ kind: "Status", reason: "Conflict", code: 409 });
    expect(
      (await leases.readNamespacedLease({ name: "leader", namespace: "octo" })).spec?.holderIdentity,
    ).toBe("a");
  });

  it("patches with JSON patch (typed default) and merge patch", async () => {
    const kc = fake.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "p" }, data: { a: "1" } },
    });
    await core.patchNamespacedConfigMap({
      name: "p",
      namespace: "default",
      body: [{ op: "add", path: "/data/b", value: "2" }],
    });
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.patch(
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "p", namespace: "default" },
        data: { a: null, c: "3" },
      } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(fake.get("ConfigMap", "default", "p")?.data).toEqual({ b: "2", c: "3" });
    expect(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.contentType)).toEqual([
      "application/json-patch+json",
      "application/merge-patch+json",
    ]);
  });
});

describe("server-side apply through KubernetesObjectApi", () => {
  it("creates when absent; an identical apply changes nothing; a changed spec bumps generation", async () => {
    const objects = KubernetesObjectApi.makeApiClient(fake.kubeConfig());
    const apply = (d: V1Deployment) =>
      objects.patch(structuredClone(d), undefined, undefined, "octo", true, PatchStrategy.ServerSideApply);
    const first = await apply(deployment("web"));
    expect(first.metadata?.generation).toBe(1);
    expect(first.metadata?.managedFields?.[0]).toMatchObject({ manager: "octo", operation: "Apply" });
    const second = await apply(deployment("web"));
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(second.metadata?.generation).toBe(1);

    const patchReq = fake.requests.findLast((r) => r.method === "PATCH");
    expect(patchReq).toMatchObject({
      path: "/apis/apps/v1/namespaces/default/deployments/web",
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: "octo", force: "true" },
    });

    const third = await apply(deployment("web", "nginx:2"));
    expect(third.metadata?.generation).toBe(2);
    expect(Number(third.metadata?.resourceVersion)).toBeGreaterThan(Number(first.metadata?.resourceVersion));

    // Fields the manager stops applying are removed; a label owned by nobody else goes away.
    const relabeled = deployment("web", "nginx:2");
    relabeled.metadata = { name: "web", namespace: "default", labels: { other: "x" } };
    const fourth = await apply(relabeled);
    expect(fourth.metadata?.labels).toEqual({ other: "x" });
    expect(fourth.metadata?.generation).toBe(2);
  });

  it("deleting a deployment also deletes its pods", async () => {
    await fake.close();
    fake = await startFakeApiServer({ controller: { tickMs: 5 } });
    const apps = fake.kubeConfig().makeApiClient(AppsV1Api);
    const body = deployment("gone");
    if (body.spec) body.spec.replicas = 2;
    await apps.createNamespacedDeployment({ namespace: "default", body });
    await fake.waitFor(() => fake.list("pods", "default").length === 2);
    await apps.deleteNamespacedDeployment({ name: "gone", namespace: "default" });
    expect(fake.list("pods", "default")).toEqual([]);
    expect(fake.objects()).toEqual([]);
  });
});
