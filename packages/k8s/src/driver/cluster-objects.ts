import type { KubernetesObject } from "@kubernetes/client-node";
import { type RenderOptions, renderDeployment, type TlsMode, toManifests } from "../render/deployment.ts";
import { deploymentLabels } from "../render/labels.ts";
import { tokenSecretName } from "../render/names.ts";
import type { DeploymentSpec } from "./contract.ts";

/** What every deployment on this cluster shares (the orchestrator's configuration). */
export interface ClusterSettings {
  namespace: string;
  /** The runtime image (RUNTIME_IMAGE). */
  image: string;
  /** The runtime pods' ServiceAccount (needed for Leases). */
  serviceAccountName?: string | undefined;
  /** TLS of exposed deployments: a wildcard certificate's Secret, or a cert-manager issuer. */
  tls?: TlsMode | undefined;
  render?: RenderOptions | undefined;
}

/** Env the orchestrator adds for the KV API; on a cluster they travel in the pod's Secret. */
const ORCHESTRATOR_ENV = ["OCTO_ORCHESTRATOR_URL", "OCTO_DEPLOYMENT_ID", "OCTO_DEPLOYMENT_TOKEN"];

/**
 * A deployment's objects in apply order: its own Secret (the pod token and the values of
 * `secret: true` literals, so no secret value sits in the Deployment object), then what the
 * renderer makes. Cluster-secret bindings become references into `octo-secrets`.
 */
export function clusterObjects(spec: DeploymentSpec, settings: ClusterSettings): KubernetesObject[] {
  const secretLiterals = spec.secretNames.filter(
    (n) => !ORCHESTRATOR_ENV.includes(n) && spec.env[n] !== undefined,
  );
  const token = spec.env.OCTO_DEPLOYMENT_TOKEN;
  const url = spec.env.OCTO_ORCHESTRATOR_URL;
  const ownSecret = tokenSecretName(spec.id);
  const env = [
    ...Object.entries(spec.env)
      .filter(([name]) => !ORCHESTRATOR_ENV.includes(name) && !secretLiterals.includes(name))
      .map(([name, value]) => ({ name, value })),
    ...Object.entries(spec.secretRefs).map(([name, secretKey]) => ({ name, secretKey })),
    // Stand-ins, pointed at the deployment's own Secret below.
    ...secretLiterals.map((name) => ({ name, value: "" })),
  ];
  const rendered = toManifests(
    renderDeployment(
      {
        namespace: settings.namespace,
        deploymentId: spec.id,
        integrationId: spec.integrationId,
        definition: spec.definition,
        image: settings.image,
        replicas: spec.replicas,
        env,
        httpPort: spec.httpPort,
        slug: spec.slug,
        expose:
          spec.externalHost && settings.tls ? { host: spec.externalHost, tls: settings.tls } : undefined,
        serviceAccountName: settings.serviceAccountName,
        orchestrator:
          token && url && settings.serviceAccountName ? { url, tokenSecretName: ownSecret } : undefined,
      },
      settings.render,
    ),
  );
  for (const obj of rendered) {
    if (obj.kind !== "Deployment") continue;
    const containers = (obj as { spec: { template: { spec: { containers: { env?: EnvVar[] }[] } } } }).spec
      .template.spec.containers;
    for (const c of containers)
      for (const e of c.env ?? [])
        if (secretLiterals.includes(e.name)) {
          delete e.value;
          e.valueFrom = { secretKeyRef: { name: ownSecret, key: envKey(e.name) } };
        }
  }
  const data: Record<string, string> = {};
  if (token) data.token = Buffer.from(token).toString("base64");
  for (const name of secretLiterals)
    data[envKey(name)] = Buffer.from(spec.env[name] as string).toString("base64");
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: ownSecret,
      namespace: settings.namespace,
      labels: deploymentLabels({ deploymentId: spec.id, integrationId: spec.integrationId }),
    },
    type: "Opaque",
    data,
  };
  return [secret, ...rendered];
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** The key of a secret literal in the deployment's Secret. */
const envKey = (name: string) => `env-${name}`;
