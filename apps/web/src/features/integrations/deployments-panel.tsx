"use client";

import Link from "next/link";
import { useId } from "react";
import { Empty, ErrorNote, Loading } from "../../ui/states.tsx";
import { StatusBadge } from "../deployments/status-badge.tsx";
import styles from "./integrations.module.css";

export interface DeploymentRow {
  id: string;
  name: string;
  tag: string;
  status: string;
  readyReplicas: number;
  desiredReplicas: number;
  externalUrl?: string | undefined;
  url?: string | undefined;
}

/** The state of the live status stream, said in words (not only a colour). */
export type StreamState = "connecting" | "live" | "reconnecting" | "stopped";

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "connection lost, reconnecting…",
  stopped: "not live: reload the page to retry",
};

/** This integration's deployments as the live stream last reported them. */
export function DeploymentsPanel({
  deployments,
  stream,
  error,
  canWrite,
  deployAvailable,
  onDeploy,
}: {
  /** undefined until the first snapshot arrives. */
  deployments: DeploymentRow[] | undefined;
  stream: StreamState;
  error?: unknown;
  canWrite: boolean;
  /** false when the deploy dialog cannot be offered (the button stays, disabled, saying why). */
  deployAvailable: boolean;
  onDeploy: () => void;
}) {
  const titleId = useId();
  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className={styles.panelHeader}>
        <h2 id={titleId}>Deployments</h2>
        <span className="muted" role="status">
          {STREAM_TEXT[stream]}
        </span>
        {canWrite ? (
          <button
            type="button"
            className="primary"
            onClick={onDeploy}
            disabled={!deployAvailable}
            title={deployAvailable ? undefined : "deploy dialog unavailable"}
          >
            Deploy
          </button>
        ) : null}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {deployments === undefined ? (
        error ? null : (
          <Loading label="Loading deployments…" />
        )
      ) : deployments.length === 0 ? (
        <Empty title="Not deployed">
          <p>{canWrite ? "Tag a version, then deploy it." : "Nothing of this integration is running."}</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {deployments.map((d) => {
                const url = d.externalUrl ?? d.url;
                return (
                  <tr key={d.id}>
                    <td>
                      <Link href={`/deployments/${d.id}`}>{d.name}</Link>
                    </td>
                    <td>{d.tag}</td>
                    <td>
                      <StatusBadge
                        status={d.status}
                        readyReplicas={d.readyReplicas}
                        desiredReplicas={d.desiredReplicas}
                      />
                    </td>
                    <td>
                      {url ? (
                        <a href={url} target="_blank" rel="noreferrer">
                          {url}
                        </a>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
