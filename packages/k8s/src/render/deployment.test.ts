import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IIngress, INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IConfigMap, IContainer, IService } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import {
  configHash,
  type EnvBinding,
  MANAGEMENT_PORT,
  type RenderedObjects,
  type RenderInput,
  renderDeployment,
  toManifests,
} from "./deployment.ts";
import { ownedBy, selectorLabels } from "./labels.ts";

const ID = "0b9f3c1e-5a7d-4c2b-9e8f-1a2b3c4d5e6f";
const YAML = "flows:\n  - name: orders\n    process: []\n";
const SECRET_VALUE = "sk_live_do_not_leak";

const base = (patch: Partial<RenderInput> = {}): RenderInput => ({
  namespace: "octo",
  deploymentId: ID,
  integrationId: "int-1",
  definition: YAML,
  image: "ghcr.io/octo/octo:1.2.3",
  replicas: 2,
  env: [
    { name: "REGION", value: "eu" },
    { name: "STRIPE_KEY", secretKey: "STRIPE_KEY" },
  ],
  ...patch,
});

const networked = (patch: Partial<RenderInput> = {}) =>
  base({
    httpPort: 8080,
    slug: "orders",
    expose: { host: "orders.apps.example.com", tls: { mode: "wildcard", secretName: "wildcard-tls" } },
    ...patch,
  });

