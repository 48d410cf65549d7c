// The orchestrator with OCTO_DRIVER=kubernetes against the fake API server, through the real
// client: deploy, live status, expose, scale, rollout, secrets, undeploy leaving nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeApiServer, startFakeApiServer } from "@octo/k8s/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createOctoClient } from "../src/client/index.ts";
import { readConfig } from "../src/config.ts";
import { type RunningOrchestrator, startOrchestrator } from "../src/orchestrator.ts";

const NS = "octo";
const dir = mkdtempSync(join(tmpdir(), "octo-k8s-"));
let fake: FakeApiServer;
let orch: RunningOrchestrator;
const kubeconfigBefore = process.env.KUBECONFIG;

beforeAll(async () => {
  fake = await startFakeApiServer({ controller: { tickMs: 20 } });
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, fake.kubeConfig(NS).exportConfig());
  process.env.KUBECONFIG = kubeconfig;
  orch = await startOrchestrator(
    readConfig({
      PORT: "0",
      OCTO_DATA_DIR: ":memory:",
      OCTO_DRIVER: "kubernetes",
      KUBE_NAMESPACE: NS,
      RUNTIME_IMAGE: "octo-runtime:test",
      RUNTIME_SERVICE_ACCOUNT: "octo-runtime",
      BASE_DOMAIN: "apps.example.com",
    }),
    { log: () => {} },
  );
}, 60_000);
afterAll(async () => {
  await orch?.close();
  await fake?.close();
  if (kubeconfigBefore === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = kubeconfigBefore;
  rmSync(dir, { recursive: true, force: true });
});

const greeter = (greeting: string) => `
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: GREETING, default: "${greeting}" }
  - { name: DB_PASSWORD, required: true, secret: true }
connectors: [{ name: api, type: http, settings: { port: "\${HTTP_PORT}" } }]
flows:
  - name: hello
    source: { connector: api, type: http, settings: { path: /hello } }
    process: [{ type: set-payload, settings: { value: 'env.GREETING' } }]
`;

it("deploys, exposes, scales, rolls out and undeploys on a cluster, secrets never read back", async () => {
  const api = createOctoClient({ url: orch.url });
  await api.secrets.set.mutate({ name: "SHOP_DB_PASSWORD", value: "pa55" });
  const integration = await api.integrations.create.mutate({ name: "Shop", definition: greeter("hi") });
  const v1 = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  const d = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: v1.id,
    expose: true,
    env: { DB_PASSWORD: { secret: "SHOP_DB_PASSWORD" } },
  });
  const until = (ok: (x: { status: string; readyReplicas: number; pods: { name: string }[] }) => boolean) =>
    new Promise<{ status: string; readyReplicas: number; pods: { name: string }[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("status never came")), 10_000);
      const sub = api.deployments.watch.subscribe(
        { integrationId: integration.id },
        {
          onData: ({ data }) => {
            const mine = data.find((x) => x.id === d.id);
            if (mine && ok(mine)) {
              clearTimeout(timer);
              sub.unsubscribe();
              resolve(mine);
            }
          },
          onError: reject,
        },
      );
    });
  await until((x) => x.status === "running");

  const mine = () => fake.objects().filter((o) => o.metadata?.labels?.["octo.dev/deployment-id"] === d.id);
  // What the driver made (the pods are the controller's).
  expect(
    mine()
      .filter((o) => o.kind !== "Pod")
      .map((o) => `${o.kind}/${o.metadata?.name}`)
      .sort(),
  ).toEqual(
    [
      `ConfigMap/octo-dep-${d.id}`,
      `Deployment/octo-dep-${d.id}`,
      `Ingress/octo-dep-${d.id}`,
      `NetworkPolicy/octo-dep-${d.id}`,
      `Secret/octo-dep-${d.id}-token`,
      `Service/octo-dep-${d.id}`,
      `Service/octo-int-shop`,
    ].sort(),
  );
  const ingress = fake.get("Ingress", NS, `octo-dep-${d.id}`) as unknown as {
    spec: { rules: { host: string }[] };
  };
  expect(ingress.spec.rules[0]?.host).toBe("shop.apps.example.com");

  await api.deployments.scale.mutate({ id: d.id, replicas: 2 });
  const two = await until((x) => x.status === "running" && x.readyReplicas === 2);

  await api.integrations.update.mutate({ id: integration.id, definition: greeter("hello") });
  const v2 = await api.versions.create.mutate({ integrationId: integration.id, tag: "v2" });
  await api.deployments.rollout.mutate({ id: d.id, versionId: v2.id });
  // A changed definition changes the config hash: every pod is replaced.
  const old = two.pods.map((p) => p.name);
  await until(
    (x) => x.status === "running" && x.pods.length === 2 && x.pods.every((p) => !old.includes(p.name)),
  );

  await api.deployments.delete.mutate({ id: d.id });
  expect(mine()).toEqual([]);
  // The cluster secret stays (other deployments may bind it), and nothing ever read it.
  expect(fake.get("Secret", NS, "octo-secrets")).toBeDefined();
  expect(fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/secrets/octo-secrets"))).toEqual(
    [],
  );
}, 60_000);
