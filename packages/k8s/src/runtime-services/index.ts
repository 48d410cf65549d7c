import { CoordinationV1Api, KubeConfig } from "@kubernetes/client-node";
import type { RuntimeServices } from "@octo/runtime/services";
import { leaseElection } from "./lease-election.ts";
import { orchestratorKv } from "./orchestrator-kv.ts";

export { leaseElection, leaseName } from "./lease-election.ts";
export { orchestratorKv } from "./orchestrator-kv.ts";

/** What a deployed pod is given (the Kubernetes driver sets every one). */
export const CLUSTER_ENV = [
  "POD_NAME",
  "POD_NAMESPACE",
  "OCTO_DEPLOYMENT_ID",
  "OCTO_ORCHESTRATOR_URL",
  "OCTO_DEPLOYMENT_TOKEN",
] as const;

/**
 * The runtime services of a deployed pod (`RUNTIME_SERVICES_MODULE=cluster`): key-value through
 * the orchestrator's KV API with the deployment's token, leader election on Leases in the pod's
 * namespace. `kubeConfig` defaults to the in-cluster service account.
 */
export function clusterServices(
  env: Record<string, string | undefined>,
  kubeConfig?: KubeConfig,
): RuntimeServices {
  const missing = CLUSTER_ENV.filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(
      `RUNTIME_SERVICES_MODULE=cluster needs ${missing.join(", ")} (the Kubernetes driver sets them)`,
    );
  const get = (name: (typeof CLUSTER_ENV)[number]) => env[name] as string;
  let kc = kubeConfig;
  if (!kc) {
    kc = new KubeConfig();
    kc.loadFromCluster();
  }
  const kv = { url: get("OCTO_ORCHESTRATOR_URL"), token: get("OCTO_DEPLOYMENT_TOKEN") };
  const leader = leaseElection({
    api: kc.makeApiClient(CoordinationV1Api),
    namespace: get("POD_NAMESPACE"),
    deploymentId: get("OCTO_DEPLOYMENT_ID"),
    identity: get("POD_NAME"),
  });
  return {
    kind: "cluster",
    kv: orchestratorKv(kv),
    secrets: orchestratorKv({ ...kv, namespace: (ns) => `${ns}_secrets` }),
    leader,
    close: () => leader.close(),
  };
}
