import { EventEmitter, on } from "node:events";
import { tracked } from "@trpc/server";
import type { DeploymentDriver, LogLine } from "../drivers/types.ts";

/**
 * A deployment's (or run's) log lines as a resumable stream: what the driver still holds after
 * `lastEventId`, then each new line, every one tracked by its sequence number.
 */
export async function* logStream(
  driver: DeploymentDriver,
  id: string,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
) {
  const lines = new EventEmitter();
  // Listening first: no line falls between the replay and the live part.
  const stop = driver.onLog(id, (line) => lines.emit("line", line));
  try {
    let after = Number(lastEventId ?? 0) || 0;
    for (const line of driver.logs(id, after)) {
      after = line.seq;
      yield tracked(String(line.seq), line);
    }
    for await (const [line] of on(lines, "line", signal ? { signal } : {})) {
      const l = line as LogLine;
      if (l.seq <= after) continue;
      yield tracked(String(l.seq), l);
    }
  } finally {
    stop();
  }
}
