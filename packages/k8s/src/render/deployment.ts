/**
 * The Kubernetes objects of one deployment, as a pure function of its input (no I/O, no clock,
 * no randomness): the driver server-side applies the list in order, and re-applying an unchanged
 * render changes nothing.
 */
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { Deployment } from "kubernetes-models/apps/v1";
import {
  type IIngressTLS,
  type INetworkPolicyIngressRule,
  type INetworkPolicyPort,
  Ingress,
  NetworkPolicy,
} from "kubernetes-models/networking.k8s.io/v1";
import {
  ConfigMap,
  type IContainer,
  type IContainerPort,
  type IEnvVar,
  type IProbe,
  type IServiceSpec,
  Service,
} from "kubernetes-models/v1";
import { APP_NAME, deploymentLabels, NAME_LABEL, selectorLabels } from "./labels.ts";
import {
  CLUSTER_SECRET,
  CONFIG_DIR,
  CONFIG_KEY,
  deploymentName,
  internalServiceName,
  TOKEN_KEY,
  tlsSecretName,
} from "./names.ts";

/** The runtime's /healthz, /readyz and /metrics port (env OCTO_MANAGEMENT_PORT). */
export const MANAGEMENT_PORT = 9464;
export const CONFIG_HASH_ANNOTATION = "octo.dev/config-hash";
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** One env var of the runtime: a literal, or a key of the `octo-secrets` Secret. */
export type EnvBinding = { name: string; value: string } | { name: string; secretKey: string };

export type TlsMode = { mode: "wildcard"; secretName: string } | { mode: "issuer"; clusterIssuer: string };

export interface ResourceSpec {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface RenderInput {
  namespace: string;
  deploymentId: string;
  integrationId: string;
  /** The integration's YAML (the version's frozen definition). */
  definition: string;
  image: string;
  replicas: number;
  /** User bindings; the platform-managed names (`RESERVED_ENV`) are refused. */
  env: EnvBinding[];
  /** The declared HTTP port; undefined = not a network service (no Services, no Ingress). */
  httpPort?: number | undefined;
  /** Networked: the stable Service `octo-int-<slug>` (none without a slug). */
  slug?: string | undefined;
  /** Reachable from outside at https://<host>; needs `httpPort`. */
  expose?: { host: string; tls: TlsMode } | undefined;
  /** The pods' ServiceAccount; without one the pods get no API token. */
  serviceAccountName?: string | undefined;
  /** Merged key by key over `DEFAULT_RESOURCES`. */
  resources?: ResourceSpec | undefined;
  /** Runtime services through the orchestrator (KV, leader election); needs `serviceAccountName`. */
  orchestrator?: { url: string; tokenSecretName: string } | undefined;
}

/** Cluster-wide settings, the same for every deployment. */
export interface RenderOptions {
  /** Namespace of the ingress controller, admitted to exposed pods' HTTP port (`ingress-nginx`). */
  ingressNamespace?: string;
  /** The Ingress class; unset = the cluster's default class. */
  ingressClassName?: string;
  /** Namespace of the metrics scraper, admitted to the management port; unset = nobody. */
  monitoringNamespace?: string;
}

// No CPU limit on purpose: CFS throttling hurts latency more than a noisy neighbour does.
export const DEFAULT_RESOURCES = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { memory: "256Mi" },
} as const satisfies ResourceSpec;

/** Env the platform sets itself; a user binding of any of them is refused. */
export const RESERVED_ENV = [
  "HTTP_PORT",
  "HTTP_HOST",
  "OCTO_MANAGEMENT_PORT",
  "RUNTIME_SERVICES_MODULE",
  "OCTO_ORCHESTRATOR_URL",
  "OCTO_DEPLOYMENT_ID",
  "OCTO_DEPLOYMENT_TOKEN",
  "POD_NAME",
  "POD_NAMESPACE",
] as const;

export type RenderedKind = "ConfigMap" | "Service" | "Deployment" | "Ingress" | "NetworkPolicy";
export type RenderedModel = ConfigMap | Service | Deployment | Ingress | NetworkPolicy;

export interface RenderedObject {
  apiVersion: string;
  kind: RenderedKind;
  name: string;
  object: RenderedModel;
}

/** In apply order. */
export type RenderedObjects = RenderedObject[];

/**
 * Every kind the driver makes for a deployment, as [apiVersion, kind] — for removal by
 * `ownedBy(id)` (the token Secret from ./secrets.ts included).
 */
export const OWNED_KINDS = [
  ["networking.k8s.io/v1", "Ingress"],
  ["apps/v1", "Deployment"],
  ["v1", "Service"],
  ["v1", "ConfigMap"],
  ["v1", "Secret"],
  ["networking.k8s.io/v1", "NetworkPolicy"],
] as const satisfies readonly (readonly [string, string])[];

// ConfigMaps are capped at 1 MiB in etcd; refuse early with a readable message.
const MAX_DEFINITION_BYTES = 1024 * 1024 - 1024;

/**
 * sha256 (16 hex chars) of the definition and the env spec (names, literal values, secret keys),
 * stamped on the pod template so a changed YAML (which lives in the ConfigMap, outside the pod
 * spec) rolls the pods. Order-independent in `env`.
 */
