"use client";

import Link from "next/link";
import { type FormEvent, type ReactNode, useEffect, useId, useState } from "react";
import { MAX_REPLICAS, MIN_REPLICAS, parseReplicas } from "../../../../features/deployments/deploy-form.ts";
import styles from "../../../../features/deployments/deployments.module.css";
import { formatClock, formatDateTime } from "../../../../features/deployments/format.ts";
import { StatusBadge } from "../../../../features/deployments/status-badge.tsx";
import type { StatusEvent } from "../../../../features/deployments/status-events.ts";
import type { Deployment, VersionSummary } from "../../../../features/deployments/types.ts";
import { ConfirmDialog } from "../../../../ui/confirm.tsx";
import { ErrorNote, Loading } from "../../../../ui/states.tsx";

export interface DeploymentDetailViewProps {
  deployment: Deployment;
  /** The deployment dropped out of the live snapshot: someone undeployed it. */
  gone: boolean;
  /** The live indicator of the status stream. */
  live: ReactNode;
  events: readonly StatusEvent[];
  /** users.me's write permission: without it the page is read-only. */
  canWrite: boolean;
  /** The integration's versions (for rollout); undefined while loading. */
  versions: readonly VersionSummary[] | undefined;
  versionsError?: unknown;
  /** The live log panel. */
  logs: ReactNode;
  onScale: (replicas: number) => void;
  scaleBusy: boolean;
  scaleError?: unknown;
  onRollout: (versionId: string) => void;
  rolloutBusy: boolean;
  rolloutError?: unknown;
  onUndeploy: () => void;
  undeployBusy: boolean;
  undeployError?: unknown;
}

