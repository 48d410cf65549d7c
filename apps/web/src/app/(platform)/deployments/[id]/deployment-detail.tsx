"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LiveIndicator } from "../../../../features/deployments/live-indicator.tsx";
import { appendLogLine, type LogLine } from "../../../../features/deployments/log-buffer.ts";
import { LogPanel } from "../../../../features/deployments/log-panel.tsx";
import {
  nextStatusEvents,
  REMOVED,
  type StatusEvent,
} from "../../../../features/deployments/status-events.ts";
import type { Deployment } from "../../../../features/deployments/types.ts";
import { useTRPC } from "../../../../trpc/client.tsx";
import { useCan } from "../../../../ui/permissions.tsx";
import { ErrorNote, Loading } from "../../../../ui/states.tsx";
import { DeploymentDetailView } from "./deployment-detail-view.tsx";

/** What the status stream has shown of this deployment since the page opened. */
interface Observed {
  /** At least one snapshot arrived (the baseline for events). */
  seen: boolean;
  /** This deployment in the latest snapshot; undefined once it is no longer in it. */
  last: Deployment | undefined;
  events: StatusEvent[];
}

/** Wires the deployment page to the API: get once, then the live status and log streams. */
export function DeploymentDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const can = useCan();

  const get = useQuery(trpc.deployments.get.queryOptions({ id }));
  const integrationId = get.data?.integrationId;

  const [observed, setObserved] = useState<Observed>({ seen: false, last: undefined, events: [] });
  // The integration's snapshots (the API streams per integration), narrowed to this deployment.
  const watch = useSubscription(
    trpc.deployments.watch.subscriptionOptions(integrationId ? { integrationId } : skipToken, {
      onData: (snapshot) => {
        const current = snapshot.data.find((d) => d.id === id);
        const at = new Date().toISOString();
        setObserved((prev) => ({
          seen: true,
          last: current,
          events: nextStatusEvents(
            prev.events,
            prev.seen ? (prev.last ?? { status: REMOVED }) : undefined,
            current,
            at,
          ),
        }));
      },
    }),
  );
  const gone = observed.seen && observed.last === undefined;

  const [lines, setLines] = useState<LogLine[]>([]);
  const logs = useSubscription(
    trpc.deployments.logs.subscriptionOptions(get.data ? { id } : skipToken, {
      onData: (envelope) => setLines((prev) => appendLogLine(prev, envelope.data)),
    }),
  );

  const versions = useQuery(
    trpc.versions.list.queryOptions(integrationId && can.write ? { integrationId } : skipToken),
  );

  // The stream pushes the new status; the cached `get` is refreshed for the next visit.
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.deployments.get.queryKey({ id }) });
  const scale = useMutation(trpc.deployments.scale.mutationOptions({ onSuccess: refresh }));
  const rollout = useMutation(trpc.deployments.rollout.mutationOptions({ onSuccess: refresh }));
  const undeploy = useMutation(
    trpc.deployments.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        router.push(`/integrations/${integrationId}`);
      },
    }),
  );

  if (get.error)
    return (
      <>
        <h1>Deployment</h1>
        <ErrorNote error={get.error} />
        <p>
          <Link href="/">Back to the dashboard</Link>
        </p>
      </>
    );
  if (!get.data) return <Loading label="Loading the deployment…" />;

  return (
    <DeploymentDetailView
      deployment={observed.last ?? get.data}
      gone={gone && !undeploy.isSuccess}
      live={<LiveIndicator status={watch.status} hasError={watch.error !== null} onRetry={watch.reset} />}
      events={observed.events}
      canWrite={can.write}
      versions={versions.data}
      versionsError={versions.error}
      logs={
        <>
          {logs.status === "error" ? <ErrorNote error={logs.error} title="Logs" /> : null}
          <LogPanel
            lines={lines}
            status={
              <LiveIndicator status={logs.status} hasError={logs.error !== null} onRetry={logs.reset} />
            }
          />
        </>
      }
      onScale={(replicas) => scale.mutate({ id, replicas })}
      scaleBusy={scale.isPending}
      scaleError={scale.error}
      onRollout={(versionId) => rollout.mutate({ id, versionId })}
      rolloutBusy={rollout.isPending}
      rolloutError={rollout.error}
      onUndeploy={() => undeploy.mutate({ id })}
      undeployBusy={undeploy.isPending || undeploy.isSuccess}
      undeployError={undeploy.error}
    />
  );
}
