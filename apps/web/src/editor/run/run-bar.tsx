"use client";

import { useId } from "react";
import { ErrorNote } from "../../ui/states.tsx";
import styles from "./run.module.css";
import { isLive, type RunView, runStatusText } from "./run-model.ts";

export interface RunBarProps {
  /** The run to show: the live one, else the newest (stopped) one, else none. */
  run: RunView | undefined;
  /** Why RUN cannot be used now (shown as text and as the button's title), or null. */
  blockReason: string | null;
  canWrite: boolean;
  /** A start or stop call is on its way. */
  busy: "starting" | "stopping" | null;
  /** The last start / stop failure, as the API said it. */
  error?: unknown;
  onRun(): void;
  onStop(): void;
}

function badgeClass(run: RunView | undefined): string {
  switch (run?.status) {
    case "running":
      return "status-running";
    case "failed":
      return "status-failed";
    case "starting":
    case "pending":
      return "status-pending";
    default:
      return "";
  }
}

/** RUN / STOP and the run's state. Saving hot-reloads a live run on the server: it stays running. */
export function RunBar({ run, blockReason, canWrite, busy, error, onRun, onStop }: RunBarProps) {
  const reasonId = useId();
  const live = run !== undefined && isLive(run);
  const status = busy === "starting" && !live ? "Starting…" : runStatusText(run);
  return (
    <div className={styles.runBar}>
      <div className={styles.runBarRow}>
        {live ? (
          <button
            type="button"
            className="danger"
            disabled={!canWrite || busy !== null}
            onClick={onStop}
            {...(!canWrite ? { title: "You have read access only." } : {})}
          >
            {busy === "stopping" ? "Stopping…" : "STOP"}
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={blockReason !== null || busy !== null}
            onClick={onRun}
            {...(blockReason !== null ? { title: blockReason, "aria-describedby": reasonId } : {})}
          >
            {busy === "starting" ? "Starting…" : "RUN"}
          </button>
        )}
        <span className={`badge ${badgeClass(run)} ${styles.runStatus}`} role="status">
          {status}
        </span>
      </div>
      {!live && blockReason !== null ? (
        <p id={reasonId} className="field-hint">
          {blockReason}
        </p>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
    </div>
  );
}
