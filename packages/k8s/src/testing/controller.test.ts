import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Pod } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FailureMode, type FakeApiServer, type KubeObject, startFakeApiServer } from "./index.ts";

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer({
    controller: { tickMs: 10, progressDeadlineMs: 100, crashIntervalMs: 30 },
  });
});
afterEach(async () => {
  await fake.close();
});

const deployment = (name: string, image: string, replicas = 2): V1Deployment => ({
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
  },
});

async function pods(name: string): Promise<V1Pod[]> {
  const core = fake.kubeConfig().makeApiClient(CoreV1Api);
  return (await core.listNamespacedPod({ namespace: "default", labelSelector: `app=${name}` })).items;
}

const condition = (d: KubeObject | undefined, type: string) =>
  (
    (d?.status as { conditions?: { type: string; status: string; reason: string }[] } | undefined)
      ?.conditions ?? []
  ).find((c) => c.type === type);

describe("simulated deployment controller", () => {
  it("creates ready pods, then rolls them on a template change and scales", async () => {
    const apps = fake.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("web", "web:1") });
    await fake.waitFor(() => fake.get("Deployment", "default", "web")?.status);
    const first = await pods("web");
    expect(first.map((p) => p.metadata?.name)).toEqual([
      expect.stringMatching(/^web-[0-9a-f]{10}-0$/),
      expect.stringMatching(/^web-[0-9a-f]{10}-1$/),
    ]);
    const [pod] = first;
    expect(pod?.status?.phase).toBe("Running");
    expect(pod?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(pod?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Deployment",
      name: "web",
      controller: true,
    });
    expect(pod?.metadata?.labels?.app).toBe("web");
    expect(pod?.metadata?.labels?.["pod-template-hash"]).toBeDefined();

    const current = await apps.readNamespacedDeployment({ name: "web", namespace: "default" });
    const template = current.spec?.template;
    if (!template?.spec) throw new Error("missing template");
    template.spec.containers = [{ name: "main", image: "web:2" }];
    const updated = await apps.replaceNamespacedDeployment({
      name: "web",
      namespace: "default",
      body: current,
    });
    expect(updated.metadata?.generation).toBe(2);
    const rolled = await fake.waitFor(() => {
      const d = fake.get("Deployment", "default", "web");
      return (d?.status as { observedGeneration?: number } | undefined)?.observedGeneration === 2 && d;
    });
    expect(rolled.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const second = await pods("web");
    expect(second).toHaveLength(2);
    const oldNames = new Set(first.map((p) => p.metadata?.name));
    expect(second.every((p) => !oldNames.has(p.metadata?.name))).toBe(true);
    expect(second[0]?.spec?.containers[0]?.image).toBe("web:2");

    // JSON patch is what the typed client sends by default.
    await apps.patchNamespacedDeployment({
      name: "web",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
    });
    await fake.waitFor(() => fake.list("pods", "default").length === 1);
    expect(condition(fake.get("Deployment", "default", "web"), "Available")?.status).toBe("True");
  });

  const modes: [FailureMode, (p: V1Pod) => void][] = [
    [
      "ImagePullBackOff",
      (p) => {
        expect(p.status?.phase).toBe("Pending");
        expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("ImagePullBackOff");
      },
    ],
    [
      "CrashLoopBackOff",
      (p) => {
        expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("CrashLoopBackOff");
        expect(p.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(1);
      },
    ],
    [
      "Unschedulable",
      (p) => {
        expect(p.status?.phase).toBe("Pending");
        expect(p.status?.conditions?.[0]).toMatchObject({
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
        });
      },
    ],
    [
      "ProbeFailure",
      (p) => {
        expect(p.status?.phase).toBe("Running");
        expect(p.status?.containerStatuses?.[0]?.ready).toBe(false);
        expect(p.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
      },
    ],
  ];

  for (const [mode, check] of modes) {
    it(`reports ${mode} in pod status, events and deployment conditions`, async () => {
      fake.fail("bad", mode);
      const apps = fake.kubeConfig().makeApiClient(AppsV1Api);
      await apps.createNamespacedDeployment({ namespace: "default", body: deployment("bad", "bad:1", 1) });
      const dep = await fake.waitFor(() => {
        const d = fake.get("Deployment", "default", "bad");
        const restarts = (fake.list("pods", "default")[0]?.status as V1Pod["status"])?.containerStatuses?.[0]
          ?.restartCount;
        const settled = mode !== "CrashLoopBackOff" || (restarts ?? 0) > 1;
        return condition(d, "Progressing")?.reason === "ProgressDeadlineExceeded" && settled && d;
      });
      expect(dep.status).toMatchObject({
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 0,
        availableReplicas: 0,
      });
      expect(condition(dep, "Available")).toMatchObject({
        status: "False",
        reason: "MinimumReplicasUnavailable",
      });
      expect(condition(dep, "Progressing")).toMatchObject({ status: "False" });
      const [pod] = await pods("bad");
      if (!pod) throw new Error("no pod");
      check(pod);

      const events = await fake
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .listNamespacedEvent({ namespace: "default" });
      const warning = events.items.find((e) => e.involvedObject.name === pod.metadata?.name);
      expect(warning?.type).toBe("Warning");
      if (mode === "ProbeFailure") {
        expect(`${warning?.reason}: ${warning?.message}`).toMatch(/^Unhealthy: Readiness probe failed/);
      }

      // Healing lets the same pods become ready.
      fake.fail("bad", undefined);
      await fake.waitFor(
        () => condition(fake.get("Deployment", "default", "bad"), "Available")?.status === "True",
      );
    });
  }

  it("fails by image and stays idle once converged", async () => {
    fake.failImage("broken:1", "ImagePullBackOff");
    const apps = fake.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("ok", "fine:1", 1) });
    await apps.createNamespacedDeployment({ namespace: "default", body: deployment("ko", "broken:1", 1) });
    await fake.waitFor(
      () => condition(fake.get("Deployment", "default", "ok"), "Available")?.status === "True",
    );
    await fake.waitFor(
      () => condition(fake.get("Deployment", "default", "ko"), "Available")?.status === "False",
    );
    // A converged healthy deployment causes no further writes.
    fake.fail("ko", undefined);
    fake.failImage("broken:1", undefined);
    await fake.waitFor(
      () => condition(fake.get("Deployment", "default", "ko"), "Available")?.status === "True",
    );
    await new Promise((r) => setTimeout(r, 50));
    const rv = fake.store.resourceVersion;
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.store.resourceVersion).toBe(rv);
  });
});