/** One deployment: live status, pods, status changes, logs and (for writers) scale, rollout, undeploy. */
export function DeploymentDetailView(props: DeploymentDetailViewProps) {
  const d = props.deployment;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>{d.name}</h1>
          <div className={styles.headerMeta}>
            <StatusBadge
              status={d.status}
              readyReplicas={d.readyReplicas}
              desiredReplicas={d.desiredReplicas}
            />
            <span className="badge">{d.tag}</span>
            <Link href={`/integrations/${d.integrationId}`}>Integration</Link>
            {d.externalUrl ? (
              <a href={d.externalUrl} target="_blank" rel="noreferrer">
                Open {d.externalUrl}
              </a>
            ) : null}
            {props.live}
          </div>
        </div>
      </div>
      {props.gone ? (
        <p className="note note-warn" role="status">
          This deployment no longer exists: it was undeployed. <Link href="/">Back to the dashboard</Link>
        </p>
      ) : null}
      {d.reason ? (
        <p className="note note-error">
          <strong>Last failure: </strong>
          {d.reason}
        </p>
      ) : null}

      <div className={styles.stack}>
        <section className="panel" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <dl className={styles.details}>
            <dt>Version</dt>
            <dd>{d.tag}</dd>
            <dt>Replicas</dt>
            <dd>
              {d.readyReplicas} ready of {d.desiredReplicas}
            </dd>
            {d.slug ? (
              <>
                <dt>Slug</dt>
                <dd className={styles.mono}>{d.slug}</dd>
              </>
            ) : null}
            <dt>External URL</dt>
            <dd>
              {d.externalUrl ? (
                <a href={d.externalUrl} target="_blank" rel="noreferrer">
                  {d.externalUrl}
                </a>
              ) : (
                <span className="muted">not exposed</span>
              )}
            </dd>
            <dt>Internal URL</dt>
            <dd className={styles.mono}>{d.url ?? <span className="muted">none</span>}</dd>
            <dt>Created</dt>
            <dd>
              <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
            </dd>
            <dt>Last updated</dt>
            <dd>
              <time dateTime={d.lastUpdated}>{formatDateTime(d.lastUpdated)}</time>
            </dd>
          </dl>
        </section>

        {props.canWrite && !props.gone ? (
          <Controls {...props} />
        ) : props.gone ? null : (
          <p className="muted">
            Read-only: your role can view this deployment but not scale, roll out or undeploy it.
          </p>
        )}

        <section aria-labelledby="pods-heading">
          <h2 id="pods-heading">Pods</h2>
          {d.pods.length === 0 ? (
            <p className="muted">No pods are running.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Phase</th>
                    <th scope="col">Ready</th>
                    <th scope="col">Restarts</th>
                  </tr>
                </thead>
                <tbody>
                  {d.pods.map((p) => (
                    <tr key={p.name}>
                      <td className={styles.mono}>{p.name}</td>
                      <td>{p.phase}</td>
                      <td>{p.ready ? "yes" : "no"}</td>
                      <td>{p.restarts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="events-heading">
          <h2 id="events-heading">Events</h2>
          <p className="field-hint">
            Status changes seen on the live stream since you opened this page; earlier history is not kept.
          </p>
          {props.events.length === 0 ? (
            <p className="muted">No status changes since this page was opened.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Change</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {props.events.map((e) => (
                    <tr key={`${e.at}-${e.from}-${e.to}`}>
                      <td>
                        <time dateTime={e.at}>{formatClock(e.at)}</time>
                      </td>
                      <td>
                        {e.from} → {e.to}
                      </td>
                      <td>{e.reason ?? <span className="muted">none given</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="logs-heading">
          <h2 id="logs-heading">Logs</h2>
          {props.logs}
        </section>
      </div>
    </>
  );
}

function Controls(props: DeploymentDetailViewProps) {
  const d = props.deployment;
  const ids = useId();
  const [replicas, setReplicas] = useState(String(d.replicas));
  const [versionId, setVersionId] = useState("");
  const [confirming, setConfirming] = useState(false);
  // Someone (or this page) scaled it: start from the new number.
  useEffect(() => setReplicas(String(d.replicas)), [d.replicas]);

  const wanted = parseReplicas(replicas);
  const others = props.versions?.filter((v) => v.id !== d.versionId) ?? [];
  const pickedVersion = others.some((v) => v.id === versionId) ? versionId : "";

  const scale = (event: FormEvent) => {
    event.preventDefault();
    if (wanted !== undefined && wanted !== d.replicas) props.onScale(wanted);
  };
  const rollout = (event: FormEvent) => {
    event.preventDefault();
    if (pickedVersion) props.onRollout(pickedVersion);
  };

  return (
    <section className="panel" aria-labelledby="manage-heading">
      <h2 id="manage-heading">Manage</h2>
      <div className={styles.controls}>
        <form onSubmit={scale} noValidate>
          <div className={styles.control}>
            <label htmlFor={`${ids}-replicas`}>Replicas</label>
            <input
              id={`${ids}-replicas`}
              type="number"
              inputMode="numeric"
              min={MIN_REPLICAS}
              max={MAX_REPLICAS}
              step={1}
              value={replicas}
              aria-invalid={wanted === undefined}
              onChange={(e) => setReplicas(e.target.value)}
            />
            <button type="submit" disabled={props.scaleBusy || wanted === undefined || wanted === d.replicas}>
              {props.scaleBusy ? "Scaling…" : "Scale"}
            </button>
          </div>
          {wanted === undefined ? (
            <p className="field-error">
              A whole number from {MIN_REPLICAS} to {MAX_REPLICAS}.
            </p>
          ) : null}
          {props.scaleError ? <ErrorNote error={props.scaleError} /> : null}
        </form>

        <form onSubmit={rollout}>
          <div className={styles.control}>
            <label htmlFor={`${ids}-version`}>Roll out another version</label>
            {props.versionsError ? <ErrorNote error={props.versionsError} /> : null}
            {props.versions === undefined && !props.versionsError ? (
              <Loading label="Loading versions…" />
            ) : null}
            {props.versions && others.length === 0 ? (
              <p className="field-hint">No other version; tag one on the integration's page.</p>
            ) : null}
            <select
              id={`${ids}-version`}
              value={pickedVersion}
              disabled={others.length === 0}
              onChange={(e) => setVersionId(e.target.value)}
            >
              <option value="">Choose a version…</option>
              {others.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.tag}
                </option>
              ))}
            </select>
            <button type="submit" disabled={props.rolloutBusy || pickedVersion === ""}>
              {props.rolloutBusy ? "Rolling out…" : "Roll out"}
            </button>
          </div>
          {props.rolloutError ? <ErrorNote error={props.rolloutError} /> : null}
        </form>

        <div className={styles.control}>
          <p className="field-hint">Stops every replica and removes the deployment.</p>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Undeploy
          </button>
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Undeploy ${d.name}?`}
        confirmLabel="Undeploy"
        busy={props.undeployBusy}
        error={props.undeployError}
        onConfirm={props.onUndeploy}
        onClose={() => setConfirming(false)}
      >
        <p>
          Every replica of {d.name} ({d.tag}) stops and the deployment is removed with its env bindings and
          stored data. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
