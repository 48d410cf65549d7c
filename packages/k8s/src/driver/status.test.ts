import type { CoreV1Event, V1Deployment, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { observe } from "./status.ts";

const deployment = (ready: number, desired = 2, generation = 1, observed = 1): V1Deployment => ({
  metadata: { name: "octo-dep-x", generation, creationTimestamp: new Date("2026-11-23T10:00:00Z") },
  spec: { replicas: desired, selector: {}, template: {} },
  status: { observedGeneration: observed, readyReplicas: ready, updatedReplicas: ready, replicas: desired },
});

const pod = (name: string, patch: Partial<NonNullable<V1Pod["status"]>> = {}): V1Pod => ({
  metadata: { name },
  status: {
    phase: "Running",
    conditions: [{ type: "Ready", status: "True" }],
    containerStatuses: [{ name: "runtime", image: "i", imageID: "", ready: true, restartCount: 0 }],
    ...patch,
  },
});

const waiting = (reason: string, restartCount = 0): Partial<NonNullable<V1Pod["status"]>> => ({
  phase: "Pending",
  conditions: [{ type: "Ready", status: "False" }],
  containerStatuses: [
    {
      name: "runtime",
      image: "i",
      imageID: "",
      ready: false,
      restartCount,
      state: { waiting: { reason, message: `${reason} details` } },
    },
  ],
});

describe("observe", () => {
  it("is running when every desired replica is ready on the current generation", () => {
    const s = observe(deployment(2), [pod("b"), pod("a")], []);
    expect(s).toMatchObject({
      phase: "running",
      desiredReplicas: 2,
      readyReplicas: 2,
      lastFailure: undefined,
    });
    expect(s.replicas.map((r) => [r.name, r.phase])).toEqual([
      ["a", "ready"],
      ["b", "ready"],
    ]);
    expect(s.createdAt).toBe("2026-11-23T10:00:00.000Z");
  });

  it("is pending while a rollout of a new generation is not observed or not ready yet", () => {
    expect(observe(deployment(2, 2, 2, 1), [pod("a"), pod("b")], []).phase).toBe("pending");
    expect(observe(deployment(1), [pod("a"), pod("b", waiting("ContainerCreating"))], []).phase).toBe(
      "pending",
    );
  });

  it.each([
    ["ImagePullBackOff", /^ImagePullBackOff: ImagePullBackOff details/],
    ["CrashLoopBackOff", /^CrashLoopBackOff: /],
  ])("fails on %s with the reason", (reason, message) => {
    const s = observe(deployment(0, 1), [pod("a", waiting(reason, 3))], []);
    expect(s.phase).toBe("failed");
    expect(s.lastFailure).toMatch(message);
    if (reason === "CrashLoopBackOff") expect(s.replicas[0]).toMatchObject({ phase: "crashed", restarts: 3 });
  });

  it("fails on an unschedulable pod and on a failing readiness probe", () => {
    const unschedulable = pod("a", {
      phase: "Pending",
      conditions: [
        { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes have memory" },
      ],
      containerStatuses: [],
    });
    expect(observe(deployment(0, 1), [unschedulable], []).lastFailure).toBe(
      "Unschedulable: 0/3 nodes have memory",
    );
    const notReady = pod("b", { conditions: [{ type: "Ready", status: "False" }] });
    const events: CoreV1Event[] = [
      {
        metadata: {},
        involvedObject: { name: "b" },
        reason: "Unhealthy",
        message: "Readiness probe failed: 503",
      },
    ];
    expect(observe(deployment(0, 1), [notReady], events)).toMatchObject({
      phase: "failed",
      lastFailure: "Unhealthy: Readiness probe failed: 503",
    });
  });
});
