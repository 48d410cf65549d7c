"use client";

import type { ReactNode } from "react";
import type { LogLine } from "../../features/deployments/log-buffer.ts";
import { LogPanel } from "../../features/deployments/log-panel.tsx";
import { RUN_LOG_LIMIT } from "./run-model.ts";

/** The run's streamed lines: the deployments' log panel with the run's own limit and a Clear button. */
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
  return (
    <LogPanel
      lines={lines}
      status={live}
      limit={RUN_LOG_LIMIT}
      label="Run logs"
      caption={`The last ${RUN_LOG_LIMIT} lines of the run.`}
      actions={
        <button type="button" onClick={onClear} disabled={lines.length === 0}>
          Clear
        </button>
      }
    />
  );
}