export function configHash(definition: string, env: readonly EnvBinding[]): string {
  const spec = [...env]
    .sort((a, b) => compare(a.name, b.name))
    .map((e) => ("secretKey" in e ? [e.name, "secret", e.secretKey] : [e.name, "value", e.value]));
  return createHash("sha256")
    .update(JSON.stringify({ definition, env: spec }))
    .digest("hex")
    .slice(0, 16);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function checkInput(input: RenderInput): void {
  if (!Number.isInteger(input.replicas) || input.replicas < 0)
    throw new Error(`replicas must be a non-negative integer, got ${input.replicas}`);
  if (input.image.trim() === "") throw new Error("image is required");
  if (Buffer.byteLength(input.definition) > MAX_DEFINITION_BYTES)
    throw new Error("the integration definition exceeds the ConfigMap size limit (1 MiB)");
  const port = input.httpPort;
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid HTTP port ${port}`);
    if (port === MANAGEMENT_PORT) throw new Error(`HTTP port ${port} collides with the management port`);
  }
  if (input.expose && port === undefined)
    throw new Error("only a network service (one declaring HTTP_PORT) can be exposed");
  // cluster services need in-cluster credentials for Leases: without them the pods crash-loop.
  if (input.orchestrator && !input.serviceAccountName)
    throw new Error("orchestrator runtime services need serviceAccountName (leader election uses Leases)");
  const seen = new Set<string>();
  for (const e of input.env) {
    if ((RESERVED_ENV as readonly string[]).includes(e.name))
      throw new Error(`${e.name} is managed by the platform and cannot be bound`);
    if (seen.has(e.name)) throw new Error(`env ${e.name} is bound twice`);
    if (e.name === "" || e.name.includes("=")) throw new Error(`invalid env name "${e.name}"`);
    seen.add(e.name);
  }
}

function containerEnv(input: RenderInput): IEnvVar[] {
  const env: IEnvVar[] = [];
  if (input.httpPort !== undefined)
    env.push({ name: "HTTP_PORT", value: String(input.httpPort) }, { name: "HTTP_HOST", value: "0.0.0.0" });
  env.push({ name: "OCTO_MANAGEMENT_PORT", value: String(MANAGEMENT_PORT) });
  if (input.orchestrator) {
    const field = (fieldPath: string) => ({ fieldRef: { fieldPath } });
    env.push(
      { name: "RUNTIME_SERVICES_MODULE", value: "cluster" },
      { name: "OCTO_ORCHESTRATOR_URL", value: input.orchestrator.url },
      { name: "OCTO_DEPLOYMENT_ID", value: input.deploymentId },
      {
        name: "OCTO_DEPLOYMENT_TOKEN",
        valueFrom: { secretKeyRef: { name: input.orchestrator.tokenSecretName, key: TOKEN_KEY } },
      },
      { name: "POD_NAME", valueFrom: field("metadata.name") },
      { name: "POD_NAMESPACE", valueFrom: field("metadata.namespace") },
    );
  }
  // Sorted so a reordered binding list renders (and applies) identically.
  for (const e of [...input.env].sort((a, b) => compare(a.name, b.name)))
    env.push(
      "secretKey" in e
        ? // optional: false — a missing key fails the pod (CreateContainerConfigError) visibly.
          {
            name: e.name,
            valueFrom: { secretKeyRef: { name: CLUSTER_SECRET, key: e.secretKey, optional: false } },
          }
        : { name: e.name, value: e.value },
    );
  return env;
}

function runtimeContainer(input: RenderInput): IContainer {
  const probe = (path: string, periodSeconds: number, failureThreshold: number): IProbe => ({
    httpGet: { path, port: "management" },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const resources = input.resources ?? {};
  return {
    name: "runtime",
    image: input.image,
    imagePullPolicy: "IfNotPresent",
    command: ["octo"],
    args: ["run", "--config", CONFIG_DIR],
    env: containerEnv(input),
    ports: [
      ...(input.httpPort !== undefined
        ? [{ name: "http", containerPort: input.httpPort, protocol: "TCP" } satisfies IContainerPort]
        : []),
      { name: "management", containerPort: MANAGEMENT_PORT, protocol: "TCP" },
    ],
    // The startup probe gives a slow start 60 s before liveness may restart the pod.
    startupProbe: probe("/healthz", 2, 30),
    livenessProbe: probe("/healthz", 10, 3),
    readinessProbe: probe("/readyz", 5, 2),
    resources: {
      requests: { ...DEFAULT_RESOURCES.requests, ...resources.requests },
      limits: { ...DEFAULT_RESOURCES.limits, ...resources.limits },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [
      { name: "integration", mountPath: CONFIG_DIR, readOnly: true },
      // The root filesystem is read-only; the runtime and its libraries may still need /tmp.
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

function ingressFor(
  input: RenderInput,
  options: RenderOptions,
  labels: Record<string, string>,
): Ingress | undefined {
  const { expose } = input;
  if (!expose || input.httpPort === undefined) return undefined;
  const name = deploymentName(input.deploymentId);
  const tls: IIngressTLS =
    expose.tls.mode === "wildcard"
      ? { hosts: [expose.host], secretName: expose.tls.secretName }
      : { hosts: [expose.host], secretName: tlsSecretName(input.deploymentId) };
  return new Ingress({
    metadata: {
      name,
      namespace: input.namespace,
      labels,
      // Only the issuer mode asks cert-manager for a per-host certificate; the wildcard
      // certificate already exists (DNS-01, shared by every subdomain).
      ...(expose.tls.mode === "issuer"
        ? { annotations: { [CLUSTER_ISSUER_ANNOTATION]: expose.tls.clusterIssuer } }
        : {}),
    },
    spec: {
      ...(options.ingressClassName ? { ingressClassName: options.ingressClassName } : {}),
      rules: [
        {
          host: expose.host,
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name, port: { name: "http" } } } },
            ],
          },
        },
      ],
      tls: [tls],
    },
  });
}

/**
 * Who may reach the pods (egress stays open: integrations call outside APIs):
 * - the HTTP port from integration pods of the namespace (flow-to-flow calls via octo-int-<slug>);
 * - the HTTP port from the ingress controller's namespace, only when exposed;
 * - the management port from `monitoringNamespace`, when set.
 * Anything else is denied, so a private (not exposed) deployment is unreachable from outside the
 * namespace. Kubelet probes are node traffic, which NetworkPolicy implementations admit.
 */
function networkPolicyFor(
  input: RenderInput,
  options: RenderOptions,
  labels: Record<string, string>,
): NetworkPolicy {
  const tcp = (port: number): INetworkPolicyPort[] => [{ protocol: "TCP", port }];
  const fromNamespace = (namespace: string) => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  });
  const ingress: INetworkPolicyIngressRule[] = [];
  if (input.httpPort !== undefined) {
    ingress.push({
      from: [{ podSelector: { matchLabels: { [NAME_LABEL]: APP_NAME } } }],
      ports: tcp(input.httpPort),
    });
    if (input.expose)
      ingress.push({
        from: [fromNamespace(options.ingressNamespace ?? "ingress-nginx")],
        ports: tcp(input.httpPort),
      });
  }
  if (options.monitoringNamespace)
    ingress.push({ from: [fromNamespace(options.monitoringNamespace)], ports: tcp(MANAGEMENT_PORT) });
  return new NetworkPolicy({
    metadata: { name: deploymentName(input.deploymentId), namespace: input.namespace, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels(input.deploymentId) },
      policyTypes: ["Ingress"],
      ingress,
    },
  });
}

/** The objects of one deployment, in apply order (see `RenderedObjects`). Throws on bad input. */
export function renderDeployment(input: RenderInput, options: RenderOptions = {}): RenderedObjects {
  checkInput(input);
  const { namespace, deploymentId } = input;
  const name = deploymentName(deploymentId);
  const labels = deploymentLabels(input);
  const selector = selectorLabels(deploymentId);
  const meta = (objectName: string) => ({ name: objectName, namespace, labels });

  const configMap = new ConfigMap({ metadata: meta(name), data: { [CONFIG_KEY]: input.definition } });

  const services: Service[] = [];
  if (input.httpPort !== undefined) {
    const spec: IServiceSpec = {
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", protocol: "TCP", port: input.httpPort, targetPort: "http" }],
    };
    services.push(new Service({ metadata: meta(name), spec }));
    if (input.slug !== undefined)
      services.push(new Service({ metadata: meta(internalServiceName(input.slug)), spec }));
  }

  const deployment = new Deployment({
    metadata: meta(name),
    spec: {
      replicas: input.replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: { [CONFIG_HASH_ANNOTATION]: configHash(input.definition, input.env) },
        },
        spec: {
          ...(input.serviceAccountName ? { serviceAccountName: input.serviceAccountName } : {}),
          // An API token only for pods that need one (leader election through their account).
          automountServiceAccountToken:
            input.serviceAccountName !== undefined && input.serviceAccountName !== "",
          // Service links would inject <SERVICE>_PORT vars for every Service in the namespace,
          // e.g. a Service "octo-management" shadowing OCTO_MANAGEMENT_PORT.
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [runtimeContainer(input)],
          volumes: [
            { name: "integration", configMap: { name } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  });

  const ingress = ingressFor(input, options, labels);
  const networkPolicy = networkPolicyFor(input, options, labels);

  // The NetworkPolicy goes first so no pod ever runs unprotected (even if a later apply fails);
  // the Ingress goes last so outside traffic is routed only once its backend exists.
  const ordered: RenderedModel[] = [
    networkPolicy,
    configMap,
    ...services,
    deployment,
    ...(ingress ? [ingress] : []),
  ];
  return ordered.map((object) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata?.name ?? "",
    object,
  }));
}

/** Plain JSON manifests (what the API server receives) of rendered objects. */
export function toManifests(objects: RenderedObjects): KubernetesObject[] {
  return objects.map((o) => JSON.parse(JSON.stringify(o.object)) as KubernetesObject);
}
