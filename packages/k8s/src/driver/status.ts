import type { CoreV1Event, V1Deployment, V1Pod } from "@kubernetes/client-node";

/** What the orchestrator shows of one replica (the driver interface's shape). */
export interface PodStatus {
  name: string;
  phase: "starting" | "ready" | "crashed" | "stopped";
  ready: boolean;
  restarts: number;
}

export interface ObservedStatus {
  phase: "pending" | "running" | "failed";
  desiredReplicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  replicas: PodStatus[];
  /** Why it is not running: "<Reason>: <message>" of the first pod that says so. */
  lastFailure: string | undefined;
  createdAt: string;
}

/** Waiting reasons that will not fix themselves: the deployment has failed, not just started. */
const TERMINAL_WAITING = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "InvalidImageName",
]);

function podFailure(pod: V1Pod, events: CoreV1Event[]): string | undefined {
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && TERMINAL_WAITING.has(waiting.reason))
      return `${waiting.reason}: ${waiting.message ?? `container ${c.name} is waiting`}`;
  }
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
  );
  if (unschedulable) return `Unschedulable: ${unschedulable.message ?? "no node fits the pod"}`;
  const running = pod.status?.phase === "Running";
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
  if (running && !ready) {
    const probe = events
      .filter((e) => e.involvedObject?.name === pod.metadata?.name && e.reason === "Unhealthy")
      .at(-1);
    if (probe) return `Unhealthy: ${probe.message ?? "a probe failed"}`;
  }
  return undefined;
}

function podStatus(pod: V1Pod): PodStatus {
  const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const restarts = (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const waiting = pod.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === "CrashLoopBackOff");
  const phase = pod.metadata?.deletionTimestamp
    ? "stopped"
    : waiting || pod.status?.phase === "Failed"
      ? "crashed"
      : ready
        ? "ready"
        : "starting";
  return { name: pod.metadata?.name ?? "", phase, ready, restarts };
}

/**
 * A deployment's status from what the cluster says: the Deployment's replica counts, its pods'
 * readiness and restarts, and the first reason that will not fix itself (image pull, crash
 * loop, unschedulable, failing probe). Running means every desired replica is ready and updated.
 */
export function observe(deployment: V1Deployment, pods: V1Pod[], events: CoreV1Event[]): ObservedStatus {
  const desired = deployment.spec?.replicas ?? 1;
  const ready = deployment.status?.readyReplicas ?? 0;
  const updated = deployment.status?.updatedReplicas ?? 0;
  const current = (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const lastFailure = pods.map((p) => podFailure(p, events)).find((f) => f !== undefined);
  const running = current && ready >= desired && updated >= desired;
  return {
    phase: running ? "running" : lastFailure ? "failed" : "pending",
    desiredReplicas: desired,
    readyReplicas: ready,
    updatedReplicas: updated,
    replicas: pods.map(podStatus).sort((a, b) => a.name.localeCompare(b.name)),
    lastFailure,
    createdAt: new Date(deployment.metadata?.creationTimestamp ?? Date.now()).toISOString(),
  };
}
