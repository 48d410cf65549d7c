// The Kubernetes driver through the real client against the fake API server: apply (and
// re-apply without change), status from watches as the simulated controller rolls pods, scale,
// rollout, failure reasons, secrets written key by key and never read, removal of everything.
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeApiServer, startFakeApiServer } from "../testing/index.ts";
import type { DeploymentDriver, DeploymentSpec, DeploymentStatus } from "./contract.ts";
import { createKubernetesDriver, DEPLOYMENT_LABEL } from "./index.ts";

const NS = "octo";

/** A small renderer (ConfigMap + Deployment) standing in for packages/k8s/src/render here. */
function render(spec: DeploymentSpec): KubernetesObject[] {
  const name = `octo-dep-${spec.id}`;
  const labels = { "app.kubernetes.io/managed-by": "octo", [DEPLOYMENT_LABEL]: spec.id };
  const hash = createHash("sha256").update(spec.definition).digest("hex").slice(0, 16);
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: NS, labels },
      data: { "integration.yaml": spec.definition },
    } as KubernetesObject,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: NS, labels },
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: { [DEPLOYMENT_LABEL]: spec.id } },
        template: {
          metadata: { labels, annotations: { "octo.dev/config-hash": hash } },
          spec: { containers: [{ name: "runtime", image: "octo-runtime:test" }] },
        },
      },
    } as KubernetesObject,
  ];
}

const spec = (patch: Partial<DeploymentSpec> = {}): DeploymentSpec => ({
  id: "d1",
  integrationId: "i1",
  definition: "flows: [{ name: a, process: [] }]\n",
  replicas: 1,
  env: {},
  secretRefs: {},
  secretNames: [],
  httpPort: undefined,
  ...patch,
});

let fake: FakeApiServer;
let driver: DeploymentDriver;
beforeEach(async () => {
  fake = await startFakeApiServer({ controller: { tickMs: 20 } });
  driver = createKubernetesDriver({
    kubeConfig: fake.kubeConfig(NS),
    namespace: NS,
    render,
    kinds: [
      ["v1", "ConfigMap"],
      ["apps/v1", "Deployment"],
    ],
  });
});
afterEach(async () => {
  await driver.close();
  await fake.close();
});

function until(predicate: (s: DeploymentStatus) => boolean, ms = 5_000): Promise<DeploymentStatus> {
  return new Promise((resolve, reject) => {
    const now = driver.status("d1");
    if (now && predicate(now)) return resolve(now);
    const timer = setTimeout(
      () => reject(new Error(`no such status within ${ms} ms: ${JSON.stringify(driver.status("d1"))}`)),
      ms,
    );
    const stop = driver.watch((s) => {
      if (s.id === "d1" && predicate(s)) {
        clearTimeout(timer);
        stop();
        resolve(s);
      }
    });
  });
}

