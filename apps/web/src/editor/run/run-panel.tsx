"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { type JSX, useState } from "react";
import { LiveIndicator } from "../../features/deployments/live-indicator.tsx";
import { useTRPC } from "../../trpc/client.tsx";
import { ErrorNote } from "../../ui/states.tsx";
import { DevEnvPanel } from "./dev-env-panel.tsx";
import { InvokePanel } from "./invoke-panel.tsx";
import { RequestPanel } from "./request-panel.tsx";
import styles from "./run.module.css";
import { RunBar } from "./run-bar.tsx";
import { RunLogs } from "./run-logs.tsx";
import {
  appendRunLine,
  clearRunLog,
  emptyRunLog,
  envToSend,
  missingRequired,
  newestLiveRun,
  type RunLog,
  runBlockReason,
} from "./run-model.ts";
import { type TabSpec, Tabs } from "./tabs.tsx";
import { browserStorage, type DevEnv, useDevEnv } from "./use-dev-env.ts";

export interface RunPanelProps {
  integrationId: string;
  /** false while the document has validation errors or unsaved changes the run would not see; with the reason */
  runnable: { ok: true } | { ok: false; reason: string };
  canWrite: boolean; // readers: panel visible, every action disabled
  declaredEnv: readonly { name: string; default?: string; required?: boolean; secret?: boolean }[];
  httpRoutes: readonly { flow: string; path: string }[]; // flows with an http source (path as declared)
  otherFlows: readonly string[]; // flows without an http source (invoke targets)
  /** The dev .env when the page holds it (the editor validates with it too); else the panel keeps its own. */
  devEnv?: DevEnv;
}

/**
 * The editor's RUN panel: runs the saved definition with the browser's dev .env, streams its
 * logs, sends test requests to it and invokes flows once. A save hot-reloads a live run on the
 * server, so nothing here restarts it.
 */
export function RunPanel(props: RunPanelProps): JSX.Element {
  const { integrationId, runnable, canWrite, declaredEnv, httpRoutes, otherFlows } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [storage] = useState(browserStorage);
  const ownDevEnv = useDevEnv(integrationId, storage);
  const devEnv = props.devEnv ?? ownDevEnv;
  const [tab, setTab] = useState("logs");

  const listKey = trpc.runs.list.queryKey({ integrationId });
  const runs = useQuery(trpc.runs.list.queryOptions({ integrationId }));
  const refreshRuns = () => queryClient.invalidateQueries({ queryKey: listKey });
  /** Puts a run the API just returned at the top of the cached list, ahead of the refetch. */
  const remember = (run: NonNullable<typeof runs.data>[number]) => {
    queryClient.setQueryData(listKey, (old) => (old ? [run, ...old.filter((r) => r.id !== run.id)] : [run]));
    return refreshRuns();
  };
  // Runs have no status stream of their own; they live in the same driver as deployments, whose
  // watch fires on every status change: that is the cue to read the runs again (no polling).
  useSubscription(
    trpc.deployments.watch.subscriptionOptions({ integrationId }, { onData: () => refreshRuns() }),
  );

  const live = newestLiveRun(runs.data);
  const shown = live ?? runs.data?.[0];

  const [log, setLog] = useState<RunLog>(emptyRunLog);
  const liveId = live?.id;
  const logs = useSubscription(
    trpc.runs.logs.subscriptionOptions(liveId ? { id: liveId } : skipToken, {
      onData: (envelope) => {
        if (liveId) setLog((prev) => appendRunLine(prev, liveId, envelope.data));
      },
    }),
  );

  const start = useMutation(
    trpc.runs.start.mutationOptions({
      // Cleared before the run exists: its first lines may stream in before start answers.
      onMutate: () => setLog(emptyRunLog),
      onSuccess: (run) => remember(run),
    }),
  );
  const stop = useMutation(trpc.runs.stop.mutationOptions({ onSuccess: remember }));
  const request = useMutation(trpc.runs.request.mutationOptions());
  const invoke = useMutation(trpc.runs.invoke.mutationOptions());

  const invokeBlock = runBlockReason({ canWrite, runnable, declared: declaredEnv, values: devEnv.values });
  // Until runs.list answers, a live run may exist that RUN would duplicate.
  const blockReason = invokeBlock ?? (runs.isPending ? "Checking for a live run…" : null);
  const env = () => envToSend(declaredEnv, devEnv.values);
  const missing = missingRequired(declaredEnv, devEnv.values).length;

  const tabs: TabSpec[] = [
    {
      id: "logs",
      label: "Logs",
      content: (
        <>
          {logs.status === "error" ? <ErrorNote error={logs.error} title="Logs" /> : null}
          <RunLogs
            lines={log.lines}
            onClear={() => setLog(clearRunLog)}
            {...(liveId
              ? {
                  live: (
                    <LiveIndicator status={logs.status} hasError={logs.error !== null} onRetry={logs.reset} />
                  ),
                }
              : {})}
          />
        </>
      ),
    },
  ];
  if (httpRoutes.length > 0)
    tabs.push({
      id: "request",
      label: "Test request",
      content: (
        <RequestPanel
          routes={httpRoutes}
          canWrite={canWrite}
          unavailable={live ? null : "Start a run to send test requests."}
          busy={request.isPending}
          result={request.data}
          error={request.error}
          onSend={(payload) => {
            if (live) request.mutate({ id: live.id, ...payload });
          }}
        />
      ),
    });
  if (otherFlows.length > 0)
    tabs.push({
      id: "invoke",
      label: "Invoke",
      content: (
        <InvokePanel
          flows={otherFlows}
          canWrite={canWrite}
          blockReason={invokeBlock}
          busy={invoke.isPending}
          result={invoke.data}
          error={invoke.error}
          onInvoke={({ flow, data, trace }) =>
            invoke.mutate({ integrationId, flow, data, trace, env: env() })
          }
        />
      ),
    });
  tabs.push({
    id: "env",
    label: missing > 0 ? `Dev .env (${missing} missing)` : "Dev .env",
    content: (
      <DevEnvPanel
        declared={declaredEnv}
        values={devEnv.values}
        canWrite={canWrite}
        saveFailed={devEnv.saveFailed}
        onChange={devEnv.setValue}
      />
    ),
  });

  return (
    <section aria-label="Run" className={styles.panel}>
      {runs.error ? <ErrorNote error={runs.error} title="Runs" /> : null}
      <RunBar
        run={shown}
        blockReason={blockReason}
        canWrite={canWrite}
        busy={start.isPending ? "starting" : stop.isPending ? "stopping" : null}
        error={start.error ?? stop.error}
        onRun={() => {
          stop.reset();
          start.mutate({ integrationId, env: env() });
        }}
        onStop={() => {
          start.reset();
          if (live) stop.mutate({ id: live.id });
        }}
      />
      <Tabs label="Run tools" tabs={tabs} selected={tab} onSelect={setTab} />
    </section>
  );
}
