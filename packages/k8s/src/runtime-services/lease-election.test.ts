// Leader election among three runtimes on the fake API server's Leases, through the real client.
import { CoordinationV1Api } from "@kubernetes/client-node";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type FakeApiServer, startFakeApiServer } from "../testing/index.ts";
import { leaseElection, leaseName } from "./lease-election.ts";

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await startFakeApiServer({ controller: false });
});
afterEach(() => fake.close());

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds (a bound for a slow machine, not a timing expectation). */
async function eventually(ok: () => boolean, ms = 5_000) {
  for (const end = Date.now() + ms; !ok(); await settle(20))
    if (Date.now() > end) throw new Error("never happened");
}

function runtime(identity: string) {
  return leaseElection({
    api: fake.kubeConfig("octo").makeApiClient(CoordinationV1Api),
    namespace: "octo",
    deploymentId: "Dep-1",
    identity,
    // Long enough that a busy machine never lets a lease lapse while its holder renews.
    leaseSeconds: 5,
    retryMs: 50,
    renewDeadlineMs: 500,
  });
}

it("elects exactly one cron leader among three runtimes, and another after it leaves", async () => {
  const [a, b, c] = [runtime("pod-a"), runtime("pod-b"), runtime("pod-c")];
  const campaigns = [a.campaign("cron:tick"), b.campaign("cron:tick"), c.campaign("cron:tick")];
  await eventually(() => campaigns.some((l) => l.isLeader()));
  // Checked repeatedly: never two leaders at once while they renew.
  for (let i = 0; i < 10; i++) {
    expect(campaigns.filter((l) => l.isLeader())).toHaveLength(1);
    await settle(30);
  }
  const leader = campaigns.findIndex((l) => l.isLeader());
  const lease = fake.get("Lease", "octo", leaseName("Dep-1", "cron:tick")) as unknown as {
    spec: { holderIdentity: string };
  };
  expect(lease.spec.holderIdentity).toBe(["pod-a", "pod-b", "pod-c"][leader]);

  // The leader releases (shutdown): one of the others takes over at once, not after the lease.
  await campaigns[leader]?.release();
  await eventually(() => campaigns.some((l, i) => i !== leader && l.isLeader()));
  const next = campaigns.filter((l, i) => i !== leader && l.isLeader());
  expect(next).toHaveLength(1);
  expect(campaigns[leader]?.isLeader()).toBe(false);
  await Promise.all([a.close(), b.close(), c.close()]);
  // A bound for a busy machine (each wait above may take up to 5 s there), not a timing expectation.
}, 30_000);

it("names one lease per deployment and key, within Kubernetes' limits", () => {
  expect(leaseName("Dep_1", "cron:tick")).toMatch(/^octo-le-dep-1-[0-9a-f]{10}$/);
  expect(leaseName("d", "a")).not.toBe(leaseName("d", "b"));
  expect(leaseName("x".repeat(400), "k").length).toBeLessThanOrEqual(253);
});