describe("kubernetes driver", () => {
  it("applies, becomes running from watches, and a second apply changes nothing", async () => {
    await driver.apply(spec());
    const running = await until((s) => s.phase === "running");
    expect(running).toMatchObject({ desiredReplicas: 1, readyReplicas: 1 });
    const versionBefore = fake.store.resourceVersion;
    await driver.apply(spec());
    expect(fake.store.resourceVersion).toBe(versionBefore);
    const applies = fake.requests.filter((r) => r.contentType === "application/apply-patch+yaml");
    expect(applies.length).toBeGreaterThan(0);
    expect(applies.every((r) => r.query.fieldManager === "octo" && r.query.force === "true")).toBe(true);
  });

  it("scales, and rolls the pods when the definition changes", async () => {
    await driver.apply(spec());
    await until((s) => s.phase === "running");
    await driver.scale("d1", 2);
    const two = await until((s) => s.readyReplicas === 2 && s.replicas.length === 2);
    const before = two.replicas.map((r) => r.name);
    await driver.apply(spec({ replicas: 2, definition: "flows: [{ name: b, process: [] }]\n" }));
    const rolled = await until(
      (s) =>
        s.phase === "running" && s.replicas.length === 2 && s.replicas.every((r) => !before.includes(r.name)),
    );
    expect(rolled.replicas).toHaveLength(2);
  });

  it.each([
    ["ImagePullBackOff", /^ImagePullBackOff/],
    ["CrashLoopBackOff", /^CrashLoopBackOff/],
    ["Unschedulable", /^Unschedulable/],
    ["ProbeFailure", /^Unhealthy: Readiness probe failed/],
  ] as const)("surfaces %s as the failure reason", async (mode, reason) => {
    fake.fail("octo-dep-d1", mode);
    await driver.apply(spec());
    const failed = await until((s) => s.phase === "failed");
    expect(failed.lastFailure).toMatch(reason);
  });

  it("removes every object it made, found by label", async () => {
    await driver.apply(spec());
    await until((s) => s.phase === "running");
    await driver.remove("d1");
    const left = fake.objects().filter((o) => o.metadata?.labels?.[DEPLOYMENT_LABEL] === "d1");
    expect(left).toEqual([]);
    expect(driver.status("d1")).toBeUndefined();
  });

  it("writes cluster secrets key by key into octo-secrets and never reads them", async () => {
    await driver.secrets.set("API_TOKEN", "t0k3n");
    await driver.secrets.set("DB_PASSWORD", "pa55");
    const secret = fake.get("Secret", NS, "octo-secrets") as unknown as { data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual(["API_TOKEN", "DB_PASSWORD"]);
    expect(Buffer.from(secret.data.API_TOKEN as string, "base64").toString()).toBe("t0k3n");
    await driver.secrets.delete("API_TOKEN");
    const after = fake.get("Secret", NS, "octo-secrets") as unknown as { data: object };
    expect(Object.keys(after.data)).toEqual(["DB_PASSWORD"]);
    const reads = fake.requests.filter((r) => r.method === "GET" && r.path.includes("/secrets"));
    expect(reads).toEqual([]);
  });
});

describe("the orchestrator's Role", () => {
  it("grants exactly the verbs the driver uses", async () => {
    const { ORCHESTRATOR_RULES } = await import("../render/rbac.ts");
    const { OWNED_KINDS } = await import("../render/deployment.ts");
    const { clusterObjects } = await import("./cluster-objects.ts");
    // The real renderer, with every kind it makes: a network service, exposed, with a pod token.
    await driver.close();
    const settings = { namespace: NS, image: "octo-runtime:test", serviceAccountName: "octo-runtime" };
    driver = createKubernetesDriver({
      kubeConfig: fake.kubeConfig(NS),
      namespace: NS,
      render: (s) => clusterObjects(s, { ...settings, tls: { mode: "wildcard", secretName: "wildcard" } }),
      kinds: OWNED_KINDS,
    });
    await driver.secrets.set("A", "1");
    await driver.apply(
      spec({
        httpPort: 8080,
        slug: "shop",
        externalHost: "shop.example.com",
        env: { OCTO_ORCHESTRATOR_URL: "http://o:8090", OCTO_DEPLOYMENT_TOKEN: "octd_x" },
        secretNames: ["OCTO_DEPLOYMENT_TOKEN"],
      }),
    );
    await until((s) => s.phase === "running");
    await driver.scale("d1", 2);
    await driver.secrets.delete("A");
    await driver.remove("d1");
    const used = new Set<string>();
    for (const r of fake.requests) {
      const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/namespaces\/[^/]+\/([^/]+)(\/[^/]+)?$/.exec(r.path);
      if (!m) continue; // discovery
      const verb =
        r.method === "GET"
          ? r.query.watch === "true"
            ? "watch"
            : m[3]
              ? "get"
              : "list"
          : ({ POST: "create", PATCH: "patch", PUT: "update", DELETE: "delete" } as Record<string, string>)[
              r.method
            ];
      used.add(`${m[1] ?? ""}/${m[2]}:${verb}`);
    }
    const granted = new Set(
      ORCHESTRATOR_RULES.flatMap((rule) =>
        (rule.resources ?? []).flatMap((res) =>
          rule.verbs.map((v) => `${rule.apiGroups?.[0] ?? ""}/${res}:${v}`),
        ),
      ),
    );
    // Server-side apply of an object that does not exist yet also needs create.
    for (const u of [...used]) if (u.endsWith(":patch")) used.add(u.replace(":patch", ":create"));
    // Everything used is granted; everything granted on what this scenario touched is used.
    expect([...used].filter((u) => !granted.has(u))).toEqual([]);
    const exercised = new Set([...used].map((u) => u.split(":")[0]));
    expect([...granted].filter((g) => exercised.has(g.split(":")[0]) && !used.has(g)).sort()).toEqual([]);
  });
});
