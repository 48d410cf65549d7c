import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  type V1Deployment,
  type V1Pod,
} from "@kubernetes/client-node";
import type { DeploymentDriver, DeploymentSpec, DeploymentStatus } from "./contract.ts";
import { observe } from "./status.ts";

export { type ClusterSettings, clusterObjects } from "./cluster-objects.ts";

export interface KubernetesDriverOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Renders a deployment's objects (packages/k8s/src/render), in apply order. */
  render(spec: DeploymentSpec): KubernetesObject[];
  /** Every kind the renderer makes, for removal by label: [apiVersion, kind]. */
  kinds: readonly (readonly [string, string])[];
}

/** Objects the driver makes carry this label; removal finds them by it, so nothing is orphaned. */
export const DEPLOYMENT_LABEL = "octo.dev/deployment-id";
export const MANAGED_SELECTOR = "app.kubernetes.io/managed-by=octo";
export const FIELD_MANAGER = "octo";
export const CLUSTER_SECRET = "octo-secrets";

const code = (e: unknown) => (e instanceof ApiException ? e.code : undefined);

/**
 * Deployments on a cluster: every object is server-side applied (field manager `octo`, so an
 * unchanged apply changes nothing), removal deletes whatever carries the deployment's label, and
 * status comes from informers on the namespace's Deployments, Pods and Events.
 */
export function createKubernetesDriver(options: KubernetesDriverOptions): DeploymentDriver {
  const { kubeConfig: kc, namespace } = options;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const listeners = new Set<(s: DeploymentStatus) => void>();
  const created = new Map<string, string>();
  /** A merge patch of `octo-secrets`' data (null removes a key). */
  const secretPatch = (data: Record<string, string | null>) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: CLUSTER_SECRET, namespace },
    data,
  });

  const deploymentsInformer = makeInformer<V1Deployment>(
    kc,
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    () => apps.listNamespacedDeployment({ namespace, labelSelector: MANAGED_SELECTOR }),
    MANAGED_SELECTOR,
  );
  const podsInformer = makeInformer<V1Pod>(
    kc,
    `/api/v1/namespaces/${namespace}/pods`,
    () => core.listNamespacedPod({ namespace, labelSelector: MANAGED_SELECTOR }),
    MANAGED_SELECTOR,
  );
  const eventsInformer = makeInformer<CoreV1Event>(kc, `/api/v1/namespaces/${namespace}/events`, () =>
    core.listNamespacedEvent({ namespace }),
  );

  function statusOf(id: string): DeploymentStatus | undefined {
    const deployment = deploymentsInformer
      .list(namespace)
      .find((d) => d.metadata?.labels?.[DEPLOYMENT_LABEL] === id);
    if (!deployment) return undefined;
    const pods = podsInformer.list(namespace).filter((p) => p.metadata?.labels?.[DEPLOYMENT_LABEL] === id);
    const names = new Set(pods.map((p) => p.metadata?.name));
    const events = eventsInformer.list(namespace).filter((e) => names.has(e.involvedObject?.name));
    return { id, ...observe(deployment, pods, events) };
  }

  const notify = (obj: KubernetesObject) => {
    const id = obj.metadata?.labels?.[DEPLOYMENT_LABEL];
    if (!id) return;
    const status = statusOf(id);
    if (status) for (const l of listeners) l(status);
  };
  for (const verb of ["add", "update", "delete"] as const) {
    deploymentsInformer.on(verb, notify);
    podsInformer.on(verb, notify);
  }
  // A dropped watch restarts after a pause (the informer lists again from scratch).
  const restartOnError = (informer: { start(): Promise<void>; on(verb: "error", cb: () => void): void }) =>
    informer.on("error", () => setTimeout(() => informer.start().catch(() => {}), 1_000).unref());
  restartOnError(deploymentsInformer);
  restartOnError(podsInformer);
  restartOnError(eventsInformer);
  const started = Promise.all([deploymentsInformer.start(), podsInformer.start(), eventsInformer.start()]);

  async function apply(obj: KubernetesObject) {
    await objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  async function removeAll(id: string) {
    const selector = `${DEPLOYMENT_LABEL}=${id}`;
    for (const [apiVersion, kind] of options.kinds) {
      const list = await objects.list(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        selector,
      );
      for (const item of list.items) {
        await objects
          .delete({ apiVersion, kind, metadata: { name: item.metadata?.name ?? "", namespace } })
          .catch((e) => {
            if (code(e) !== 404) throw e;
          });
      }
    }
  }

  return {
    name: "kubernetes",
    secrets: {
      // One Secret holds every cluster secret, key by key (merge patches touch only that key);
      // values are written, never read back.
      async set(name, value) {
        const data = { [name]: Buffer.from(value).toString("base64") };
        try {
          await objects.patch(
            secretPatch(data),
            undefined,
            undefined,
            FIELD_MANAGER,
            undefined,
            PatchStrategy.MergePatch,
          );
        } catch (e) {
          if (code(e) !== 404) throw e;
          await core.createNamespacedSecret({
            namespace,
            body: {
              metadata: {
                name: CLUSTER_SECRET,
                namespace,
                labels: { "app.kubernetes.io/managed-by": "octo" },
              },
              data,
            },
          });
        }
      },
      async delete(name) {
        await objects
          .patch(
            secretPatch({ [name]: null }),
            undefined,
            undefined,
            FIELD_MANAGER,
            undefined,
            PatchStrategy.MergePatch,
          )
          .catch((e) => {
            if (code(e) !== 404) throw e;
          });
      },
    },

    async apply(spec) {
      await started;
      created.set(spec.id, created.get(spec.id) ?? new Date().toISOString());
      for (const obj of options.render(spec)) await apply(obj);
      return (
        statusOf(spec.id) ?? {
          id: spec.id,
          phase: "pending",
          desiredReplicas: spec.replicas,
          readyReplicas: 0,
          updatedReplicas: 0,
          replicas: [],
          lastFailure: undefined,
          createdAt: created.get(spec.id) as string,
        }
      );
    },

    async scale(id, replicas) {
      // A JSON patch of the one field, so scaling never touches what apply owns.
      await apps.patchNamespacedDeployment({
        name: `octo-dep-${id}`,
        namespace,
        body: [{ op: "replace", path: "/spec/replicas", value: replicas }],
      });
      const status = statusOf(id);
      if (!status) throw new Error(`no deployment ${id} in namespace ${namespace}`);
      return { ...status, desiredReplicas: replicas };
    },

    async remove(id) {
      await removeAll(id);
      created.delete(id);
      // Resolves once the watch has seen the Deployment go, so status() agrees with the cluster.
      for (let waited = 0; statusOf(id) && waited < 10_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
    },

    status: statusOf,

    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    // Logs stay in the cluster (kubectl logs, the cluster's log pipeline) for now.
    logs: () => [],
    onLog: () => () => {},

    async close() {
      listeners.clear();
      await Promise.all([deploymentsInformer.stop(), podsInformer.stop(), eventsInformer.stop()]);
    },
  };
}
