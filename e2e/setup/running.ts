// The handles the global setup keeps for the teardown (both run in the Playwright runner process).
import type { OctoProcess } from "../../packages/runtime/test/octo-process.ts";

export interface Running {
  children: OctoProcess[];
  closers: (() => Promise<void>)[];
  tempDirs: string[];
}

const KEY = Symbol.for("octo.e2e.running");

export function setRunning(running: Running): void {
  (globalThis as Record<symbol, unknown>)[KEY] = running;
}

export function takeRunning(): Running | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const running = g[KEY] as Running | undefined;
  delete g[KEY];
  return running;
}
