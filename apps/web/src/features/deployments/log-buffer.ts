import type { LogLine } from "@octo/orchestrator/client";

export type { LogLine };

/** How many lines the page keeps; older ones drop off the top. */
export const LOG_LIMIT = 1000;

/**
 * Appends a streamed line, keeping the last `limit`. Lines carry an increasing sequence number,
 * so one replayed after a reconnect is dropped instead of shown twice.
 */
export function appendLogLine(lines: readonly LogLine[], line: LogLine, limit = LOG_LIMIT): LogLine[] {
  const last = lines[lines.length - 1];
  if (last && line.seq <= last.seq) return lines as LogLine[];
  const next = [...lines, line];
  return next.length > limit ? next.slice(next.length - limit) : next;
}
