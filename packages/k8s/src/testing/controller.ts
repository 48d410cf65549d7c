// A tiny stand-in for the deployment + replicaset controllers and the kubelet: it turns each
// Deployment into `<deployment>-<template-hash>-<n>` Pods, reports their status (healthy or an
// injected failure) and writes the Deployment status an orchestrator would wait on.

import { createHash, randomBytes } from "node:crypto";
import { isObject, type JsonObject } from "./merge.ts";
import { resolveType } from "./resources.ts";
import { type KubeObject, nowIso, type Store, type StoreEvent } from "./store.ts";

export type FailureMode = "ImagePullBackOff" | "CrashLoopBackOff" | "Unschedulable" | "ProbeFailure";

export interface ControllerOptions {
  /** Reconcile delay after a change, ms (default 50). */
  tickMs?: number;
  /** How long a failing rollout reports Progressing=True before ProgressDeadlineExceeded, ms (default 500). */
  progressDeadlineMs?: number;
  /** Interval between simulated container restarts in CrashLoopBackOff, ms (default 4 × tickMs). */
  crashIntervalMs?: number;
}

const DEPLOYMENTS = resolveType("apps/v1/deployments");
const PODS = resolveType("v1/pods");
const EVENTS = resolveType("v1/events");

interface Rollout {
  generation: number;
  mode: FailureMode | undefined;
  startedAt: number;
}

export class FakeController {
  enabled: boolean;
  readonly tickMs: number;
  readonly progressDeadlineMs: number;
  readonly crashIntervalMs: number;
  readonly #store: Store;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #failByName = new Map<string, FailureMode>();
  readonly #failByImage = new Map<string, FailureMode>();
  readonly #rollouts = new Map<string, Rollout>();
  readonly #lastCrash = new Map<string, number>();
  readonly #unsubscribe: () => void;

  constructor(store: Store, enabled: boolean, opts: ControllerOptions = {}) {
    this.#store = store;
    this.enabled = enabled;
    this.tickMs = opts.tickMs ?? 50;
    this.progressDeadlineMs = opts.progressDeadlineMs ?? 500;
    this.crashIntervalMs = opts.crashIntervalMs ?? this.tickMs * 4;
    this.#unsubscribe = store.subscribe((e) => this.#onEvent(e));
  }

  /** Make the pods of deployment `name` (any namespace) fail with `mode`; undefined heals it. */
  fail(name: string, mode: FailureMode | undefined): void {
    if (mode) this.#failByName.set(name, mode);
    else this.#failByName.delete(name);
    for (const d of this.#store.list(DEPLOYMENTS)) if (d.metadata.name === name) this.#schedule(d);
  }

  /** Same, for every deployment whose pod template uses `image`. */
  failImage(image: string, mode: FailureMode | undefined): void {
    if (mode) this.#failByImage.set(image, mode);
    else this.#failByImage.delete(image);
    for (const d of this.#store.list(DEPLOYMENTS)) this.#schedule(d);
  }

  heal(): void {
    this.#failByName.clear();
    this.#failByImage.clear();
    for (const d of this.#store.list(DEPLOYMENTS)) this.#schedule(d);
  }

  /** Delete the pods a deleted Deployment owned (the real GC does this via its ReplicaSets). */
  cascade(deleted: KubeObject): void {
    if (deleted.kind !== "Deployment") return;
    for (const pod of this.#store.list(PODS, deleted.metadata.namespace)) {
      if (pod.metadata.ownerReferences?.some((o) => o.uid === deleted.metadata.uid)) {
        this.#store.delete(PODS, pod.metadata.namespace ?? "", pod.metadata.name);
      }
    }
  }

  stop(): void {
    this.#unsubscribe();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  #onEvent(e: StoreEvent): void {
    if (e.rt === DEPLOYMENTS) {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === "DELETED") {
        clearTimeout(this.#timers.get(key));
        this.#timers.delete(key);
        this.#rollouts.delete(key);
      } else this.#schedule(e.object);
    } else if (e.rt === PODS && e.type === "DELETED") {
      // A pod deleted by someone else is replaced, as the ReplicaSet would.
      const owner = e.object.metadata.ownerReferences?.find((o) => o.kind === "Deployment");
      const dep = owner && this.#store.get(DEPLOYMENTS, e.object.metadata.namespace ?? "", owner.name);
      if (dep) this.#schedule(dep);
    }
  }

  #schedule(dep: KubeObject, delay = this.tickMs): void {
    if (!this.enabled) return;
    const key = `${dep.metadata.namespace}/${dep.metadata.name}`;
    if (this.#timers.has(key)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      const current = this.#store.get(DEPLOYMENTS, dep.metadata.namespace ?? "", dep.metadata.name);
      if (current) this.#reconcile(current);
    }, delay);
    timer.unref();
    this.#timers.set(key, timer);
  }

  #modeFor(dep: KubeObject, template: JsonObject): FailureMode | undefined {
    const byName = this.#failByName.get(dep.metadata.name);
    if (byName) return byName;
    for (const c of containersOf(template)) {
      const m = typeof c.image === "string" ? this.#failByImage.get(c.image) : undefined;
      if (m) return m;
    }
    return undefined;
  }

