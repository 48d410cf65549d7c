"use client";

import { type ReactNode, useLayoutEffect, useRef, useState } from "react";
import type { LogLine } from "../../features/deployments/log-buffer.ts";
import styles from "./run.module.css";
import { RUN_LOG_LIMIT } from "./run-model.ts";

/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24;

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/**
 * The run's streamed lines (the deployments panel's behaviour with the run's own limit and a
 * Clear button): follows new lines while the reader is at the bottom; stderr is marked in text.
 */
export function RunLogs({
  lines,
  live,
  onClear,
}: {
  lines: readonly LogLine[];
  /** The stream's state (a LiveIndicator), or nothing when no run is live. */
  live?: ReactNode;
  onClear(): void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);

  const onScroll = () => {
    const el = box.current;
    if (el) setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX);
  };

  return (
    <div>
      <div className={styles.toolbar}>
        <span className="field-hint">
          The last {RUN_LOG_LIMIT} lines of the run. {live}
        </span>
        <span className={styles.toolbarActions}>
          {!following ? (
            <button type="button" className="ghost" onClick={() => setFollowing(true)}>
              Follow new lines
            </button>
          ) : null}
          <button type="button" onClick={onClear} disabled={lines.length === 0}>
            Clear
          </button>
        </span>
      </div>
      <div
        ref={box}
        className="logs"
        role="log"
        aria-live="off"
        aria-label="Run logs"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
        tabIndex={0}
        onScroll={onScroll}
      >
        {lines.length === 0 ? <span className={styles.logMeta}>No log lines yet.</span> : null}
        {lines.map((line) => (
          <span
            key={line.seq}
            className={`${styles.logLine} ${line.stream === "stderr" ? styles.stderr : ""}`}
          >
            <span className={styles.logMeta}>{clock(line.time)}</span>
            {line.stream === "stderr" ? <span className={styles.stderrTag}>stderr</span> : null}
            {line.text}
          </span>
        ))}
      </div>
    </div>
  );
}
