// pino's worker-thread transports load files of their own (the workers, pino/file) by path next to
// pino's sources. The release bundle builds them beside itself and tells pino where they are
// through `globalThis.__bundlerPathsOverrides`, pino's hook for bundlers.

/** Override key → the module built for it, relative to the bundle's directory. */
export const PINO_WORKERS = {
  "thread-stream-worker": { source: "thread-stream/lib/worker.js", file: "thread-stream-worker.cjs" },
  "pino-worker": { source: "pino/lib/worker.js", file: "pino-worker.cjs" },
  "pino/file": { source: "pino/file.js", file: "pino-file.cjs" },
} as const;

/** The value of `globalThis.__bundlerPathsOverrides` for a bundle in `dir`. */
export function pinoPathOverrides(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(PINO_WORKERS).map(([key, w]) => [key, `${dir}/${w.file}`]));
}
