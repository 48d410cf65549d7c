import { createHash } from "node:crypto";
import { ApiException, type CoordinationV1Api, type V1Lease } from "@kubernetes/client-node";
import type { LeaderElection, Leadership } from "@octo/runtime/services";

export interface LeaseElectionOptions {
  api: CoordinationV1Api;
  namespace: string;
  deploymentId: string;
  /** Who campaigns (the pod name). */
  identity: string;
  /** How long a lease holds without renewal (default 15 s). */
  leaseSeconds?: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryMs?: number;
  /** A leader that could not renew for this long steps down (default 10 s). */
  renewDeadlineMs?: number;
  now?: () => Date;
}

/** `octo-le-<deployment>-<10 hex of sha256(key)>`: one Lease per (deployment, key), a valid name. */
export function leaseName(deploymentId: string, key: string): string {
  const deployment = deploymentId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 10);
  return `octo-le-${deployment}`.slice(0, 253 - 11) + `-${hash}`;
}

const status = (e: unknown) => (e instanceof ApiException ? e.code : undefined);

/**
 * Leader election on coordination.k8s.io Leases (the client-go recipe): the holder renews its
 * lease every `retryMs`; anyone may take a lease whose renewal is older than its duration;
 * every write carries the resourceVersion it read, so two contenders cannot both win.
 */
export function leaseElection(options: LeaseElectionOptions): LeaderElection & { close(): Promise<void> } {
  const leaseSeconds = options.leaseSeconds ?? 15;
  const retryMs = options.retryMs ?? 2_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const { api, namespace } = options;
  const all = new Set<Leadership>();

  function campaign(key: string): Leadership {
    const name = leaseName(options.deploymentId, key);
    let leader = false;
    let lastRenewal = 0;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;

    const held = (lease: V1Lease): V1Lease => ({
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        namespace,
        ...(lease.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: options.identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime:
          (lease.spec?.holderIdentity === options.identity ? lease.spec.acquireTime : undefined) ?? now(),
        renewTime: now(),
        leaseTransitions:
          (lease.spec?.leaseTransitions ?? 0) + (lease.spec?.holderIdentity === options.identity ? 0 : 1),
      },
    });

    async function attempt(): Promise<boolean> {
      let lease: V1Lease;
      try {
        lease = await api.readNamespacedLease({ name, namespace });
      } catch (e) {
        if (status(e) !== 404) throw e;
        await api.createNamespacedLease({
          namespace,
          body: { ...held({}), spec: { ...held({}).spec, leaseTransitions: 0 } },
        });
        return true;
      }
      const spec = lease.spec ?? {};
      const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
      const expired = renewed + (spec.leaseDurationSeconds ?? leaseSeconds) * 1000 < now().getTime();
      const mine = spec.holderIdentity === options.identity;
      if (!mine && spec.holderIdentity && !expired) return false;
      await api.replaceNamespacedLease({ name, namespace, body: held(lease) });
      return true;
    }

    async function tick() {
      if (stopped) return;
      try {
        leader = await attempt();
        if (leader) lastRenewal = Date.now();
      } catch (e) {
        // 409: someone else wrote first. Anything else: the API is unreachable; a leader keeps
        // leading only until its renew deadline passes.
        if (status(e) === 409 || Date.now() - lastRenewal > renewDeadlineMs) leader = false;
      }
      if (!stopped) timer = setTimeout(tick, retryMs);
    }
    void tick();

    const leadership: Leadership = {
      isLeader: () => leader && !stopped,
      async release() {
        stopped = true;
        clearTimeout(timer);
        all.delete(leadership);
        if (!leader) return;
        leader = false;
        // Hand the lease back at once (no holder) instead of making the others wait it out.
        try {
          const lease = await api.readNamespacedLease({ name, namespace });
          if (lease.spec?.holderIdentity === options.identity) {
            const { holderIdentity: _, renewTime: __, ...rest } = lease.spec;
            await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: rest } });
          }
        } catch {
          // The lease expires by itself.
        }
      },
    };
    all.add(leadership);
    return leadership;
  }

  return {
    campaign,
    async close() {
      await Promise.all([...all].map((l) => l.release()));
    },
  };
}