const find = <T>(objects: RenderedObjects, kind: string, name = `octo-dep-${ID}`): T => {
  const o = objects.find((x) => x.kind === kind && x.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o.object.toJSON() as T;
};
const deploymentOf = (objects: RenderedObjects) => find<IDeployment>(objects, "Deployment");
const containerOf = (objects: RenderedObjects) =>
  deploymentOf(objects).spec?.template.spec?.containers[0] as IContainer;
const hashOf = (input: RenderInput) =>
  deploymentOf(renderDeployment(input)).spec?.template.metadata?.annotations?.["octo.dev/config-hash"];

describe("renderDeployment", () => {
  it("renders all six objects of a networked, exposed deployment, each valid, in apply order", () => {
    const objects = renderDeployment(networked());
    for (const o of objects) o.object.validate();
    expect(objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      `NetworkPolicy/octo-dep-${ID}`,
      `ConfigMap/octo-dep-${ID}`,
      `Service/octo-dep-${ID}`,
      "Service/octo-int-orders",
      `Deployment/octo-dep-${ID}`,
      `Ingress/octo-dep-${ID}`,
    ]);
    for (const o of objects) expect(o.apiVersion).toBe(o.object.apiVersion);
  });

  it("renders only ConfigMap, Deployment and NetworkPolicy for a sourceless integration", () => {
    const objects = renderDeployment(base());
    for (const o of objects) o.object.validate();
    expect(objects.map((o) => o.kind)).toEqual(["NetworkPolicy", "ConfigMap", "Deployment"]);
  });

  it("labels every object and selects pods by the selector labels", () => {
    const objects = renderDeployment(networked());
    const selector = selectorLabels(ID);
    const wanted = ownedBy(ID)
      .split(",")
      .map((kv) => kv.split("="));
    for (const o of objects) {
      const labels = o.object.metadata?.labels ?? {};
      for (const [k, v] of wanted) expect(labels[k as string]).toBe(v);
      expect(labels["app.kubernetes.io/name"]).toBe("octo-integration");
      expect(labels["octo.dev/integration-id"]).toBe("int-1");
      expect(o.object.metadata?.namespace).toBe("octo");
    }
    const d = deploymentOf(objects);
    expect(d.spec?.selector.matchLabels).toEqual(selector);
    expect(d.spec?.template.metadata?.labels).toMatchObject(selector);
    expect(find<IService>(objects, "Service").spec?.selector).toEqual(selector);
    expect(find<IService>(objects, "Service", "octo-int-orders").spec?.selector).toEqual(selector);
    expect(find<INetworkPolicy>(objects, "NetworkPolicy").spec?.podSelector?.matchLabels).toEqual(selector);
  });

  it("puts the definition in the ConfigMap, mounted read-only at the config dir", () => {
    const objects = renderDeployment(base());
    expect(find<IConfigMap>(objects, "ConfigMap").data).toEqual({ "integration.yaml": YAML });
    const d = deploymentOf(objects);
    expect(d.spec?.replicas).toBe(2);
    expect(d.spec?.template.spec?.volumes).toContainEqual({
      name: "integration",
      configMap: { name: `octo-dep-${ID}` },
    });
    const c = containerOf(objects);
    expect(c.image).toBe("ghcr.io/octo/octo:1.2.3");
    expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual([
      "octo",
      "run",
      "--config",
      "/etc/octo/integrations",
    ]);
    expect(c.volumeMounts).toContainEqual({
      name: "integration",
      mountPath: "/etc/octo/integrations",
      readOnly: true,
    });
  });

  it("binds secrets by secretKeyRef into octo-secrets and literals by value, sorted", () => {
    const c = containerOf(renderDeployment(base()));
    expect(c.env).toEqual([
      { name: "OCTO_MANAGEMENT_PORT", value: String(MANAGEMENT_PORT) },
      { name: "REGION", value: "eu" },
      {
        name: "STRIPE_KEY",
        valueFrom: { secretKeyRef: { name: "octo-secrets", key: "STRIPE_KEY", optional: false } },
      },
    ]);
  });

  it("never puts a secret value in any object", () => {
    const input = networked({
      orchestrator: { url: "http://orch:3001", tokenSecretName: `octo-dep-${ID}-token` },
    });
    const text = JSON.stringify(
      toManifests(renderDeployment({ ...input, serviceAccountName: "octo-runtime" })),
    );
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).toContain('"key":"STRIPE_KEY"');
  });

  it("sets HTTP_PORT/HTTP_HOST and an http container port only when networked", () => {
    const c = containerOf(renderDeployment(networked()));
    expect(c.env?.slice(0, 3)).toEqual([
      { name: "HTTP_PORT", value: "8080" },
      { name: "HTTP_HOST", value: "0.0.0.0" },
      { name: "OCTO_MANAGEMENT_PORT", value: "9464" },
    ]);
    expect(c.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ["http", 8080],
      ["management", 9464],
    ]);
    const plain = containerOf(renderDeployment(base()));
    expect(plain.ports?.map((p) => p.name)).toEqual(["management"]);
    expect(plain.env?.some((e) => e.name.startsWith("HTTP_"))).toBe(false);
  });

  it("fronts the http port with both Services", () => {
    const objects = renderDeployment(networked({ httpPort: 3000 }));
    for (const name of [`octo-dep-${ID}`, "octo-int-orders"]) {
      const s = find<IService>(objects, "Service", name);
      expect(s.spec?.type).toBe("ClusterIP");
      expect(s.spec?.ports).toEqual([{ name: "http", protocol: "TCP", port: 3000, targetPort: "http" }]);
    }
    expect(renderDeployment(networked({ slug: undefined })).map((o) => o.name)).not.toContain(
      "octo-int-orders",
    );
  });

  it("probes the management port and runs non-root with a read-only root", () => {
    const objects = renderDeployment(base());
    const c = containerOf(objects);
    expect(c.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "management" });
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "management" });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } });
    const pod = deploymentOf(objects).spec?.template.spec;
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.serviceAccountName).toBeUndefined();
  });

  it("merges resources over the defaults and mounts a token only with a service account", () => {
    const objects = renderDeployment(
      base({ resources: { limits: { memory: "1Gi", cpu: "2" } }, serviceAccountName: "octo-runtime" }),
    );
    expect(containerOf(objects).resources).toEqual({
      requests: { cpu: "50m", memory: "128Mi" },
      limits: { memory: "1Gi", cpu: "2" },
    });
    const pod = deploymentOf(objects).spec?.template.spec;
    expect(pod?.serviceAccountName).toBe("octo-runtime");
    expect(pod?.automountServiceAccountToken).toBe(true);
  });

  it("gives pods the orchestrator's runtime-services env with the token from its own Secret", () => {
    const c = containerOf(
      renderDeployment(
        base({
          serviceAccountName: "octo-runtime",
          orchestrator: { url: "http://orch.octo:3001", tokenSecretName: "tok" },
        }),
      ),
    );
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      RUNTIME_SERVICES_MODULE: "cluster",
      OCTO_ORCHESTRATOR_URL: "http://orch.octo:3001",
      OCTO_DEPLOYMENT_ID: ID,
      OCTO_DEPLOYMENT_TOKEN: { secretKeyRef: { name: "tok", key: "token" } },
      POD_NAME: { fieldRef: { fieldPath: "metadata.name" } },
      POD_NAMESPACE: { fieldRef: { fieldPath: "metadata.namespace" } },
    });
    expect(() =>
      renderDeployment(base({ orchestrator: { url: "http://o", tokenSecretName: "tok" } })),
    ).toThrow(/serviceAccountName/);
  });

  describe("config hash", () => {
    const h = hashOf(base());
    it("is 16 hex chars on the pod template from the first apply", () => {
      expect(h).toMatch(/^[0-9a-f]{16}$/);
      expect(h).toBe(configHash(YAML, base().env));
    });
    it("changes with the YAML or any binding", () => {
      expect(hashOf(base({ definition: `${YAML}# edit\n` }))).not.toBe(h);
      expect(hashOf(base({ env: [{ name: "REGION", value: "us" }, base().env[1] as EnvBinding] }))).not.toBe(
        h,
      );
      expect(
        hashOf(base({ env: [base().env[0] as EnvBinding, { name: "STRIPE_KEY", secretKey: "OTHER" }] })),
      ).not.toBe(h);
      expect(
        hashOf(base({ env: [{ name: "REGION", secretKey: "eu" }, base().env[1] as EnvBinding] })),
      ).not.toBe(h);
      expect(hashOf(base({ env: [] }))).not.toBe(h);
    });
    it("does not change otherwise", () => {
      expect(hashOf(base())).toBe(h);
      expect(hashOf(base({ env: [...base().env].reverse() }))).toBe(h);
      expect(hashOf(base({ replicas: 5, image: "octo:2", serviceAccountName: "sa", resources: {} }))).toBe(h);
    });
  });

  describe("ingress", () => {
    it("uses the shared wildcard certificate without an issuer annotation", () => {
      const ing = find<IIngress>(renderDeployment(networked()), "Ingress");
      expect(ing.metadata?.annotations).toBeUndefined();
      expect(ing.spec?.tls).toEqual([{ hosts: ["orders.apps.example.com"], secretName: "wildcard-tls" }]);
      expect(ing.spec?.rules).toEqual([
        {
          host: "orders.apps.example.com",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: `octo-dep-${ID}`, port: { name: "http" } } },
              },
            ],
          },
        },
      ]);
    });

    it("asks the cluster issuer for a per-host certificate", () => {
      const ing = find<IIngress>(
        renderDeployment(
          networked({
            expose: { host: "a.example.com", tls: { mode: "issuer", clusterIssuer: "letsencrypt" } },
          }),
          { ingressClassName: "traefik" },
        ),
        "Ingress",
      );
      expect(ing.metadata?.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
      expect(ing.spec?.tls).toEqual([{ hosts: ["a.example.com"], secretName: `octo-tls-${ID}` }]);
      expect(ing.spec?.ingressClassName).toBe("traefik");
    });

    it("is absent when not exposed", () => {
      expect(renderDeployment(networked({ expose: undefined })).map((o) => o.kind)).not.toContain("Ingress");
    });
  });

  describe("network policy", () => {
    const fromNs = (ns: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
    });
    const flows = { podSelector: { matchLabels: { "app.kubernetes.io/name": "octo-integration" } } };
    const tcp = (port: number) => [{ protocol: "TCP", port }];

    it("admits flows, the ingress controller and monitoring to an exposed deployment", () => {
      const np = find<INetworkPolicy>(
        renderDeployment(networked(), { ingressNamespace: "traefik", monitoringNamespace: "monitoring" }),
        "NetworkPolicy",
      );
      expect(np.spec?.policyTypes).toEqual(["Ingress"]);
      expect(np.spec?.ingress).toEqual([
        { from: [flows], ports: tcp(8080) },
        { from: [fromNs("traefik")], ports: tcp(8080) },
        { from: [fromNs("monitoring")], ports: tcp(MANAGEMENT_PORT) },
      ]);
    });

    it("defaults the ingress namespace and keeps a private service to the namespace's flows", () => {
      const exposed = find<INetworkPolicy>(renderDeployment(networked()), "NetworkPolicy");
      expect(exposed.spec?.ingress?.[1]).toEqual({ from: [fromNs("ingress-nginx")], ports: tcp(8080) });
      const internal = find<INetworkPolicy>(
        renderDeployment(networked({ expose: undefined })),
        "NetworkPolicy",
      );
      expect(internal.spec?.ingress).toEqual([{ from: [flows], ports: tcp(8080) }]);
    });

    it("denies all ingress to a non-networked deployment", () => {
      const np = find<INetworkPolicy>(renderDeployment(base()), "NetworkPolicy");
      expect(np.spec?.ingress).toEqual([]);
    });
  });

  it("is deterministic", () => {
    expect(toManifests(renderDeployment(networked()))).toEqual(toManifests(renderDeployment(networked())));
  });

  it("refuses bad input", () => {
    expect(() => renderDeployment(base({ env: [{ name: "HTTP_PORT", value: "1" }] }))).toThrow(
      /managed by the platform/,
    );
    expect(() =>
      renderDeployment(
        base({
          env: [
            { name: "A", value: "1" },
            { name: "A", secretKey: "A" },
          ],
        }),
      ),
    ).toThrow(/twice/);
    expect(() => renderDeployment(base({ expose: networked().expose }))).toThrow(/network service/);
    expect(() => renderDeployment(base({ httpPort: MANAGEMENT_PORT }))).toThrow(/management port/);
    expect(() => renderDeployment(base({ replicas: -1 }))).toThrow(/replicas/);
    expect(() => renderDeployment(base({ deploymentId: "Not_A_Name" }))).toThrow();
    expect(() => renderDeployment(base({ definition: "x".repeat(1024 * 1024) }))).toThrow(/1 MiB/);
  });
});
