"use client";

import { type ReactNode, useLayoutEffect, useRef, useState } from "react";
import styles from "./deployments.module.css";
import { formatClock, shortReplica } from "./format.ts";
import { LOG_LIMIT, type LogLine } from "./log-buffer.ts";

/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24;

/**
 * Streamed log lines: follows new lines while the reader is at the bottom, stays put once they
 * scroll up (a button brings them back). stderr lines are marked in text, not only in colour.
 */
export function LogPanel({
  lines,
  status,
  limit = LOG_LIMIT,
  label = "Logs",
  caption = `The last ${limit} lines, live.`,
  actions,
}: {
  lines: readonly LogLine[];
  /** The stream's state (a LiveIndicator). */
  status?: ReactNode;
  /** How many lines the caller keeps (for the caption). */
  limit?: number;
  /** The log region's accessible name. */
  label?: string;
  caption?: string;
  /** Extra buttons beside "Follow new lines" (a run's Clear). */
  actions?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);

  // Runs on each new batch of lines.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX);
  };

  return (
    <div>
      <div className={styles.logTools}>
        <span className="field-hint">
          {caption} {status}
        </span>
        <span>
          {!following ? (
            <button type="button" className="ghost" onClick={() => setFollowing(true)}>
              Follow new lines
            </button>
          ) : null}
          {actions}
        </span>
      </div>
      <div
        ref={box}
        className="logs"
        role="log"
        aria-live="off"
        aria-label={label}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
        tabIndex={0}
        onScroll={onScroll}
      >
        {lines.length === 0 ? <span className="muted">No log lines yet.</span> : null}
        {lines.map((line) => (
          <span
            key={line.seq}
            className={`${styles.logLine} ${line.stream === "stderr" ? styles.stderr : ""}`}
          >
            <span className={styles.logMeta}>
              {formatClock(line.time)} {shortReplica(line.replica)}
            </span>
            {line.stream === "stderr" ? <span className={styles.stderrTag}>stderr</span> : null}
            {line.text}
          </span>
        ))}
      </div>
    </div>
  );
}