  #reconcile(dep: KubeObject): void {
    const ns = dep.metadata.namespace ?? "default";
    const key = `${ns}/${dep.metadata.name}`;
    const spec = isObject(dep.spec) ? dep.spec : {};
    const template = isObject(spec.template) ? spec.template : {};
    const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
    const hash = createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 10);
    const mode = this.#modeFor(dep, template);
    const generation = dep.metadata.generation ?? 1;
    let rollout = this.#rollouts.get(key);
    if (!rollout || rollout.generation !== generation || rollout.mode !== mode) {
      rollout = { generation, mode, startedAt: Date.now() };
      this.#rollouts.set(key, rollout);
    }

    // Roll: drop pods of an old template (or beyond the replica count), then fill the gaps.
    const wanted = new Set(Array.from({ length: replicas }, (_, i) => `${dep.metadata.name}-${hash}-${i}`));
    for (const pod of this.#store.list(PODS, ns)) {
      const owned = pod.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid);
      if (owned && !wanted.has(pod.metadata.name)) {
        this.#store.delete(PODS, ns, pod.metadata.name);
        this.#lastCrash.delete(`${ns}/${pod.metadata.name}`);
      }
    }
    let ready = 0;
    for (const podName of wanted) {
      const existing = this.#store.get(PODS, ns, podName);
      const pod = this.#podFor(dep, template, hash, podName, existing, mode);
      this.#store.upsert(PODS, pod);
      if (!mode) ready++;
      else this.#warn(pod, mode);
    }

    const failing = mode !== undefined && replicas > 0;
    const overdue = failing && Date.now() - rollout.startedAt >= this.progressDeadlineMs;
    const rsName = `${dep.metadata.name}-${hash}`;
    const prevStatus = isObject(dep.status) ? dep.status : {};
    const conditions = [
      condition(
        prevStatus,
        "Available",
        !failing,
        failing ? "MinimumReplicasUnavailable" : "MinimumReplicasAvailable",
        failing ? "Deployment does not have minimum availability." : "Deployment has minimum availability.",
      ),
      condition(
        prevStatus,
        "Progressing",
        !overdue,
        overdue ? "ProgressDeadlineExceeded" : failing ? "ReplicaSetUpdated" : "NewReplicaSetAvailable",
        overdue
          ? `ReplicaSet "${rsName}" has timed out progressing.`
          : failing
            ? `ReplicaSet "${rsName}" is progressing.`
            : `ReplicaSet "${rsName}" has successfully progressed.`,
      ),
    ];
    const status: JsonObject = {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions,
    };
    // Only fields the real controller omits when zero are dropped (readyReplicas is kept for tests).
    this.#store.upsert(DEPLOYMENTS, { ...dep, status });
    // Failing rollouts keep ticking: restart counts grow and the progress deadline can expire.
    if (failing)
      this.#schedule(dep, Math.min(this.crashIntervalMs, Math.max(this.tickMs, this.progressDeadlineMs)));
  }

  #podFor(
    dep: KubeObject,
    template: JsonObject,
    hash: string,
    name: string,
    existing: KubeObject | undefined,
    mode: FailureMode | undefined,
  ): KubeObject {
    const ns = dep.metadata.namespace ?? "default";
    const tmeta = isObject(template.metadata) ? template.metadata : {};
    const labels = {
      ...((isObject(tmeta.labels) ? tmeta.labels : {}) as Record<string, string>),
      "pod-template-hash": hash,
    };
    const podSpec = isObject(template.spec) ? template.spec : {};
    const started = existing?.metadata.creationTimestamp ?? nowIso();
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...(existing?.metadata ?? {}),
        name,
        namespace: ns,
        labels,
        ...(isObject(tmeta.annotations) ? { annotations: tmeta.annotations as Record<string, string> } : {}),
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: dep.metadata.name,
            uid: dep.metadata.uid ?? "",
            controller: true,
          },
        ],
      },
      spec: mode === "Unschedulable" ? podSpec : { ...podSpec, nodeName: "fake-node" },
    };
    if (mode === "Unschedulable") {
      pod.status = {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.",
            lastTransitionTime: started,
          },
        ],
      };
      return pod;
    }
    const podKey = `${ns}/${name}`;
    const prevStatuses = isObject(existing?.status) ? existing.status.containerStatuses : undefined;
    const prevRestarts = (
      Array.isArray(prevStatuses) && isObject(prevStatuses[0]) ? prevStatuses[0].restartCount : 0
    ) as number;
    let restarts = prevRestarts;
    if (mode === "CrashLoopBackOff") {
      const last = this.#lastCrash.get(podKey);
      if (last === undefined || Date.now() - last >= this.crashIntervalMs) {
        restarts++;
        this.#lastCrash.set(podKey, Date.now());
      }
    }
    const ready = mode === undefined;
    const containerStatuses = containersOf(template).map((c) => {
      const base = {
        name: c.name,
        image: c.image,
        imageID: "",
        restartCount: restarts,
        ready,
        started: ready,
      };
      switch (mode) {
        case "ImagePullBackOff":
          return {
            ...base,
            started: false,
            state: {
              waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${String(c.image)}"` },
            },
          };
        case "CrashLoopBackOff":
          return {
            ...base,
            started: false,
            state: {
              waiting: {
                reason: "CrashLoopBackOff",
                message: `back-off 10s restarting failed container=${String(c.name)} pod=${name}`,
              },
            },
            lastState: {
              terminated: { exitCode: 1, reason: "Error", startedAt: started, finishedAt: started },
            },
          };
        case "ProbeFailure":
          return { ...base, started: true, state: { running: { startedAt: started } } };
        default:
          return { ...base, state: { running: { startedAt: started } } };
      }
    });
    const cond = (type: string, ok: boolean, reason?: string) => ({
      type,
      status: ok ? "True" : "False",
      ...(reason ? { reason } : {}),
      lastTransitionTime: started,
    });
    pod.status = {
      phase: mode === "ImagePullBackOff" ? "Pending" : "Running",
      hostIP: "10.0.0.1",
      podIP: `10.244.0.${(Number.parseInt(hash.slice(0, 2), 16) % 200) + 10}`,
      startTime: started,
      conditions: [
        cond("PodScheduled", true),
        cond("Initialized", true),
        cond("ContainersReady", ready, ready ? undefined : "ContainersNotReady"),
        cond("Ready", ready, ready ? undefined : "ContainersNotReady"),
      ],
      containerStatuses,
    };
    return pod;
  }

  /** One Warning Event per pod and reason, as `kubectl describe` would show. */
  #warn(pod: KubeObject, mode: FailureMode): void {
    const [reason, message] = {
      ImagePullBackOff: ["Failed", "Error: ImagePullBackOff"],
      CrashLoopBackOff: ["BackOff", "Back-off restarting failed container"],
      Unschedulable: ["FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu."],
      ProbeFailure: ["Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"],
    }[mode];
    const ns = pod.metadata.namespace ?? "default";
    const existing = this.#store
      .list(EVENTS, ns)
      .find(
        (e) =>
          isObject(e.involvedObject) && e.involvedObject.name === pod.metadata.name && e.reason === reason,
      );
    if (existing) return;
    const stored = this.#store.get(PODS, ns, pod.metadata.name);
    this.#store.upsert(EVENTS, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString("hex")}`, namespace: ns },
      involvedObject: {
        apiVersion: "v1",
        kind: "Pod",
        name: pod.metadata.name,
        namespace: ns,
        uid: stored?.metadata.uid ?? "",
      },
      reason,
      message,
      type: "Warning",
      count: 1,
      firstTimestamp: nowIso(),
      lastTimestamp: nowIso(),
      source: { component: mode === "Unschedulable" ? "default-scheduler" : "kubelet" },
    });
  }
}

function containersOf(template: JsonObject): JsonObject[] {
  const spec = isObject(template.spec) ? template.spec : {};
  return Array.isArray(spec.containers) ? spec.containers.filter(isObject) : [];
}

/** A condition that keeps its lastTransitionTime while its status is unchanged. */
function condition(prev: JsonObject, type: string, ok: boolean, reason: string, message: string): JsonObject {
  const status = ok ? "True" : "False";
  const old = Array.isArray(prev.conditions)
    ? prev.conditions.find((c) => isObject(c) && c.type === type && c.status === status)
    : undefined;
  const since =
    isObject(old) && typeof old.lastTransitionTime === "string" ? old.lastTransitionTime : nowIso();
  return { type, status, reason, message, lastUpdateTime: since, lastTransitionTime: since };
}
