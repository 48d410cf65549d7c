import { describe, expect, it } from "vitest";
import { clusterObjects } from "./cluster-objects.ts";
import type { DeploymentSpec } from "./contract.ts";

const spec: DeploymentSpec = {
  id: "d1",
  integrationId: "i1",
  definition: "flows: []\n",
  replicas: 2,
  env: {
    GREETING: "hello",
    API_PASSWORD: "pa55-literal",
    OCTO_ORCHESTRATOR_URL: "http://orchestrator.octo:8090",
    OCTO_DEPLOYMENT_ID: "d1",
    OCTO_DEPLOYMENT_TOKEN: "octd_t0k3n",
  },
  secretRefs: { DB_PASSWORD: "SHARED_DB_PASSWORD" },
  secretNames: ["API_PASSWORD", "OCTO_DEPLOYMENT_TOKEN"],
  httpPort: 8080,
  slug: "shop",
  externalHost: "shop.apps.example.com",
};

describe("clusterObjects", () => {
  const objects = clusterObjects(spec, {
    namespace: "octo",
    image: "octo-runtime:1",
    serviceAccountName: "octo-runtime",
    tls: { mode: "issuer", clusterIssuer: "letsencrypt" },
  });
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployment = byKind("Deployment")[0] as unknown as {
    spec: {
      template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] } };
    };
  };
  const env = deployment.spec.template.spec.containers[0]?.env ?? [];
  const envOf = (name: string) => env.find((e) => e.name === name);

  it("makes the deployment's Secret first, then every rendered object", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "Secret/octo-dep-d1-token",
      "NetworkPolicy/octo-dep-d1",
      "ConfigMap/octo-dep-d1",
      "Service/octo-dep-d1",
      "Service/octo-int-shop",
      "Deployment/octo-dep-d1",
      "Ingress/octo-dep-d1",
    ]);
  });

  it("keeps every secret value out of the Deployment: references into the Secrets instead", () => {
    expect(envOf("GREETING")).toEqual({ name: "GREETING", value: "hello" });
    expect(envOf("DB_PASSWORD")).toMatchObject({
      name: "DB_PASSWORD",
      valueFrom: { secretKeyRef: { name: "octo-secrets", key: "SHARED_DB_PASSWORD" } },
    });
    expect(envOf("API_PASSWORD")).toEqual({
      name: "API_PASSWORD",
      valueFrom: { secretKeyRef: { name: "octo-dep-d1-token", key: "env-API_PASSWORD" } },
    });
    const text = JSON.stringify(deployment);
    for (const secret of ["pa55-literal", "octd_t0k3n"]) expect(text).not.toContain(secret);
    const own = byKind("Secret")[0] as unknown as { data: Record<string, string> };
    expect(Buffer.from(own.data["env-API_PASSWORD"] as string, "base64").toString()).toBe("pa55-literal");
    expect(Buffer.from(own.data.token as string, "base64").toString()).toBe("octd_t0k3n");
  });

  it("gives pods the KV API and cluster services", () => {
    expect(envOf("OCTO_ORCHESTRATOR_URL")?.value).toBe("http://orchestrator.octo:8090");
    expect(envOf("RUNTIME_SERVICES_MODULE")?.value).toBe("cluster");
    expect(envOf("OCTO_DEPLOYMENT_TOKEN")?.valueFrom).toMatchObject({
      secretKeyRef: { name: "octo-dep-d1-token", key: "token" },
    });
  });
});
