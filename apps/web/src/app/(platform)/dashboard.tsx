"use client";

import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { LiveIndicator } from "../../features/deployments/live-indicator.tsx";
import { useTRPC } from "../../trpc/client.tsx";
import { ErrorNote, Loading } from "../../ui/states.tsx";
import { DashboardTable } from "./dashboard-view.tsx";

/** Every deployment, live: snapshots pushed over SSE on every change (no polling). */
export function Dashboard() {
  const trpc = useTRPC();
  const stream = useSubscription(trpc.deployments.watch.subscriptionOptions({}));
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const names = integrations.data ? new Map(integrations.data.map((i) => [i.id, i.name])) : undefined;
  const snapshot = stream.data?.data;

  return (
    <>
      <div className="page-header">
        <h1>Deployments</h1>
        <LiveIndicator status={stream.status} hasError={stream.error !== null} onRetry={stream.reset} />
      </div>
      {/* A snapshot seen before the stream failed stays on screen, marked stale by the indicator. */}
      {stream.status === "error" ? <ErrorNote error={stream.error} /> : null}
      {snapshot === undefined ? (
        stream.status === "error" ? null : (
          <Loading label="Loading deployments…" />
        )
      ) : (
        <DashboardTable deployments={snapshot} {...(names ? { integrationNames: names } : {})} />
      )}
    </>
  );
}
